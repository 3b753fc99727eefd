import type { Logger } from 'pino';
import type { Bundle, InterruptAck } from '@bangtin/shared';
import type { LocalState } from './local-store';
import type { PlayerSocket } from './connection';

const STATE_KEY = 'interrupt_acks';
/** Remembered ack keys: enough for every urgent message a board sees in months. */
const MAX_REMEMBERED = 500;

interface AckState {
  /** Acks not yet confirmed by the controller, oldest first. */
  pending: InterruptAck[];
  /** `id|r` (received) and `id|s` (shown) already confirmed, so repeats are not re-sent. */
  done: string[];
}

const keyOf = (a: InterruptAck) => `${a.interruptId}|${a.shownAt === null ? 'r' : 's'}`;

/**
 * Receipts for urgent messages. Each message is acked twice at most: when its bundle arrives
 * (`shownAt` null: delivered) and when it first goes on screen. Pending acks live in the player's
 * SQLite state and are re-sent after every reconnect until the controller confirms them.
 */
export class InterruptAcks {
  private sending = false;

  constructor(
    private readonly state: LocalState,
    private readonly socket: () => PlayerSocket | null,
    private readonly log: Logger,
  ) {}

  private load(): AckState {
    const raw = this.state.get(STATE_KEY);
    if (!raw) return { pending: [], done: [] };
    try {
      return JSON.parse(raw) as AckState;
    } catch {
      return { pending: [], done: [] };
    }
  }

  private save(s: AckState): void {
    this.state.set(STATE_KEY, JSON.stringify({ pending: s.pending, done: s.done.slice(-MAX_REMEMBERED) }));
  }

  private queue(ack: InterruptAck): void {
    const s = this.load();
    const key = keyOf(ack);
    if (s.done.includes(key) || s.pending.some((p) => keyOf(p) === key)) return;
    s.pending.push(ack);
    this.save(s);
    void this.flush();
  }

  /** Every urgent message in a newly received bundle has been delivered. */
  received(bundle: Bundle): void {
    for (const m of bundle.interrupts ?? []) this.queue({ interruptId: m.id, shownAt: null });
  }

  shown(interruptId: string, at: number): void {
    this.queue({ interruptId, shownAt: at });
  }

  /** Sends pending acks one by one; stops at the first that is not confirmed (link down). */
  async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        const socket = this.socket();
        const next = this.load().pending[0];
        if (!socket?.connected || !next) return;
        let res;
        try {
          res = await socket.timeout(5000).emitWithAck('interrupt:ack', next);
        } catch {
          return; // no answer: retried on the next reconnect or ack
        }
        const s = this.load();
        s.pending = s.pending.filter((p) => keyOf(p) !== keyOf(next));
        // An unknown message (deleted at the controller) is dropped too: re-sending cannot help.
        s.done.push(keyOf(next));
        this.save(s);
        if ('error' in res) this.log.warn({ ack: next, error: res.error }, 'controller refused an urgent-message ack');
      }
    } finally {
      this.sending = false;
    }
  }
}
