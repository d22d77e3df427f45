// Crypto-wallet address formats for the PII corpus: Bitcoin Base58Check (P2PKH, P2SH) and
// bech32/bech32m (SegWit v0, Taproot), Ethereum with the EIP-55 mixed-case checksum (Keccak-256,
// implemented here since node:crypto has only SHA-3). Each can be built from bytes and validated.
import { createHash } from "node:crypto";

const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());

// --- Base58Check ----------------------------------------------------------------------------

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

function unbase58(s: string): Uint8Array | undefined {
  let n = 0n;
  for (const c of s) {
    const v = B58.indexOf(c);
    if (v < 0) return undefined;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const c of s) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return new Uint8Array(bytes);
}

export function base58check(version: number, payload: Uint8Array): string {
  const body = new Uint8Array([version, ...payload]);
  const check = sha256(sha256(body)).slice(0, 4);
  return base58(new Uint8Array([...body, ...check]));
}

function validBase58Btc(s: string): boolean {
  if (!/^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(s)) return false;
  const raw = unbase58(s);
  if (!raw || raw.length !== 25) return false;
  const body = raw.slice(0, 21);
  const check = sha256(sha256(body)).slice(0, 4);
  if (!check.every((b, i) => b === raw[21 + i])) return false;
  return raw[0] === 0x00 || raw[0] === 0x05;
}

// --- bech32 / bech32m (BIP 173, BIP 350) ---------------------------------------------------------

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32 = 1;
const BECH32M = 0x2bc830a3;

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] ?? 0;
  }
  return chk >>> 0;
}

const hrpExpand = (hrp: string) => [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];

function convertBits(data: readonly number[], from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (const v of data) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & max);
    }
  }
  if (pad && bits > 0) out.push((acc << (to - bits)) & max);
  else if (!pad && (bits >= from || ((acc << (to - bits)) & max) !== 0)) return undefined;
  return out;
}

/** A SegWit address: version 0 (bech32, 20- or 32-byte program) or 1 (bech32m, 32 bytes). */
export function segwitAddress(version: 0 | 1, program: Uint8Array, hrp = "bc"): string {
  const data = [version, ...(convertBits([...program], 8, 5, true) ?? [])];
  const mod = polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ (version === 0 ? BECH32 : BECH32M);
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data, ...checksum].map((v) => CHARSET[v]).join("")}`;
}

function validSegwit(s: string): boolean {
  if (s !== s.toLowerCase() || !s.startsWith("bc1")) return false;
  const data = [...s.slice(3)].map((c) => CHARSET.indexOf(c));
  if (data.length < 7 || data.some((v) => v < 0)) return false;
  const version = data[0] ?? -1;
  const constant = polymod([...hrpExpand("bc"), ...data]);
  if (constant !== (version === 0 ? BECH32 : BECH32M)) return false;
  const program = convertBits(data.slice(1, -6), 5, 8, false);
  if (!program) return false;
  if (version === 0) return program.length === 20 || program.length === 32;
  return version === 1 ? program.length === 32 : false;
}

// --- Keccak-256 and EIP-55 ---------------------------------------------------------------------

const MASK = (1n << 64n) - 1n;
const RC = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n, 0x000000000000808bn, 0x0000000080000001n,
  0x8000000080008081n, 0x8000000000008009n, 0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
  0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n, 0x8000000000008002n, 0x8000000000000080n,
  0x000000000000800an, 0x800000008000000an, 0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];
/** Rotation offsets r[x][y]. */
const ROT = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
];
const rotl = (v: bigint, n: number) => (n === 0 ? v : ((v << BigInt(n)) | (v >> BigInt(64 - n))) & MASK);

function keccakF(a: bigint[]): void {
  const lane = (x: number, y: number) => a[x + 5 * y] ?? 0n;
  for (const rc of RC) {
    const c = Array.from({ length: 5 }, (_, x) => lane(x, 0) ^ lane(x, 1) ^ lane(x, 2) ^ lane(x, 3) ^ lane(x, 4));
    for (let x = 0; x < 5; x++) {
      const d = (c[(x + 4) % 5] ?? 0n) ^ rotl(c[(x + 1) % 5] ?? 0n, 1);
      for (let y = 0; y < 5; y++) a[x + 5 * y] = lane(x, y) ^ d;
    }
    const b: bigint[] = new Array<bigint>(25).fill(0n);
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(lane(x, y), ROT[x]?.[y] ?? 0);
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const bx = b[x + 5 * y] ?? 0n;
        const bx1 = b[((x + 1) % 5) + 5 * y] ?? 0n;
        const bx2 = b[((x + 2) % 5) + 5 * y] ?? 0n;
        a[x + 5 * y] = bx ^ (~bx1 & MASK & bx2);
      }
    }
    a[0] = (a[0] ?? 0n) ^ rc;
  }
}

/** Keccak-256 (the original padding 0x01, as Ethereum uses), hex. */
export function keccak256(input: Uint8Array): string {
  const rate = 136;
  const padded = new Uint8Array(Math.ceil((input.length + 1) / rate) * rate);
  padded.set(input);
  padded[input.length] = (padded[input.length] ?? 0) ^ 0x01;
  padded[padded.length - 1] = (padded[padded.length - 1] ?? 0) ^ 0x80;
  const state: bigint[] = new Array<bigint>(25).fill(0n);
  for (let off = 0; off < padded.length; off += rate) {
    for (let i = 0; i < rate / 8; i++) {
      let v = 0n;
      for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(padded[off + i * 8 + k] ?? 0);
      state[i] = (state[i] ?? 0n) ^ v;
    }
    keccakF(state);
  }
  let hex = "";
  for (let i = 0; i < 4; i++) {
    let v = state[i] ?? 0n;
    for (let k = 0; k < 8; k++) {
      hex += Number(v & 0xffn).toString(16).padStart(2, "0");
      v >>= 8n;
    }
  }
  return hex;
}

/** An Ethereum address with its EIP-55 checksum casing. */
export function eip55(addressHex: string): string {
  const lower = addressHex.toLowerCase().replace(/^0x/, "");
  const hash = keccak256(new TextEncoder().encode(lower));
  return "0x" + [...lower].map((c, i) => (parseInt(hash[i] ?? "0", 16) >= 8 ? c.toUpperCase() : c)).join("");
}

function validEth(s: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(s)) return false;
  const body = s.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true; // no checksum casing to check
  return eip55(s) === s;
}

/** Which wallet kind a value is a valid address of, if any. */
export function validWallet(value: string): "btc" | "eth" | undefined {
  if (value.startsWith("0x")) return validEth(value) ? "eth" : undefined;
  if (value.startsWith("bc1")) return validSegwit(value) ? "btc" : undefined;
  return validBase58Btc(value) ? "btc" : undefined;
}
