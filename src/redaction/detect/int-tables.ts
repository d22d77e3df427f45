// Hash sets for the name recognizers' word hashes: SmallSet for the few found in one text,
// IntSet and IntMap (open addressing over Int32Arrays) for the gazetteers and cue lists.
/** What the recognizers ask of a set of hashes. */
export interface HashSet {
  has(h: number): boolean;
  readonly size: number;
}

/**
 * A few hashes found in one text (e-mail parts, names found): a plain array is cheaper to build
 * than a table. Past SMALL of them (a long text's many names) a Set takes over, so a look-up
 * does not cost one compare per hash held.
 */
export class SmallSet implements HashSet {
  private readonly items: number[] = [];
  private set: Set<number> | undefined;

  get size(): number {
    return this.items.length;
  }

  has(h: number): boolean {
    return this.set !== undefined ? this.set.has(h) : this.items.includes(h);
  }

  add(h: number): this {
    if (this.has(h)) return this;
    this.items.push(h);
    if (this.set !== undefined) this.set.add(h);
    else if (this.items.length > SMALL) this.set = new Set(this.items);
    return this;
  }
}

/** The most hashes a SmallSet keeps in its array alone. */
const SMALL = 32;

/**
 * A set of word or phrase hashes (non-negative 30-bit integers): open addressing in an
 * Int32Array, so a test is a multiply, a shift and a compare or two, with no call into the
 * engine's hash tables (the name recognizers test every capitalised token against several).
 */
export class IntSet {
  protected keys: Int32Array;
  protected shift: number;
  size = 0;

  /** `capacity` (a power of two, at least 16): room for half as many keys before growing. */
  constructor(items?: Iterable<number>, capacity = 16) {
    this.keys = new Int32Array(capacity).fill(-1);
    this.shift = 32 - Math.log2(capacity);
    if (items) for (const k of items) this.add(k);
  }

  protected slot(k: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    let j = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const x = keys[j]!;
      if (x === k || x === -1) return j;
      j = (j + 1) & mask;
    }
  }

  has(k: number): boolean {
    const keys = this.keys;
    const mask = keys.length - 1;
    let j = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const x = keys[j]!;
      if (x === k) return true;
      if (x === -1) return false;
      j = (j + 1) & mask;
    }
  }

  add(k: number): this {
    if (k < 0) throw new RangeError("IntSet keys are non-negative");
    const j = this.slot(k);
    if (this.keys[j] === -1) {
      this.keys[j] = k;
      if (++this.size * 2 > this.keys.length) this.grow();
    }
    return this;
  }

  protected grow(): void {
    const old = this.keys;
    this.keys = new Int32Array(old.length * 2).fill(-1);
    this.shift--;
    this.size = 0;
    for (const k of old) if (k !== -1) this.add(k);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (const k of this.keys) if (k !== -1) yield k;
  }
}

/**
 * A map from hashes (non-negative 30-bit integers) to integers, open addressing like IntSet
 * with each key and its value side by side in one Int32Array: a look-up in a large gazetteer
 * misses the cache once, not once for the key and again for the value.
 */
export class IntMap {
  /** Slot j: key at 2j (-1 when empty), value at 2j + 1. */
  private slots = IntMap.empty(16);
  private shift = 28;
  size = 0;

  private static empty(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * 2);
    for (let j = 0; j < slots.length; j += 2) slots[j] = -1;
    return slots;
  }

  get(k: number): number | undefined {
    // Values are Int32Array entries, so NaN can only mean "not there".
    const v = this.getOr(k, NaN);
    return Number.isNaN(v) ? undefined : v;
  }

  /** The value of k, or `otherwise` when k is not in the map. */
  getOr(k: number, otherwise: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let j = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const x = slots[j << 1]!;
      if (x === k) return slots[(j << 1) + 1]!;
      if (x === -1) return otherwise;
      j = (j + 1) & mask;
    }
  }

  has(k: number): boolean {
    return this.get(k) !== undefined;
  }

  set(k: number, v: number): this {
    if (k < 0) throw new RangeError("IntMap keys are non-negative");
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let j = Math.imul(k, 0x9e3779b1) >>> this.shift;
    while (slots[j << 1] !== -1 && slots[j << 1] !== k) j = (j + 1) & mask;
    if (slots[j << 1] === -1) {
      slots[j << 1] = k;
      slots[(j << 1) + 1] = v;
      if (++this.size * 4 > slots.length) this.grow();
    } else slots[(j << 1) + 1] = v;
    return this;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = IntMap.empty(old.length);
    this.shift--;
    this.size = 0;
    for (let j = 0; j < old.length; j += 2) if (old[j] !== -1) this.set(old[j]!, old[j + 1]!);
  }
}
