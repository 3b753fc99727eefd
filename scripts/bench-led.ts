/**
 * bench:led — how long it takes to put a Vietnamese slogan on a 96×16 Alpha board at 9600 baud, against
 * the limit the protocol allows (wire time bytes × 10 / baud plus the pauses the sign needs), and how
 * fast slogans are rendered and compiled.
 *
 *   node --import tsx scripts/bench-led.ts [--runs 3] [--slogans 1000] [--smoke]
 *
 * What is measured and what is computed: the programme goes through the real AlphaDriver, serialport
 * and a socat pty pair to the board simulator. A pty moves bytes as fast as the host can, whatever baud
 * rate is set (socat cannot emulate a UART's speed), so the measured time holds the pauses plus host
 * overhead but almost no wire time. The 9600-baud figure adds the computed wire time of the bytes
 * actually written; this is exact for a UART because the transport waits for drain before every pause.
 * `--smoke` runs with pauses scaled down 20× and 20 slogans, to finish in a few seconds.
 */
import { performance } from 'node:perf_hooks';
import { renderSlogan } from '@bangtin/shared';
import {
  AlphaDriver,
  type AlphaPacing,
  compileProgramme,
  createBoardSimulator,
  DEFAULT_ALPHA_PACING,
  type LedProgramme,
} from '../apps/player/src/led';
import { createPtyPair } from '../apps/player/src/led/testing/pty-pair';
import { LED_RENDER_OPTIONS } from '../apps/player/src/runtime/led-outputs';
import { CAMPAIGN_SLOGANS, SLOGANS } from './demo-data';

const SMOKE = process.argv.includes('--smoke');
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`bench:led: --${name} must be a positive integer`);
    process.exit(2);
  }
  return v;
}

const BAUD = 9600;
const BOARD = { width: 96, height: 16 };
const runs = SMOKE ? 1 : arg('runs', 3);
const sloganCount = SMOKE ? 20 : arg('slogans', 1000);
const scale = SMOKE ? 1 / 20 : 1;
const pacing: AlphaPacing = {
  interPacketMs: DEFAULT_ALPHA_PACING.interPacketMs * scale,
  dotsSizePauseMs: DEFAULT_ALPHA_PACING.dotsSizePauseMs * scale,
  memoryConfigPauseMs: DEFAULT_ALPHA_PACING.memoryConfigPauseMs * scale,
};
const texts = [...SLOGANS, ...CAMPAIGN_SLOGANS].map((t) => t.normalize('NFC'));

function programmeOf(text: string, id: string): LedProgramme {
  return { id, frames: renderSlogan(text, BOARD, LED_RENDER_OPTIONS).frames, text: { content: text } };
}

/** Bytes on the wire and the pauses the protocol needs between them (none after the last packet). */
function limitOf(p: LedProgramme, withMemory: boolean): { bytes: number; packets: number; pausesMs: number } {
  const plan = compileProgramme(p, { board: BOARD, address: '00' });
  const steps = withMemory ? [plan.memory, ...plan.files] : plan.files;
  let bytes = 0;
  let pausesMs = 0;
  for (const [i, s] of steps.entries()) {
    bytes += s.bytes.length;
    if (s.pauseAt !== undefined) pausesMs += pacing.dotsSizePauseMs;
    if (i < steps.length - 1)
      pausesMs +=
        s.purpose === 'memory-config'
          ? Math.max(pacing.memoryConfigPauseMs, pacing.interPacketMs)
          : pacing.interPacketMs;
  }
  return { bytes, packets: steps.length, pausesMs };
}

// The headline case is a typical slogan that pages; a slogan too long to page scrolls, in many pictures.
const kinds = texts.map((text) => {
  const r = renderSlogan(text, BOARD, LED_RENDER_OPTIONS);
  return { text, mode: r.mode, frames: r.frames.length };
});
const pagedAll = kinds.filter((k) => k.mode === 'paged');
const first = pagedAll[0]!;
const paged = [first, pagedAll.find((k) => k !== first && k.frames === first.frames)!];
const scrolled = kinds.find((k) => k.mode === 'scroll')!;
if (!paged[1] || !scrolled)
  throw new Error('demo slogans no longer include two paged ones of equal length and a scrolling one');

const wireMs = (bytes: number): number => (bytes * 10 * 1000) / BAUD;
const f = (n: number, d = 0): string => n.toFixed(d);

console.log(
  `bench:led — ${BOARD.width}×${BOARD.height} Alpha board at ${BAUD} baud over a socat pty; ${runs} run(s)` +
    (SMOKE ? ' (smoke: pauses ÷ 20)' : ''),
);

// ── 1. Delivery time ────────────────────────────────────────────────────────────────────────────────
const pair = await createPtyPair();
const sim = createBoardSimulator({ path: pair.b, size: BOARD, baudRate: BAUD, pageHoldMs: 60_000 });
await sim.open();
let packetsSeen = 0;
let lastPacketAt = 0;
sim.on('packet', () => {
  packetsSeen++;
  lastPacketAt = performance.now();
});

