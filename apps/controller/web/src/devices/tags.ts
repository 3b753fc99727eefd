/** Tags typed as `chợ, trường học` → unique NFC tags in typed order (empty pieces dropped). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(/[,;\n]/)) {
    const tag = piece.normalize('NFC').trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}
