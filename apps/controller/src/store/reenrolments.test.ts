import { newId } from '@bangtin/shared';
import { describe, expect, it } from 'vitest';
import { freshStores } from './test-store';
import { REENROLMENT_TTL_MS, ReenrolmentStore } from './reenrolments';

const fresh = freshStores('reenrol');

const claim = (deviceId: string, tokenHash: string) => ({
  tokenHash,
  deviceId,
  name: 'Bảng LED',
  groupId: null,
  address: '127.0.0.1',
  playerVersion: 'test',
});

describe('ReenrolmentStore', () => {
  it('forgets requests 7 days after they were made, and frees their place in the bound', () => {
    const store = fresh();
    const r = new ReenrolmentStore(store.db, { maxRows: 2, ttlMs: REENROLMENT_TTL_MS });
    const t0 = Date.UTC(2026, 11, 1);
    expect(r.claim(claim(newId(), 'a'.repeat(64)), t0).kind).toBe('pending');
    expect(r.claim(claim(newId(), 'b'.repeat(64)), t0 + 1000).kind).toBe('pending');
    expect(r.claim(claim(newId(), 'c'.repeat(64)), t0 + 2000).kind).toBe('full');
    expect(r.list(t0 + REENROLMENT_TTL_MS - 1)).toHaveLength(2);
    // Seen again later does not extend its life: a stranger retrying cannot keep a row for ever.
    expect(r.claim(claim(newId(), 'a'.repeat(64)), t0 + 3000).kind).toBe('pending');
    const later = t0 + REENROLMENT_TTL_MS + 500;
    expect(r.list(later).map((x) => x.fingerprint)).toEqual(['bbbbbbbbbbbb']);
    expect(r.claim(claim(newId(), 'c'.repeat(64)), later).kind).toBe('pending');
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM device_reenrolments').get() as { n: number }).n).toBe(2);
  });

  it('a rejected token stays refused; the same device with a new token asks again', () => {
    const store = fresh();
    const r = new ReenrolmentStore(store.db);
    const deviceId = newId();
    const first = r.claim(claim(deviceId, 'd'.repeat(64)));
    if (first.kind !== 'pending') throw new Error('expected pending');
    r.reject(first.request.id, 'admin');
    expect(r.claim(claim(deviceId, 'd'.repeat(64))).kind).toBe('rejected');
    const again = r.claim(claim(deviceId, 'e'.repeat(64)));
    expect(again).toMatchObject({ kind: 'pending', request: { id: first.request.id, status: 'pending', attempts: 1 } });
  });
});
