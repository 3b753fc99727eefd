/** The list with the element at `from` moved to index `to` (both clamped); the input is untouched. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item!);
  return out;
}

/** Seconds as typed (Vietnamese may type a decimal comma) → whole ms; NaN when it is not a number. */
export function secondsToMs(text: string): number {
  const s = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return Number.NaN;
  return Math.round(Number(s) * 1000);
}

export function totalMs(items: readonly { durationMs: number }[]): number {
  return items.reduce((s, i) => s + i.durationMs, 0);
}
