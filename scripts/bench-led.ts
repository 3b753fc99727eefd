/**
 * bench:led — how long it takes to put a Vietnamese slogan, and an urgent message, on a 96×16 Alpha board
 * at 9600 baud, against the limit the protocol allows (wire time bytes × 10 / baud plus the pauses the sign
 * needs), and how fast slogans are rendered and compiled.
 *
 *   node --import tsx scripts/bench-led.ts [--runs 3] [--slogans 1000] [--smoke]
 *
 * What is measured and what is computed: every programme goes through the real AlphaDriver, serialport
 * and a socat pty pair to the board simulator. A pty moves bytes as fast as the host can, whatever baud
 * rate is set (socat cannot emulate a UART's speed), so the measured time (send → last packet at the
 * simulator) holds the pauses plus host overhead but almost no wire time. The 9600-baud figure adds the
 * computed wire time of the bytes the driver actually wrote (its status counters); this is exact for a UART
 * because the transport waits for drain before every pause. The limit of each case counts the pauses of
 * the commands the simulator actually received.
 *
 * The urgent case (the fixed layout's reserved slots: pictures, urgent TEXT, run sequence) is compared in
 * the same run with the full-reload path it replaces (memory configuration with its pause, every picture,
 * TEXT, run sequence), measured on a fresh driver whose first programme is the same message.
 * `--smoke` runs with pauses scaled down 20× and 20 slogans, to finish in a few seconds.
 */
import { performance } from 'node:perf_hooks';
import { renderSlogan } from '@bangtin/shared';
import {
  AlphaDriver,
  type AlphaPacing,
  createBoardSimulator,
  DEFAULT_ALPHA_PACING,
  type LedProgramme,
} from '../apps/player/src/led';
import { compileContent, compileDelivery, planLayout } from '../apps/player/src/led/alpha/layout';
import { BxDriver } from '../apps/player/src/led/bx/driver';
import { BxSimulator } from '../apps/player/src/led/sim/bx-simulator';
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
/** An urgent notice as an office would send it (two pages on 96×16). */
const URGENT_TEXT = 'Thông báo khẩn: tạm dừng tiếp nhận hồ sơ'.normalize('NFC');
const URGENT_FRAMES = 4;

function programmeOf(text: string, id: string, urgent = false): LedProgramme {
  const options = urgent ? { ...LED_RENDER_OPTIONS, maxFrames: URGENT_FRAMES } : LED_RENDER_OPTIONS;
  return {
    id,
    frames: renderSlogan(text, BOARD, options).frames,
    text: { content: text },
    ...(urgent ? { urgent } : {}),
  };
}

// The headline cases are typical slogans that page; a slogan too long to page scrolls, in many pictures.
const kinds = texts.map((text) => {
  const r = renderSlogan(text, BOARD, LED_RENDER_OPTIONS);
  return { text, mode: r.mode, frames: r.frames.length };
});
const paged = kinds.filter((k) => k.mode === 'paged').slice(0, 2);
const scrolled = kinds.find((k) => k.mode === 'scroll');
if (paged.length < 2 || !scrolled) throw new Error('demo slogans no longer include two paged ones and a scrolling one');
const urgentFrames = programmeOf(URGENT_TEXT, 'probe', true).frames.length;
if (urgentFrames > URGENT_FRAMES) throw new Error(`the urgent notice renders to ${urgentFrames} frames`);

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
let bytesSeen = 0;
/** When the first run sequence of the current case arrived, and how many bytes had arrived by then. */
const firstRun: { value: { at: number; bytes: number } | null } = { value: null };
const seenRun = (): { at: number; bytes: number } | null => firstRun.value;
sim.on('packet', (packet) => {
  packetsSeen++;
  lastPacketAt = performance.now();
  // 5 × NUL, SOH, type, address, EOT; per block STX, data, ETX, checksum.
  bytesSeen += 10 + packet.blocks.reduce((n, b) => n + b.raw.length + 6, 0);
  if (!firstRun.value && packet.blocks.some((b) => b.command.kind === 'run-sequence'))
    firstRun.value = { at: lastPacketAt, bytes: bytesSeen };
});
const commands: { kind: string; dark: boolean }[] = [];
sim.on('command', (c) => commands.push({ kind: c.command.kind, dark: sim.model.dark() }));

interface Row {
  label: string;
  bytes: number;
  packets: number;
  dots: number;
  memoryConfigs: number;
  /** Commands after which the board showed nothing. */
  darkCommands: number;
  measuredMs: number;
  modelMs: number;
  limitMs: number;
  /** Send → the first run sequence (the board shows the programme's first page), at 9600 baud. */
  firstPageMs: number;
}
const rows: Row[] = [];

