/**
 * Orderings the timeline needs thousands of times per call, kept free of allocation per element.
 */

/**
 * A binary min-heap of small non-negative integers (here: priority levels, 0 = the highest). The
 * timeline keeps the levels that have an active schedule in one, so finding who owns the time after
 * each window opens or closes costs O(log levels) instead of a scan of every active schedule.
 */
export class IntMinHeap {
  private items: Int32Array;
  private n = 0;

  constructor(capacity = 16) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.n === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= v) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = v;
  }

  /** The smallest value, or -1 when empty. */
  peek(): number {
    return this.n > 0 ? this.items[0]! : -1;
  }

  /** Removes and returns the smallest value, or -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const a = this.items;
    const top = a[0]!;
    const last = a[--this.n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && a[r]! < a[l]! ? r : l;
      if (a[c]! >= last) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/** Indices of `keys` in ascending key order, equal keys in index order (LSD radix, 11-bit digits). */
export function radixOrder(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let src = new Uint32Array(n);
  for (let e = 0; e < n; e++) src[e] = e;
  let dst = new Uint32Array(n);
  const count = new Uint32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let e = 0; e < n; e++) count[(keys[e]! >>> shift) & 2047]!++;
    // A digit shared by every key would move nothing.
    if (count[(keys[0]! >>> shift) & 2047] === n) continue;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const e = src[k]!;
      dst[count[(keys[e]! >>> shift) & 2047]!++] = e;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  return src;
}
