/**
 * The quick-start demo: a controller on an embedded SQLite database with Vietnamese demo data, and two
 * simulated headless players (an LED board and a lobby kiosk), all in this one process. The LED player
 * drives a simulated Alpha sign over a socat pty pair (a real serial port as far as both ends know); the
 * sign's face is written to `<data-dir>/led-board.png` and, now and then, printed as ASCII art. The same
 * player drives a simulated Onbon BX-5E card over loopback TCP, its face in `<data-dir>/led-board-bx.png`.
 * Secrets of the demo are kept in `<data-dir>/demo-secrets.json` (mode 0600) so a restart can log in
 * and reconnect the players; a real deployment never stores a password in clear.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { startController } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { bitmapToAscii, bitmapToPng, type BoardSimulator, createBoardSimulator } from '../apps/player/src/led';
import { type BxSimulator, createBxSimulator } from '../apps/player/src/led/sim/bx-simulator';
import { createPtyPair, type PtyPair } from '../apps/player/src/led/testing/pty-pair';
import { createLedOutput } from '../apps/player/src/runtime/led-outputs';
import { type ScreenRuntime, startScreenRuntime } from '../apps/player/src/runtime/screen-runtime';
import { newId } from '@bangtin/shared';
import { CAMPAIGN_SLOGANS, DISTRICTS, PROVINCE, SLOGANS } from './demo-data';

interface DemoSecrets {
  adminPassword: string;
  editorPassword: string;
  viewerPassword: string;
  devices: { id: string; name: string; token: string }[];
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-players': { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (err) {
  console.error(`bangtin demo: ${(err as Error).message} (flags: --port, --data-dir, --no-players, --verbose)`);
  process.exit(2);
}
const port = Number(values.port ?? process.env.BANGTIN_PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`bangtin demo: --port must be a port number, got ${values.port}`);
  process.exit(2);
}
const dataDir = path.resolve(values['data-dir'] ?? process.env.BANGTIN_DATA_DIR ?? './data/demo');
const secretsFile = path.join(dataDir, 'demo-secrets.json');
fs.mkdirSync(dataDir, { recursive: true });

const existing: DemoSecrets | null = fs.existsSync(secretsFile)
  ? (JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as DemoSecrets)
  : null;
const adminPassword = process.env.BANGTIN_ADMIN_PASSWORD ?? existing?.adminPassword ?? `bangtin-${newId().slice(-8)}`;
// The terminal gets human lines only; the JSON log goes to a file (or, with --verbose, to the terminal,
// pretty-printed).
const logFile = path.join(dataDir, 'controller.log');
const rootLog: Logger = pino(
  { level: process.env.BANGTIN_LOG_LEVEL ?? 'info' },
  values.verbose
    ? pretty({ colorize: process.stdout.isTTY === true, sync: true })
    : pino.destination({ dest: logFile, append: true, sync: true }),
);
const controller = await startController({
  port,
  dataDir,
  adminPassword,
  log: rootLog.child({ name: 'controller' }),
});
if (controller.missingTools.length > 0) {
  console.log(
    `Thiếu ${controller.missingTools.join(', ')}: video tải lên chưa đọc được thời lượng và ảnh thu nhỏ ` +
      `(ảnh vẫn đầy đủ) / missing ${controller.missingTools.join(', ')}: videos get no length or thumbnail ` +
      '(images are fine). Cài / install: sudo apt-get install ffmpeg',
  );
}
const { store } = controller;

let secrets: DemoSecrets;
if (existing && store.users.credentials('admin')) {
  secrets = existing;
} else {
  secrets = seed();
  fs.writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
}

function seed(): DemoSecrets {
  const province = store.groups.create({ name: PROVINCE, kind: 'province', parentId: null });
  const districts = DISTRICTS.map((name) => store.groups.create({ name, kind: 'district', parentId: province.id }));
  const tamKy = districts[0]!;
  const hoiAn = districts[1]!;
  const editorPassword = `bientap-${newId().slice(-6)}`;
  const viewerPassword = `lanhdao-${newId().slice(-6)}`;
  store.users.create({ username: 'bientap.tamky', password: editorPassword, role: 'editor', groupId: tamKy.id });
  store.users.create({ username: 'lanhdao', password: viewerPassword, role: 'viewer', groupId: null });

  const led = store.devices.create({ name: 'Bảng LED BHXH Tam Kỳ', kind: 'led', groupId: tamKy.id });
  const kiosk = store.devices.create({ name: 'Kiosk sảnh BHXH Hội An', kind: 'kiosk', groupId: hoiAn.id });

  const routine = SLOGANS.map((text) => store.content.createSlogan({ text, title: null, createdBy: null }));
  const campaign = CAMPAIGN_SLOGANS.map((text) => store.content.createSlogan({ text, title: null, createdBy: null }));
  const routineList = store.content.createPlaylist({
    name: 'Thông điệp thường xuyên',
    items: routine.map((c) => ({ contentId: c.id, durationMs: 8000 })),
    createdBy: null,
  });
  const campaignList = store.content.createPlaylist({
    name: 'Chiến dịch BHXH toàn dân',
    items: campaign.map((c) => ({ contentId: c.id, durationMs: 10_000 })),
    createdBy: null,
  });
  store.schedules.create({
    playlistId: routineList.id,
    target: { deviceIds: [], groupIds: [province.id] },
    startsAt: null,
    endsAt: null,
    priority: 10,
    createdBy: null,
  });
  // The campaign runs for two weeks from today, above routine messages.
  const now = Date.now();
  store.schedules.create({
    playlistId: campaignList.id,
    target: { deviceIds: [], groupIds: [tamKy.id] },
    startsAt: now,
    endsAt: now + 14 * 24 * 3600 * 1000,
    priority: 50,
    createdBy: null,
  });
  controller.hub.refresh();
  return {
    adminPassword,
    editorPassword,
    viewerPassword,
    devices: [
      { id: led.device.id, name: led.device.name, token: led.token },
      { id: kiosk.device.id, name: kiosk.device.name, token: kiosk.token },
    ],
  };
}

/**
 * A simulated 96×16 Alpha sign on one end of a socat pty pair; the LED player gets the other end. Without
 * socat the LED player runs without a board (its plays are still logged).
 */
