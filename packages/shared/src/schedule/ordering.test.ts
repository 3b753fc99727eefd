import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntMinHeap, radixOrder } from './ordering';

describe('IntMinHeap', () => {
  it('pops values in the same order as a sort, duplicates included, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 200 }), (xs) => {
        const h = new IntMinHeap(1);
        for (const x of xs) h.push(x);
        expect(h.size).toBe(xs.length);
        const out: number[] = [];
        while (h.size > 0) out.push(h.pop());
        expect(out).toEqual([...xs].sort((a, b) => a - b));
        expect(h.pop()).toBe(-1);
        expect(h.peek()).toBe(-1);
      }),
    );
  });

  it('peek always shows the minimum of what is left under interleaved pushes and pops', () => {
    const op = fc.oneof(fc.nat({ max: 30 }), fc.constant('pop' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const h = new IntMinHeap(2);
        const naive: number[] = [];
        for (const o of ops) {
          if (o === 'pop') {
            naive.sort((a, b) => a - b);
            expect(h.pop()).toBe(naive.length > 0 ? naive.shift() : -1);
          } else {
            h.push(o);
            naive.push(o);
          }
          expect(h.peek()).toBe(naive.length > 0 ? Math.min(...naive) : -1);
        }
      }),
    );
  });
});

describe('radixOrder', () => {
  it('matches a stable comparison sort of the keys, over the full 32-bit range and with many ties', () => {
    const key = fc.oneof(fc.nat({ max: 5 }), fc.nat({ max: 3000 }), fc.integer({ min: 0, max: 0xffff_ffff }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 400 }), (xs) => {
        const keys = Uint32Array.from(xs);
        const naive = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
        expect([...radixOrder(keys)]).toEqual(naive);
      }),
    );
  });
});
