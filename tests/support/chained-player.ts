import crypto from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  type Bundle,
  CHAIN_GENESIS,
  type ChainedProof,
  type ControllerToPlayerEvents,
  newId,
  type PlayerToControllerEvents,
  proofCanonicalForm,
  PROTOCOL_VERSION,
} from '@bangtin/shared';

/**
 * A player reduced to its wire protocol, for tests whose figures must be known exactly: it acknowledges
 * every bundle it is sent and uploads proofs chained the way the real player chains them (per-output
 * `seq` from 1, `prevHash` the SHA-256 of the previous proof's canonical form).
 */
export type PlayerSocket = Socket<ControllerToPlayerEvents, PlayerToControllerEvents>;

export interface ChainedPlayer {
  socket: PlayerSocket;
  /** Hashes of the bundles acknowledged so far, oldest first. */
  acked: string[];
  /** Chains and uploads plays `[scheduleId, startedAt, endedAt]`; resolves to the proofs' ids once all are acked. */
  upload(contentId: string, plays: readonly [string, number, number][]): Promise<string[]>;
  close(): void;
}

/** Connects like a player, acknowledges every bundle (the first before resolving) and reports an empty outbox. */
export async function connectChainedPlayer(url: string, token: string): Promise<ChainedPlayer> {
  const socket: PlayerSocket = io(url, {
    auth: { token, protocol: PROTOCOL_VERSION, playerVersion: 'test' },
    transports: ['websocket'],
    reconnection: false,
  });
  const acked: string[] = [];
  const first = new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.on('bundle', (bundle: Bundle) => {
      socket.emit('bundle:ack', { version: bundle.version, hash: bundle.hash });
      if (acked.length === 0)
        socket.emit('heartbeat', {
          nowPlaying: null,
          bundleVersion: bundle.version,
          outboxSize: 0,
          uptimeMs: 1000,
          clockOffsetMs: 0,
        });
      acked.push(bundle.hash);
      resolve();
    });
  });
  await first;
  let seq = 0;
  let prev = CHAIN_GENESIS;
  return {
    socket,
    acked,
    async upload(contentId, plays) {
      const proofs: ChainedProof[] = plays.map(([scheduleId, startedAt, endedAt]) => {
        const p: ChainedProof = {
          id: newId(),
          contentId,
          playlistId: newId(),
          scheduleId,
          startedAt,
          endedAt,
          deviceStartedAt: startedAt,
          clockOffsetMs: 0,
          endReason: 'completed',
          output: 'main',
          seq: ++seq,
          prevHash: prev,
        };
        prev = crypto.createHash('sha256').update(proofCanonicalForm(p), 'utf8').digest('hex');
        return p;
      });
      const res = (await socket.timeout(5000).emitWithAck('proofs:upload', { proofs })) as { acked: string[] };
      if (res.acked.length !== proofs.length)
        throw new Error(`the controller acked ${res.acked.length} of ${proofs.length} proofs`);
      return proofs.map((p) => p.id);
    },
    close: () => socket.close(),
  };
}