interface Row {
  label: string;
  bytes: number;
  packets: number;
  measuredMs: number;
  modelMs: number;
  limitMs: number;
}
const rows: Row[] = [];
try {
  for (let r = 0; r < runs; r++) {
    // A fresh driver each run: the first programme pays the memory configuration, the second (same layout) not.
    const driver = new AlphaDriver({ port: pair.a, baudRate: BAUD, size: BOARD, pacing });
    await driver.open();
    const cases: [string, LedProgramme, boolean][] = [
      [`cold: memory config + ${paged[0]!.frames} pages`, programmeOf(paged[0]!.text, `cold-${r}`), true],
      [`slogan change, same layout`, programmeOf(paged[1]!.text, `warm-${r}`), false],
      [
        `long slogan: memory config + ${scrolled.frames} scroll pictures`,
        programmeOf(scrolled.text, `long-${r}`),
        true,
      ],
    ];
    for (const [label, programme, withMemory] of cases) {
      const limit = limitOf(programme, withMemory);
      if (
        !withMemory &&
        compileProgramme(programme, { board: BOARD }).layout !== compileProgramme(cases[0]![1], { board: BOARD }).layout
      ) {
        // Different page count: the driver must configure memory again, and so must the limit.
        Object.assign(limit, limitOf(programme, true));
      }
      const before = packetsSeen;
      const t0 = performance.now();
      const res = await driver.show(programme);
      if (!res.delivered) throw new Error(`programme ${programme.id} was not delivered`);
      // The sign has it when its last packet arrived, not when the driver's trailing pause ends.
      while (packetsSeen - before < limit.packets) await new Promise((res) => setTimeout(res, 1));
      const measuredMs = lastPacketAt - t0;
      const modelMs = measuredMs + wireMs(limit.bytes);
      rows.push({
        label,
        bytes: limit.bytes,
        packets: limit.packets,
        measuredMs,
        modelMs,
        limitMs: wireMs(limit.bytes) + limit.pausesMs,
      });
    }
    await driver.close();
  }
} finally {
  await sim.close();
  await pair.close();
}
if (sim.stats.checksumErrors > 0) throw new Error(`simulator saw ${sim.stats.checksumErrors} checksum errors`);

for (const label of new Set(rows.map((r) => r.label))) {
  const rs = rows.filter((r) => r.label === label);
  const avg = (k: keyof Omit<Row, 'label'>): number => rs.reduce((s, r) => s + r[k], 0) / rs.length;
  const ratio = avg('modelMs') / avg('limitMs');
  console.log(
    `  ${label}: ${f(avg('bytes'))} bytes in ${f(avg('packets'))} packets; wire ${f(wireMs(avg('bytes')))} ms + pauses ${f(avg('limitMs') - wireMs(avg('bytes')))} ms = limit ${f(avg('limitMs'))} ms`,
  );
  console.log(
    `    measured over pty ${f(avg('measuredMs'))} ms (pauses + host overhead ${f(avg('measuredMs') - (avg('limitMs') - wireMs(avg('bytes'))))} ms); at ${BAUD} baud ${f(avg('modelMs'))} ms = ${f(ratio, 3)} × limit ${ratio <= 1.1 ? '(within 10 %)' : '(OVER the 10 % target)'}`,
  );
}

// ── 2. Rendering throughput ─────────────────────────────────────────────────────────────────────────
// Distinct texts (a number appended) so nothing can be reused between slogans.
const batch = Array.from({ length: sloganCount }, (_, i) => `${texts[i % texts.length]!} ${i + 1}`);
let frames = 0;
let t0 = performance.now();
for (const t of batch) frames += renderSlogan(t, BOARD, LED_RENDER_OPTIONS).frames.length;
const renderMs = performance.now() - t0;
t0 = performance.now();
let bytes = 0;
for (const [i, t] of batch.entries()) {
  const plan = compileProgramme(programmeOf(t, `p${i}`), { board: BOARD });
  bytes += plan.memory.bytes.length + plan.files.reduce((s, x) => s + x.bytes.length, 0);
}
const renderCompileMs = performance.now() - t0;
console.log(
  `  rendering: ${sloganCount} slogans (${frames} frames) in ${f(renderMs)} ms = ${f((sloganCount / renderMs) * 1000)} slogans/s`,
);
console.log(
  `  render + compile to Alpha packets: ${f(renderCompileMs)} ms = ${f((sloganCount / renderCompileMs) * 1000)} slogans/s (${f(bytes / sloganCount)} bytes each; ${f(wireMs(bytes / sloganCount))} ms of wire each at ${BAUD} baud)`,
);
process.exit(0);
