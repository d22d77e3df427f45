// Keccak-256 (the pre-SHA-3 padding Ethereum uses), synchronous and dependency-free, for
// EIP-55 mixed-case address checksums. Lanes are 64-bit, held as (low, high) 32-bit pairs in
// Int32Arrays (a Uint32Array would hand the JIT doubles for every value over 2^31).

/** Round constants as (low, high) pairs; Int32Array keeps every value a small integer for the JIT. */
const RC = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000, 0x0000808b, 0x00000000, 0x80000001, 0x00000000,
  0x80008081, 0x80000000, 0x00008009, 0x80000000, 0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x80000000,
  0x0000800a, 0x00000000, 0x8000000a, 0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
]);
/** Rotation of lane x + 5y (ρ). */
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
/** Where lane x + 5y goes in π: (y, 2x + 3y). */
const PI = Array.from({ length: 25 }, (_, i) => (i / 5 | 0) + 5 * ((2 * (i % 5) + 3 * (i / 5 | 0)) % 5));
/** χ neighbours of lane i: (x + 1, y) and (x + 2, y). */
const NEXT1 = Array.from({ length: 25 }, (_, i) => ((i % 5) + 1) % 5 + 5 * (i / 5 | 0));
const NEXT2 = Array.from({ length: 25 }, (_, i) => ((i % 5) + 2) % 5 + 5 * (i / 5 | 0));
const RATE = 136;

function keccakF(s: Int32Array, b: Int32Array, c: Int32Array): void {
  for (let round = 0; round < 24; round++) {
    // θ
    for (let x = 0; x < 5; x++) {
      c[2 * x] = s[2 * x]! ^ s[2 * x + 10]! ^ s[2 * x + 20]! ^ s[2 * x + 30]! ^ s[2 * x + 40]!;
      c[2 * x + 1] = s[2 * x + 1]! ^ s[2 * x + 11]! ^ s[2 * x + 21]! ^ s[2 * x + 31]! ^ s[2 * x + 41]!;
    }
    for (let x = 0; x < 5; x++) {
      const l = x === 0 ? 4 : x - 1;
      const r = x === 4 ? 0 : x + 1;
      const cl = c[2 * r]!;
      const ch = c[2 * r + 1]!;
      const dl = c[2 * l]! ^ ((cl << 1) | (ch >>> 31));
      const dh = c[2 * l + 1]! ^ ((ch << 1) | (cl >>> 31));
      for (let y = 0; y < 25; y += 5) {
        s[2 * (x + y)] = s[2 * (x + y)]! ^ dl;
        s[2 * (x + y) + 1] = s[2 * (x + y) + 1]! ^ dh;
      }
    }
    // ρ and π
    for (let from = 0; from < 25; from++) {
      const to = PI[from]!;
      const lo = s[2 * from]!;
      const hi = s[2 * from + 1]!;
      const n = ROT[from]!;
      if (n === 0) {
        b[2 * to] = lo;
        b[2 * to + 1] = hi;
      } else if (n < 32) {
        b[2 * to] = (lo << n) | (hi >>> (32 - n));
        b[2 * to + 1] = (hi << n) | (lo >>> (32 - n));
      } else if (n === 32) {
        b[2 * to] = hi;
        b[2 * to + 1] = lo;
      } else {
        const m = n - 32;
        b[2 * to] = (hi << m) | (lo >>> (32 - m));
        b[2 * to + 1] = (lo << m) | (hi >>> (32 - m));
      }
    }
    // χ
    for (let i = 0; i < 25; i++) {
      const i1 = NEXT1[i]!;
      const i2 = NEXT2[i]!;
      s[2 * i] = b[2 * i]! ^ (~b[2 * i1]! & b[2 * i2]!);
      s[2 * i + 1] = b[2 * i + 1]! ^ (~b[2 * i1 + 1]! & b[2 * i2 + 1]!);
    }
    // ι
    s[0] = s[0]! ^ RC[2 * round]!;
    s[1] = s[1]! ^ RC[2 * round + 1]!;
  }
}

export function keccak256(data: Uint8Array): Uint8Array {
  const s = new Int32Array(50);
  const b = new Int32Array(50);
  const c = new Int32Array(10);
  // Pad (0x01 … 0x80) to a whole number of blocks, then absorb each block.
  const blocks = Math.floor(data.length / RATE) + 1;
  const msg = new Uint8Array(blocks * RATE);
  msg.set(data);
  msg[data.length] = msg[data.length]! ^ 0x01;
  msg[msg.length - 1] = msg[msg.length - 1]! ^ 0x80;
  for (let off = 0; off < msg.length; off += RATE) {
    for (let i = 0; i < RATE; i += 4) {
      const word = msg[off + i]! | (msg[off + i + 1]! << 8) | (msg[off + i + 2]! << 16) | (msg[off + i + 3]! << 24);
      s[i >> 2] = s[i >> 2]! ^ word;
    }
    keccakF(s, b, c);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (s[i >> 2]! >>> (8 * (i & 3))) & 0xff;
  return out;
}
