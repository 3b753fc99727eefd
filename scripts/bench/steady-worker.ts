/**
 * One process of simulated players for bench-steady and bench-reconnect. Each client behaves like a player
 * at rest: a heartbeat every 15 s, one proof every 10 s into its outbox, the outbox uploaded (column form)
 * and emptied of what the controller acks. It reports the bundle hash it holds at connect (bundle resume)
 * and, when the link drops, reconnects with the player's own jittered backoff (apps/player backoff.ts).
 * Armed, it records when each client receives its next bundle (the schedule change during load).
 */
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { encodeProofColumns, newId, type Proof } from '@bangtin/shared';
import { backoffDelay } from '../../apps/player/src/runtime/backoff';

const tokens = JSON.parse(fs.readFileSync(process.env.BENCH_TOKENS_FILE!, 'utf8')) as string[];
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 15_000);
const PROOF_MS = Number(process.env.BENCH_PROOF_MS ?? 10_000);
const send = (m: unknown) => process.send!(m);

interface Client {
  s: Socket;
  held: { version: number; hash: string; scheduleId: string; playlistId: string; contentId: string } | null;
  outbox: Proof[];
  uploading: boolean;
  attempt: number;
  connects: number;
  /** Bundles received on a connection after the first. */
  resent: number;
  reconnectedAt: number | null;
}

const clients: Client[] = [];
let producing = false;
let armed = false;
let armedTimes: number[] = [];
const generated: string[] = [];
const timers: NodeJS.Timeout[] = [];
/** What the plays name when the client has no bundle (the bare baseline server sends none). */
let proofRef: { scheduleId: string; playlistId: string; contentId: string } | null = null;

function upload(c: Client): void {
  if (c.uploading || !c.s.connected || c.outbox.length === 0) return;
  c.uploading = true;
  const batch = c.outbox.slice(0, 500);
  c.s
    .timeout(30_000)
    .emitWithAck('proofs:upload', { columns: encodeProofColumns(batch) })
    .then((res: { acked?: string[] }) => {
      const acked = new Set(res.acked ?? []);
      c.outbox = c.outbox.filter((p) => !acked.has(p.id));
    })
    .catch(() => undefined) // kept in the outbox: sent again on the next tick or reconnect
    .finally(() => {
      c.uploading = false;
      if (c.outbox.length > 0 && c.s.connected && !producing) upload(c);
    });
}

function makeClient(url: string, token: string): Client {
  const c: Client = {
    s: null as unknown as Socket,
    held: null,
    outbox: [],
    uploading: false,
    attempt: 0,
    connects: 0,
    resent: 0,
    reconnectedAt: null,
  };
  c.s = io(url, {
    auth: (cb: (d: object) => void) =>
      cb({
        token,
        protocol: 1,
        playerVersion: 'bench',
        ...(c.held ? { bundleHash: c.held.hash, bundleVersion: c.held.version } : {}),
      }),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  c.s.on(
    'bundle',
    (b: {
      version: number;
      hash: string;
      schedules: { id: string; playlistId: string }[];
      content: { id: string }[];
    }) => {
      if (c.connects > 1) c.resent++;
      const sch = b.schedules[0];
      c.held = {
        version: b.version,
        hash: b.hash,
        scheduleId: sch?.id ?? '',
        playlistId: sch?.playlistId ?? '',
        contentId: b.content[0]?.id ?? '',
      };
      c.s.emit('bundle:ack', { version: b.version, hash: b.hash });
      if (armed) {
        armedTimes.push(Date.now());
        if (armedTimes.length === clients.length) send({ type: 'done', times: armedTimes });
      }
    },
  );
  c.s.on('connect', () => {
    c.connects++;
    c.attempt = 0;
    if (c.connects > 1) c.reconnectedAt = Date.now();
    upload(c);
  });
  const retry = () => setTimeout(() => c.s.connect(), backoffDelay(c.attempt++));
  c.s.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') retry();
  });
  c.s.on('connect_error', () => {
    if (c.connects > 0) retry();
  });
  return c;
}

function produce(c: Client): void {
  const ref = c.held?.scheduleId ? c.held : proofRef;
  if (!producing || !ref) return;
  const startedAt = Date.now() - 8000;
  const p: Proof = {
    id: newId(),
    contentId: ref.contentId,
    playlistId: ref.playlistId,
    scheduleId: ref.scheduleId,
    startedAt,
    endedAt: startedAt + 8000,
    deviceStartedAt: startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
  };
  generated.push(p.id);
  c.outbox.push(p);
  upload(c);
}

async function connectAll(url: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < tokens.length) {
        const c = makeClient(url, tokens[next++]!);
        await new Promise<void>((resolve, reject) => {
          c.s.once('connect', () => resolve());
          c.s.once('connect_error', (e) => reject(e));
          c.s.connect();
        });
        clients.push(c);
      }
    }),
  );
  // Spread each client's timers over its period, as players started at different times would.
  for (const c of clients) {
    const hb = setTimeout(() => {
      const t = setInterval(() => {
        if (c.s.connected)
          c.s.emit('heartbeat', {
            nowPlaying: null,
            bundleVersion: c.held?.version ?? null,
            outboxSize: c.outbox.length,
            uptimeMs: 1000,
            clockOffsetMs: 0,
          });
      }, HEARTBEAT_MS);
      timers.push(t);
    }, Math.random() * HEARTBEAT_MS);
    const pr = setTimeout(() => {
      produce(c);
      timers.push(setInterval(() => produce(c), PROOF_MS));
    }, Math.random() * PROOF_MS);
    timers.push(hb, pr);
  }
}

process.on('message', (m: { type: string; url?: string; file?: string; proofRef?: typeof proofRef }) => {
  void (async () => {
    if (m.type === 'connect') {
      producing = true;
      proofRef = m.proofRef ?? null;
      await connectAll(m.url!);
      await new Promise((r) => setTimeout(r, 500));
      send({ type: 'connected', count: clients.length });
    } else if (m.type === 'arm') {
      armedTimes = [];
      armed = true;
      send({ type: 'armed' });
    } else if (m.type === 'status') {
      send({ type: 'status', online: clients.filter((c) => c.s.connected && c.connects > 1).length });
    } else if (m.type === 'drain') {
      // Stop producing; wait until every outbox is empty (acked), then report what was made.
      producing = false;
      for (const c of clients) upload(c);
      while (clients.some((c) => c.outbox.length > 0 || c.uploading)) {
        for (const c of clients) upload(c);
        await new Promise((r) => setTimeout(r, 200));
      }
      fs.writeFileSync(m.file!, JSON.stringify(generated));
      send({
        type: 'drained',
        generated: generated.length,
        resent: clients.reduce((n, c) => n + c.resent, 0),
        reconnectedAt: clients.map((c) => c.reconnectedAt),
      });
    } else if (m.type === 'close') {
      for (const t of timers) clearTimeout(t);
      for (const c of clients) c.s.close();
      process.exit(0);
    }
  })().catch((err) => {
    console.error('steady worker failed:', err);
    process.exit(1);
  });
});