async function startSimulatedBoard(): Promise<{ pair: PtyPair; sim: BoardSimulator } | null> {
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0) {
    console.log(
      'Chưa có socat: bỏ qua bảng LED mô phỏng / socat not found: no simulated LED board (apt-get install socat)',
    );
    return null;
  }
  const pair = await createPtyPair();
  const sim = createBoardSimulator({ path: pair.b, size: { width: 96, height: 16 }, pageHoldMs: 3000 });
  const png = path.join(dataDir, 'led-board.png');
  let lastAsciiAt = 0;
  let lastProgramme = '';
  sim.on('display', (page) => {
    // A sign goes dark for a few seconds while it reorganises its memory for a new slogan; the file keeps
    // the last picture meanwhile, so whoever opens it sees a slogan rather than a dark board.
    if (!page.bitmap.data.some((v) => v !== 0)) return;
    // Written aside and renamed, so an image viewer never reads half a file.
    fs.writeFileSync(`${png}.tmp`, bitmapToPng(page.bitmap, { scale: 6 }));
    fs.renameSync(`${png}.tmp`, png);
    // ASCII art only for the first page of a new slogan, at most every 30 s: the terminal stays readable.
    const programme = sim.model
      .pages()
      .map((p) => p.bitmap.data.join(''))
      .join('|');
    if (page.page === 0 && programme !== lastProgramme && Date.now() - lastAsciiAt > 30_000) {
      lastAsciiAt = Date.now();
      lastProgramme = programme;
      console.log(
        `▦ bảng LED mô phỏng / simulated LED board (${png}):\n${bitmapToAscii(page.bitmap, process.stdout.isTTY === true)}`,
      );
    }
  });
  await sim.open();
  return { pair, sim };
}

/**
 * A simulated Onbon BX-5E1 card (96×16, one colour) on a loopback TCP port, as an office board on the LAN
 * would be; the LED player drives it beside the Alpha sign. Its face is kept in `<data-dir>/led-board-bx.png`.
 */
async function startSimulatedBxBoard(): Promise<BxSimulator | null> {
  try {
    return await createBxSimulator({
      card: 'bx-5e1',
      size: { width: 96, height: 16 },
      tcp: { host: '127.0.0.1', port: 0 },
      png: path.join(dataDir, 'led-board-bx.png'),
      scale: 6,
    });
  } catch (err) {
    console.warn(`bangtin demo: BX board not started (${(err as Error).message})`);
    return null;
  }
}

