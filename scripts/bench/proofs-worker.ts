/**
 * One process of simulated players for bench-proofs: each client uploads its share of proofs in
 * batches, one batch in flight per client (as the real player does), as fast as acks come back.
 */
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { encodeProofColumns, type ProofColumns } from '@bangtin/shared';
import { benchProofs } from './proof-data';

const tokens = JSON.parse(fs.readFileSync(process.env.BENCH_TOKENS_FILE!, 'utf8')) as string[];
const perClient = Number(process.env.BENCH_PER_CLIENT);
const batch = Number(process.env.BENCH_BATCH);
// As players of this release send them: numbered and hash-linked (seq, prevHash; see proof-chain.ts).
const chained = process.env.BENCH_CHAINED === '1';
const send = (m: unknown) => process.send!(m);

// Each client's batches are encoded before 'go': on 2 cores the simulated players share the machine
// with the controller, and their own work inside the measured window only slows it down.
const clients: { s: Socket; batches: { columns: ProofColumns }[] }[] = [];
process.on('message', (m: { type: string; url?: string }) => {
  void (async () => {
    if (m.type === 'connect') {
      const base = Date.now() - 7 * 24 * 3600 * 1000;
      for (const token of tokens) {
        const s = io(m.url!, {
          auth: { token, protocol: 1, playerVersion: 'bench' },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        });
        const { proofs } = benchProofs(perClient, base, chained);
        const batches: { columns: ProofColumns }[] = [];
        // As the real player does: the column-wise form (see packages/shared/src/proof-columns.ts).
        for (let i = 0; i < proofs.length; i += batch)
          batches.push({ columns: encodeProofColumns(proofs.slice(i, i + batch)) });
        clients.push({ s, batches });
      }
      send({ type: 'connected', count: clients.length });
    } else if (m.type === 'go') {
      let acked = 0;
      let rejected = 0;
      await Promise.all(
        clients.map(async ({ s, batches }) => {
          for (const upload of batches) {
            const res = await s.timeout(60_000).emitWithAck('proofs:upload', upload);
            if (res.error) throw new Error(`${res.error.code}: ${res.error.message}`);
            acked += res.acked.length;
            rejected += res.rejected.length;
          }
        }),
      );
      send({ type: 'done', acked, rejected });
    } else if (m.type === 'close') {
      for (const c of clients) c.s.close();
      process.exit(0);
    }
  })().catch((err) => {
    console.error('proofs worker failed:', err);
    process.exit(1);
  });
});
