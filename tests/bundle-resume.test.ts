/**
 * Issue 13 item 3: a player reports the bundle hash it holds at connect (handshake `bundleHash`), and the
 * controller does not send a bundle it already has: after a network flap or a controller restart 10,000
 * identical bundles are not pushed again. A stale hash, or none (a player one protocol version behind),
 * still gets the bundle, and so does a player whose bundle changed while it was away.
 * Real controller on port 0 with its SQLite in a temp folder, real socket.io-client and a real player.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { io } from 'socket.io-client';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { type Bundle, PROTOCOL_VERSION } from '@bangtin/shared';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

const PASSWORD = 'mat-khau-giu-goi';
const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function controllerOn(dataDir: string, port = 0): Promise<Controller> {
  const c = await startController({
    port,
    host: '127.0.0.1',
    dataDir,
    adminPassword: PASSWORD,
    log: pino({ level: 'silent' }),
  });
  open.push(c);
  return c;
}

/**
 * Connects as the device and records what the controller sends at connect, up to `device:config` (always
 * sent after the bundle decision, on the same socket, so its arrival means no bundle is still coming).
 */
async function connectOnce(
  url: string,
  token: string,
  held: object,
): Promise<{ events: string[]; bundle: Bundle | null }> {
  const s = io(url, {
    auth: { token, protocol: PROTOCOL_VERSION, playerVersion: 'test', ...held },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const events: string[] = [];
  let bundle: Bundle | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      s.onAny((name: string, payload: unknown) => {
        // Other configuration (the kiosk survey) may follow in the same burst; it is not about bundles.
        if (name !== 'survey:config') events.push(name);
        if (name === 'bundle') {
          bundle = payload as Bundle;
          s.emit('bundle:ack', { version: bundle.version, hash: bundle.hash });
        }
        if (name === 'device:config') resolve();
      });
      s.once('connect_error', reject);
    });
  } finally {
    s.close();
  }
  return { events, bundle };
}

async function deviceWithSchedule(api: Api, name: string) {
  const dev = (await api.post('/devices', { name, kind: 'led' })).body as { id: string; token: string };
  const content = (await api.post('/content', { type: 'slogan', text: `Khẩu hiệu ${name}` })).body as { id: string };
  const playlist = (
    await api.post('/playlists', { name: `DS ${name}`, items: [{ contentId: content.id, durationMs: 5000 }] })
  ).body as { id: string };
  expect((await api.post('/schedules', { playlistId: playlist.id, target: { deviceIds: [dev.id] } })).status).toBe(201);
  return { ...dev, playlistId: playlist.id };
}

const counter = async (c: Controller, name: 'bundleSkips' | 'bundlePushes', trigger?: string) =>
  (await c.metrics[name].get()).values
    .filter((v) => !trigger || v.labels.trigger === trigger)
    .reduce((n, v) => n + v.value, 0);

describe('bundle resume: the controller skips a bundle the player already holds', () => {
  it('current hash → no bundle; stale hash or none → bundle; changed while away → bundle; also after a restart', async () => {
    const dataDir = tmpDir('resume-c');
    let c = await controllerOn(dataDir);
    let api = await new Api(c.url).login('admin', PASSWORD);
    const dev = await deviceWithSchedule(api, 'Bảng LED Hòa Bình');

    const first = await connectOnce(c.url, dev.token, {});
    expect(first.events).toEqual(['hello', 'bundle', 'device:config']);
    const h1 = first.bundle!.hash;

    // Same content: nothing is sent, and the device counts as holding the current revision.
    expect(
      (await connectOnce(c.url, dev.token, { bundleHash: h1, bundleVersion: first.bundle!.version })).events,
    ).toEqual(['hello', 'device:config']);
    expect(await counter(c, 'bundleSkips')).toBe(1);
    // A stale hash, and no hash at all (an older player), get the bundle as before.
    const stale = await connectOnce(c.url, dev.token, { bundleHash: 'a'.repeat(64), bundleVersion: 1 });
    expect(stale.bundle?.hash).toBe(h1);
    expect((await connectOnce(c.url, dev.token, {})).bundle?.hash).toBe(h1);
    // A malformed claim is dropped: the bundle is sent, the player is not refused.
    expect((await connectOnce(c.url, dev.token, { bundleHash: 'not-a-hash' })).bundle?.hash).toBe(h1);

    // Changed while the player was away: it reports the old hash and gets the new bundle.
    expect(
      (await api.post('/schedules', { playlistId: dev.playlistId, target: { deviceIds: [dev.id] }, priority: 30 }))
        .status,
    ).toBe(201);
    await waitFor(() => c.hub.bundleFor(dev.id)?.hash !== h1, 'the new bundle compiled');
    const changed = await connectOnce(c.url, dev.token, { bundleHash: h1 });
    expect(changed.bundle).not.toBeNull();
    const h2 = changed.bundle!.hash;
    expect(h2).not.toBe(h1);

    // A controller restart gives every device a new revision, but the content (hash) is the same: skipped,
    // and recorded as acknowledged at the new revision.
    await c.close();
    open.splice(open.indexOf(c), 1);
    c = await controllerOn(dataDir);
    api = await new Api(c.url).login('admin', PASSWORD);
    const revision = c.hub.bundleFor(dev.id)!.version;
    expect(revision).toBeGreaterThan(changed.bundle!.version);
    expect(
      (await connectOnce(c.url, dev.token, { bundleHash: h2, bundleVersion: changed.bundle!.version })).events,
    ).toEqual(['hello', 'device:config']);
    expect(await counter(c, 'bundlePushes', 'connect')).toBe(0);
    await waitFor(() => c.store.devices.get(dev.id)?.ackedBundleVersion === revision, 'the skip recorded as an ack');
    // …while the stale hash after the restart still gets it.
    expect((await connectOnce(c.url, dev.token, { bundleHash: h1 })).bundle?.hash).toBe(h2);
  });

  it('a real player reports its cached bundle: reconnecting to a restarted controller sends it nothing, a change reaches it', async () => {
    const dataDir = tmpDir('resume-c2');
    let c = await controllerOn(dataDir);
    const port = c.port;
    let api = await new Api(c.url).login('admin', PASSWORD);
    const dev = await deviceWithSchedule(api, 'Màn hình Lạc Sơn');
    const player: Player = startPlayer({
      controllerUrl: c.url,
      token: dev.token,
      dataDir: tmpDir('resume-p'),
      log: pino({ level: 'silent' }),
      backoff: { baseMs: 50, maxMs: 200 },
    });
    open.push(player);
    const held = await waitFor(() => player.bundle(), 'the first bundle');

    await c.close();
    open.splice(open.indexOf(c), 1);
    c = await controllerOn(dataDir, port);
    await waitFor(() => c.hub.isOnline(dev.id), 'the player back online');
    await waitFor(async () => (await counter(c, 'bundleSkips')) === 1, 'the skip counted');
    expect(await counter(c, 'bundlePushes')).toBe(0);
    expect(player.bundle()!.hash).toBe(held.hash);

    // Anything changed afterwards is pushed as usual, and the player plays it.
    api = await new Api(c.url).login('admin', PASSWORD);
    expect(
      (await api.post('/schedules', { playlistId: dev.playlistId, target: { deviceIds: [dev.id] }, priority: 40 }))
        .status,
    ).toBe(201);
    await waitFor(() => player.bundle()!.hash !== held.hash, 'the changed bundle at the player');
    expect(player.bundle()!.hash).toBe(c.hub.bundleFor(dev.id)!.hash);
  });
});