const players: Player[] = [];
let board: { pair: PtyPair; sim: BoardSimulator } | null = null;
let bxBoard: BxSimulator | null = null;
let kioskScreen: ScreenRuntime | null = null;
if (!values['no-players']) {
  board = await startSimulatedBoard();
  bxBoard = await startSimulatedBxBoard();
  for (const d of secrets.devices) {
    // Players log every play at info: keep the file to warnings unless asked for more.
    const log = rootLog.child(
      { name: `player:${d.name}` },
      { level: process.env.BANGTIN_LOG_LEVEL ?? (values.verbose ? 'info' : 'warn') },
    );
    // The first demo device is the LED board: the player drives the simulated sign as `--output led,…` would.
    const led =
      board && d === secrets.devices[0]
        ? createLedOutput(
            { name: 'bang-tam-ky', protocol: 'alpha', port: board.pair.a, baud: 9600, size: '96x16', address: '00' },
            { log },
          )
        : null;
    if (led) await led.open();
    const bx =
      bxBoard && d === secrets.devices[0]
        ? createLedOutput(
            {
              name: 'bang-bx',
              protocol: 'bx',
              card: 'bx-5e1',
              tcp: `127.0.0.1:${bxBoard.port}`,
              baud: 57600,
              size: '96x16',
              address: '1',
            },
            { log },
          )
        : null;
    if (bx) await bx.open();
    const boards = [led, bx].filter((o) => o !== null);
    const playerDir = path.join(dataDir, 'players', d.id);
    // The second demo device is the lobby kiosk: its screen is served on loopback for any browser.
    let screen: ScreenRuntime | null = null;
    if (d === secrets.devices[1]) {
      try {
        screen = await startScreenRuntime({
          screen: {
            rendererPort: 0,
            kiosk: true,
            kioskIdleMs: 30_000,
            kioskEnglish: false, // Vietnamese only, as a lobby runs by default (--kiosk-english adds English)
            mediaQuotaBytes: 512 * 1024 * 1024,
            transitionMs: 300,
          },
          controllerUrl: controller.url,
          token: d.token,
          dataDir: playerDir,
          log,
        });
        kioskScreen = screen;
      } catch (err) {
        console.warn(`bangtin demo: kiosk screen not started (${(err as Error).message})`);
      }
    }
    const screenOutput = screen?.output() ?? null;
    const p = startPlayer({
      controllerUrl: controller.url,
      token: d.token,
      dataDir: playerDir,
      heartbeatMs: 5000,
      log,
      ...(boards.length > 0 ? { outputs: boards } : {}),
      ...(screen && screenOutput ? { outputs: [screenOutput], mediaCache: screen.cache } : {}),
    });
    if (screen && screenOutput) screen.attach(p, screenOutput);
    p.on('show', (pos) => {
      if (pos?.content.type === 'slogan') console.log(`▶ ${d.name}: ${pos.content.text}`);
    });
    players.push(p);
  }
}

console.log(`
bangtin demo đang chạy / is running
  Địa chỉ quản trị / admin URL : ${controller.url}/
  API                          : ${controller.url}/api/v1/health
  Đăng nhập / login            : admin / ${secrets.adminPassword}
  Biên tập Tam Kỳ / editor     : bientap.tamky / ${secrets.editorPassword}
  Lãnh đạo / viewer            : lanhdao / ${secrets.viewerPassword}
  Dữ liệu / data               : ${dataDir}
  Nhật ký / log                : ${values.verbose ? 'màn hình / this terminal (--verbose)' : logFile}
  Thiết bị mô phỏng / players  : ${secrets.devices.map((d) => d.name).join(', ')}
  Màn hình kiosk / kiosk screen: ${kioskScreen ? kioskScreen.browser.url : 'không có / none'}
  Bảng LED mô phỏng / LED board: ${board ? `${path.join(dataDir, 'led-board.png')} (Alpha, cổng / port ${board.pair.a})` : 'không có / none (socat missing)'}
  Bảng LED BX-5E / BX-5E board : ${bxBoard ? `${path.join(dataDir, 'led-board-bx.png')} (tcp 127.0.0.1:${bxBoard.port})` : 'không có / none'}
Nhấn Ctrl+C để dừng / press Ctrl+C to stop.
`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(players.map((p) => p.close()));
  await kioskScreen?.close();
  await board?.sim.close();
  await board?.pair.close();
  await bxBoard?.close();
  await controller.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