/** Shows `programme`, waits until the simulator received its last packet, and accounts for it. */
async function measure(driver: AlphaDriver, label: string, programme: LedProgramme): Promise<Row> {
  const before = driver.status();
  const seenBefore = packetsSeen;
  const bytesBefore = bytesSeen;
  firstRun.value = null;
  commands.length = 0;
  const t0 = performance.now();
  const res = await driver.show(programme);
  if (!res.delivered) throw new Error(`programme ${programme.id} was not delivered`);
  const after = driver.status();
  const packets = after.packetsWritten - before.packetsWritten;
  const bytes = after.bytesWritten - before.bytesWritten;
  // The sign has it when its last packet arrived, not when the driver's trailing pause ends.
  while (packetsSeen - seenBefore < packets) await new Promise((r) => setTimeout(r, 1));
  const measuredMs = lastPacketAt - t0;
  // Read through a function: TypeScript cannot see the packet listener set it while we waited.
  const run = seenRun();
  const dots = commands.filter((c) => c.kind === 'write-dots').length;
  const memoryConfigs = commands.filter((c) => c.kind === 'memory-config').length;
  // Pauses between packets (none after the last), after each picture's size bytes, after a memory configuration.
  const pausesMs =
    Math.max(0, packets - 1) * pacing.interPacketMs +
    dots * pacing.dotsSizePauseMs +
    memoryConfigs * Math.max(0, pacing.memoryConfigPauseMs - pacing.interPacketMs);
  const row: Row = {
    label,
    bytes,
    packets,
    dots,
    memoryConfigs,
    darkCommands: commands.filter((c) => c.dark).length,
    measuredMs,
    modelMs: measuredMs + wireMs(bytes),
    limitMs: wireMs(bytes) + pausesMs,
    firstPageMs: run ? run.at - t0 + wireMs(run.bytes - bytesBefore) : Number.NaN,
  };
  rows.push(row);
  return row;
}

const URGENT = 'urgent message (reserved slots, no memory configuration)';
const BASELINE = 'same message by full reload (old path)';
try {
  for (let r = 0; r < runs; r++) {
    // A fresh driver each run: the first programme pays the memory configuration, no later one does.
    const driver = new AlphaDriver({ port: pair.a, baudRate: BAUD, size: BOARD, pacing, urgentFrames: URGENT_FRAMES });
    await driver.open();
    const one = programmeOf(paged[0]!.text, `one-${r}`);
    await measure(driver, `cold: memory config + ${paged[0]!.frames} pages`, one);
    await measure(driver, `slogan change, ${paged[1]!.frames} new pictures`, programmeOf(paged[1]!.text, `two-${r}`));
    await measure(driver, 'switch back to a loaded slogan', { ...one, id: `one-again-${r}` });
    await measure(driver, URGENT, programmeOf(URGENT_TEXT, `urgent-${r}`, true));
    await measure(driver, 'cancel urgent (playlist item still loaded)', { ...one, id: `one-back-${r}` });
    await measure(
      driver,
      `long slogan: ${scrolled.frames} new scroll pictures`,
      programmeOf(scrolled.text, `long-${r}`),
    );
    await driver.close();

    // The path the urgent message took before the fixed layout: a memory configuration, then everything.
    const cold = new AlphaDriver({ port: pair.a, baudRate: BAUD, size: BOARD, pacing, urgentFrames: URGENT_FRAMES });
    await cold.open();
    await measure(cold, BASELINE, programmeOf(URGENT_TEXT, `urgent-reload-${r}`));
    await cold.close();
  }
} finally {
  await sim.close();
  await pair.close();
}
if (sim.stats.checksumErrors > 0) throw new Error(`simulator saw ${sim.stats.checksumErrors} checksum errors`);
if (sim.stats.refused > 0) throw new Error(`simulator refused ${sim.stats.refused} commands`);

const averages = new Map<string, Omit<Row, 'label'>>();
for (const label of new Set(rows.map((r) => r.label))) {
  const rs = rows.filter((r) => r.label === label);
  const avg = (k: keyof Omit<Row, 'label'>): number => rs.reduce((s, r) => s + r[k], 0) / rs.length;
  const a = {
    bytes: avg('bytes'),
    packets: avg('packets'),
    dots: avg('dots'),
    memoryConfigs: avg('memoryConfigs'),
    darkCommands: avg('darkCommands'),
    measuredMs: avg('measuredMs'),
    modelMs: avg('modelMs'),
    limitMs: avg('limitMs'),
    firstPageMs: avg('firstPageMs'),
  };
  averages.set(label, a);
  const ratio = a.modelMs / a.limitMs;
  const pauses = a.limitMs - wireMs(a.bytes);
  console.log(
    `  ${label}: ${f(a.bytes)} bytes in ${f(a.packets)} packets (${f(a.dots)} pictures, ${f(a.memoryConfigs)} memory config); ` +
      `wire ${f(wireMs(a.bytes))} ms + pauses ${f(pauses)} ms = limit ${f(a.limitMs)} ms`,
  );
  console.log(
    `    measured over pty ${f(a.measuredMs)} ms (pauses + host overhead ${f(a.measuredMs - pauses)} ms); ` +
      `at ${BAUD} baud ${f(a.modelMs)} ms = ${f(ratio, 3)} × limit ${ratio <= 1.1 ? '(within 10 %)' : '(OVER the 10 % target)'}; ` +
      `board dark after ${f(a.darkCommands)} of ${f(a.packets)} commands`,
  );
}
const urgent = averages.get(URGENT)!;
const firstPage = (a: Omit<Row, 'label'>): string => f(a.firstPageMs);
const baseline = averages.get(BASELINE)!;
console.log(
  `  URGENT send → last byte at ${BAUD} baud: ${f(urgent.modelMs)} ms (limit ${f(urgent.limitMs)} ms, ${f(urgent.modelMs / urgent.limitMs, 3)} × limit); ` +
    `full reload ${f(baseline.modelMs)} ms; urgent / full reload = ${f(urgent.modelMs / baseline.modelMs, 3)} ` +
    `(${f(baseline.modelMs / urgent.modelMs, 1)}× faster, ${f(baseline.bytes - urgent.bytes)} bytes fewer, dark ${f(urgent.darkCommands)} vs ${f(baseline.darkCommands)} commands)`,
);
console.log(
  `  URGENT first page on the board at ${BAUD} baud: ${firstPage(urgent)} ms (full reload: ${firstPage(baseline)} ms, ` +
    `the whole programme, after the memory configuration)`,
);

