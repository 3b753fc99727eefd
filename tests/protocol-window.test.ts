import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import {
  type Bundle,
  type Hello,
  PROTOCOL_VERSION,
  type ProofUploadResult,
  SUPPORTED_PROTOCOLS,
} from '@bangtin/shared';
import { Api } from './support/api';
import { tmpDir } from './support/processes';

/** The previous protocol exactly as an older player speaks it (see `_about` in the file). */
const FROZEN = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/player-protocol-1.json'), 'utf8'),
) as {
  protocol: number;
  handshake: { token: string; protocol: number; playerVersion: string };
  heartbeat: Record<string, unknown>;
  proofUpload: { proofs: { id: string }[] };
};

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(): Promise<{ controller: Controller; api: Api; token: string }> {
  const controller = await startController({
    port: 0,
    host: '127.0.0.1',
    dataDir: tmpDir('protocol-window'),
    adminPassword: 'mat-khau-giao-thuc',
    log: pino({ level: 'silent' }),
    jobs: false,
  });
  open.push(controller);
  const api = await new Api(controller.url).login('admin', 'mat-khau-giao-thuc');
  const dev = await api.post<{ token: string }>('/devices', { name: 'Bảng LED đời cũ', kind: 'led' });
  expect(dev.status).toBe(201);
  return { controller, api, token: dev.body.token };
}

// `any` events: an older player is not typed by today's event maps, which is the point of the test.
function connect(url: string, auth: Record<string, unknown>): Socket<any, any> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false });
  open.push(socket);
  return socket;
}

describe('player protocol window: controller N accepts players N and N−1 only', () => {
  it('the frozen fixture is the oldest protocol in the window (move it up when PROTOCOL_VERSION moves)', () => {
    expect(SUPPORTED_PROTOCOLS).toEqual([PROTOCOL_VERSION - 1, PROTOCOL_VERSION].filter((v) => v >= 1));
    expect(FROZEN.protocol).toBe(Math.max(1, PROTOCOL_VERSION - 1));
    expect(FROZEN.handshake.protocol).toBe(FROZEN.protocol);
  });

  it('accepts the frozen older handshake: hello, a bundle, its heartbeat and proof upload', async () => {
    const { controller, api, token } = await setup();
    const player = connect(controller.url, { ...FROZEN.handshake, token });
    const hello = new Promise<Hello>((resolve) => player.once('hello', resolve));
    const bundle = new Promise<Bundle>((resolve) => player.once('bundle', resolve));
    const refused = new Promise<Error>((resolve) => player.once('connect_error', resolve));
    const first = await Promise.race([hello, refused]);
    expect(first).not.toBeInstanceOf(Error);
    expect((first as Hello).protocol).toBe(FROZEN.protocol);
    const b = await bundle;
    expect(b.hash).toMatch(/^[0-9a-f]{64}$/);

    player.emit('heartbeat', FROZEN.heartbeat);
    const res = await new Promise<ProofUploadResult>((resolve) =>
      player.emit('proofs:upload', FROZEN.proofUpload, resolve),
    );
    expect(res).toEqual({ acked: [FROZEN.proofUpload.proofs[0]!.id], rejected: [] });
    // The controller stored what the old player sent, and records it as that player's version.
    const proofs = await api.get<{ id: string }[]>(`/proofs?limit=10`);
    expect(proofs.body.map((p) => p.id)).toContain(FROZEN.proofUpload.proofs[0]!.id);
    expect(controller.hub.isOnline((await api.get<{ id: string }[]>('/devices')).body[0]!.id)).toBe(true);
  });

  it.each([
    ['N−2', PROTOCOL_VERSION - 2],
    ['an unknown future version N+1', PROTOCOL_VERSION + 1],
  ])('refuses %s with protocol-incompatible', async (_what, protocol) => {
    const { controller, token } = await setup();
    const player = connect(controller.url, { ...FROZEN.handshake, token, protocol });
    let gotBundle = false;
    player.on('bundle', () => (gotBundle = true));
    const err = await new Promise<Error & { data?: { error: { code: string; message: string } } }>((resolve) =>
      player.once('connect_error', resolve),
    );
    expect(err.message).toBe('protocol-incompatible');
    expect(err.data?.error.code).toBe('protocol-incompatible');
    expect(err.data?.error.message).toContain(`player protocol ${protocol} is not supported`);
    expect(gotBundle).toBe(false);
    expect(player.connected).toBe(false);
  });
});
