/** The baseline for bench-fanout: a bare socket.io server that broadcasts a given payload to every client. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const server = http.createServer();
const io = new Server(server, { serveClient: false, maxHttpBufferSize: 8 * 1024 * 1024 });
io.on('connection', (s) => s.on('bundle:ack', () => undefined));
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (m: { type: string; payload?: unknown }) => {
  if (m.type === 'broadcast') io.emit('bundle', m.payload);
  if (m.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss });
  if (m.type === 'close') io.close(() => process.exit(0));
});