// ── 1b. The same urgent message on an Onbon BX-5E card at 57600 baud ──────────────────────────────────
// One A7 00 with ImmePlay into area 1, answered by an ACK; "shown" is the ACK. Over a socat pty (which
// moves bytes at host speed) the measured time is the driver, serialport and simulator; the wire time
// of the request and the ACK at 57600 baud is added, and the limit is that wire time alone.
const BX_BAUD = 57600;
const bxWireMs = (bytes: number): number => (bytes * 10 * 1000) / BX_BAUD;
{
  const bxPair = await createPtyPair();
  const bxSim = new BxSimulator({ card: 'bx-5e1', size: BOARD, path: bxPair.b, baudRate: BX_BAUD });
  await bxSim.open();
  let replyBytes = 0;
  bxSim.on('handled', (h) => (replyBytes += h.reply?.length ?? 0));
  const bx = new BxDriver({ card: 'bx-5e1', size: BOARD, port: bxPair.a, baudRate: BX_BAUD, pingIntervalMs: 600_000 });
  const bxRows: { label: string; bytes: number; reply: number; measuredMs: number }[] = [];
  try {
    await bx.open();
    await bx.show(programmeOf(paged[0]!.text, 'bx-warm'));
    for (let r = 0; r < runs; r++) {
      for (const [label, p] of [
        ['BX urgent (A7 00, ImmePlay)', programmeOf(URGENT_TEXT, `bx-urgent-${r}`, true)],
        ['BX cancel (A7 01 delete area 1)', programmeOf(paged[0]!.text, 'bx-warm')],
      ] as const) {
        const before = bx.status().bytesWritten;
        const replyBefore = replyBytes;
        const t0 = performance.now();
        const res = await bx.show(p);
        if (!res.delivered) throw new Error(`BX programme ${p.id} not delivered`);
        bxRows.push({
          label,
          bytes: bx.status().bytesWritten - before,
          reply: replyBytes - replyBefore,
          measuredMs: performance.now() - t0,
        });
      }
    }
  } finally {
    await bx.close();
    await bxSim.close();
    await bxPair.close();
  }
  for (const label of new Set(bxRows.map((r) => r.label))) {
    const rs = bxRows.filter((r) => r.label === label);
    const avg = (k: 'bytes' | 'reply' | 'measuredMs'): number => rs.reduce((n, r) => n + r[k], 0) / rs.length;
    const limit = bxWireMs(avg('bytes') + avg('reply'));
    const model = avg('measuredMs') + limit;
    console.log(
      `  ${label} at ${BX_BAUD} baud: ${f(avg('bytes'))} bytes + ${f(avg('reply'))} ACK bytes; send → ACK ${f(model)} ms ` +
        `(measured over pty ${f(avg('measuredMs'))} ms + wire ${f(limit)} ms) = ${f(model / limit, 3)} × wire-time limit`,
    );
  }
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
// Compiled as a playlist change into the fixed layout with every picture written (nothing cached).
const layout = planLayout({ board: BOARD });
for (const [i, t] of batch.entries()) {
  const content = compileContent(programmeOf(t, `p${i}`), layout);
  const all = content.pictures.map((_, n) => n);
  const plan = compileDelivery(content, layout, { labels: layout.poolLabels.slice(0, all.length), write: all });
  bytes += plan.steps.reduce((s, x) => s + x.bytes.length, 0);
}
const renderCompileMs = performance.now() - t0;
console.log(
  `  rendering: ${sloganCount} slogans (${frames} frames) in ${f(renderMs)} ms = ${f((sloganCount / renderMs) * 1000)} slogans/s`,
);
console.log(
  `  render + compile to Alpha packets: ${f(renderCompileMs)} ms = ${f((sloganCount / renderCompileMs) * 1000)} slogans/s (${f(bytes / sloganCount)} bytes each; ${f(wireMs(bytes / sloganCount))} ms of wire each at ${BAUD} baud)`,
);
process.exit(0);
