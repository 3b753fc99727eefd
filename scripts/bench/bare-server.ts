/**
 * The baseline for bench-fanout and bench-steady: a bare socket.io server that broadcasts a given payload
 * to every client, takes heartbeats and acks proof batches (ids only: no validation, no storage).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';

const server = http.createServer();
const io = new Server(server, { serveClient: false, maxHttpBufferSize: 8 * 1024 * 1024 });
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
io.on('connection', (s) => {
  s.on('bundle:ack', () => undefined);
  s.on('heartbeat', () => undefined);
  s.on('proofs:upload', (batch: { columns?: { id?: string[] } }, ack: (r: unknown) => void) => {
    if (typeof ack === 'function') ack({ acked: batch?.columns?.id ?? [], rejected: [] });
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (m: { type: string; payload?: unknown }) => {
  if (m.type === 'broadcast') io.emit('bundle', m.payload);
  if (m.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss });
  if (m.type === 'lag-reset') lag.reset();
  if (m.type === 'lag') process.send!({ type: 'lag', p99Ms: lag.percentile(99) / 1e6 });
  if (m.type === 'close') io.close(() => process.exit(0));
});
