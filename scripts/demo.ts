/**
 * The quick-start demo: a controller on an embedded SQLite database with Vietnamese demo data, and two
 * simulated headless players (an LED board and a lobby kiosk), all in this one process.
 * Secrets of the demo are kept in `<data-dir>/demo-secrets.json` (mode 0600) so a restart can log in
 * and reconnect the players; a real deployment never stores a password in clear.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startController } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { newId } from '@bangtin/shared';
import { CAMPAIGN_SLOGANS, DISTRICTS, PROVINCE, SLOGANS } from './demo-data';

interface DemoSecrets {
  adminPassword: string;
  editorPassword: string;
  viewerPassword: string;
  devices: { id: string; name: string; token: string }[];
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'no-players': { type: 'boolean' } },
  strict: true,
});
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
const controller = await startController({ port, dataDir, adminPassword });
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

const players: Player[] = [];
if (!values['no-players']) {
  for (const d of secrets.devices) {
    const p = startPlayer({
      controllerUrl: controller.url,
      token: d.token,
      dataDir: path.join(dataDir, 'players', d.id),
      heartbeatMs: 5000,
      log: pino({ name: `player:${d.name}`, level: process.env.BANGTIN_LOG_LEVEL ?? 'warn' }),
    });
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
  Thiết bị mô phỏng / players  : ${secrets.devices.map((d) => d.name).join(', ')}
Nhấn Ctrl+C để dừng / press Ctrl+C to stop.
`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(players.map((p) => p.close()));
  await controller.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
