// Golden pictures of Vietnamese slogans, reviewed by eye once and checked in as text art.
// Regenerate after an intended change with: UPDATE_GOLDEN=1 npx vitest run --project unit packages/shared/src/led/golden.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderSlogan, type RenderOptions } from './render';
import { toTextArt } from './text-art';

const DIR = fileURLToPath(new URL('./__golden__/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const SLOGANS: Record<string, string> = {
  'bhxh-tru-cot': 'Bảo hiểm xã hội là trụ cột chính của hệ thống an sinh xã hội',
  'tu-nguyen': 'Tham gia BHXH tự nguyện – an tâm tuổi già',
  'dong-du': 'Đóng BHXH, BHYT đầy đủ để được hưởng quyền lợi',
  'dau-chong': 'ỆỞỮẶ ƯƠĐ',
};
const BOARDS = [
  { width: 96, height: 16 },
  { width: 64, height: 32 },
  { width: 128, height: 16 },
  { width: 80, height: 12 },
];

interface Case {
  name: string;
  text: string;
  board: { width: number; height: number };
  options: RenderOptions;
}

const cases: Case[] = [];
for (const [slug, text] of Object.entries(SLOGANS)) {
  for (const board of BOARDS) cases.push({ name: `${slug}-${board.width}x${board.height}`, text, board, options: {} });
}
// Every layout mode at least once, whatever auto would pick.
cases.push({
  name: 'dau-chong-96x16-scroll',
  text: SLOGANS['dau-chong']!,
  board: { width: 96, height: 16 },
  options: { mode: 'scroll' },
});
cases.push({
  name: 'tu-nguyen-96x16-paged',
  text: SLOGANS['tu-nguyen']!,
  board: { width: 96, height: 16 },
  options: { mode: 'paged' },
});

/** The whole result as text: what was chosen, then each distinct picture (the strip stands for scroll frames). */
function describe_(c: Case): string {
  const r = renderSlogan(c.text, c.board, c.options);
  const { fit } = r;
  const out = [
    `# text: ${c.text}`,
    `# board: ${c.board.width}x${c.board.height}, options: ${JSON.stringify(c.options)}`,
    `# mode: ${r.mode}, font: ${fit.fontId} x${fit.scale}, lines: ${fit.lines}, frames: ${r.frames.length} × ${r.frames[0]!.durationMs} ms` +
      (fit.scrollStepPx ? `, step ${fit.scrollStepPx} px` : ''),
    `# fit: ${fit.message} | ${fit.messageEn}`,
    ...fit.warnings.map((w) => `# warning ${w.code}: ${w.message}`),
  ];
  if (r.strip) out.push(`== strip ${r.strip.width}x${r.strip.height} ==`, toTextArt(r.strip));
  else r.frames.forEach((f, i) => out.push(`== frame ${i} ==`, toTextArt(f.bitmap)));
  return out.join('\n') + '\n';
}

describe('golden LED renders', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s matches the checked-in picture', (name, c) => {
    const file = `${DIR}${name}.txt`;
    const actual = describe_(c);
    if (UPDATE) writeFileSync(file, actual);
    expect(existsSync(file), `${file} missing; run with UPDATE_GOLDEN=1 once and review it`).toBe(true);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
