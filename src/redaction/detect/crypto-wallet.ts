// CRYPTO_WALLET: Bitcoin P2PKH/P2SH (Base58Check: version 0x00 or 0x05 and the double
// SHA-256 checksum), Bitcoin SegWit bech32 (v0) / bech32m (v1+) with their checksum, and
// Ethereum 0x + 40 hex. A mixed-case Ethereum address carries an EIP-55 checksum (Keccak-256):
// valid → 1, invalid → not reported (a typo or not an address); all-lower or all-upper carries
// none and scores 0.6 ("wallet", "eth", "address" nearby raise it). A checksum that passed scores 1.
import { hexValue, isHex, isWordChar } from "./chars.ts";
import { keccak256 } from "./keccak256.ts";
import { ALNUM, charTable, forEachRun } from "./runs.ts";
import { sha256 } from "./sha256.ts";
import type { Recognizer } from "./types.ts";

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const ALNUM_CHARS = charTable(ALNUM);
const UNCHECKED_ETH_SCORE = 0.6;

export function cryptoWalletRecognizer(): Recognizer {
  return {
    name: "crypto-wallet",
    types: ["CRYPTO_WALLET"],
    context: ["wallet", "btc", "bitcoin", "eth", "ether", "ethereum", "address", "crypto", "wallet-adresse", "adresse", "dirección", "indirizzo", "endereço", "portefeuille", "monedero", "carteira", "portafoglio", "portemonnee", "portfel", "plånbok"],
    find(text, emit) {
      // Every address is a run of 26+ letters and digits: one scan finds them, the start says which kind.
      forEachRun(text, 26, ALNUM_CHARS, (start, end) => {
        if (!edges(text, start, end)) return;
        const c = text.charCodeAt(start);
        const len = end - start;
        let score = 0;
        if (c === 49 || c === 51) score = len <= 35 && base58Check(text, start, end) ? 1 : 0;
        else if ((c === 98 && text.startsWith("bc1", start)) || (c === 66 && text.startsWith("BC1", start))) score = bech32End(text, start) === end ? 1 : 0;
        else if (c === 48 && len === 42 && text.charCodeAt(start + 1) === 120) score = ethScore(text, start);
        if (score > 0) emit({ type: "CRYPTO_WALLET", start, end, score });
      });
    },
  };
}

const edges = (text: string, start: number, end: number) =>
  (start === 0 || !isWordChar(text.charCodeAt(start - 1))) && (end === text.length || !isWordChar(text.charCodeAt(end)));

const B58_VALUE = new Int8Array(128).fill(-1);
for (let k = 0; k < B58.length; k++) B58_VALUE[B58.charCodeAt(k)] = k;

/** A 25-byte Base58Check payload with version 0x00 (P2PKH, "1…") or 0x05 (P2SH, "3…"). */
export function base58Check(text: string, start: number, end: number): boolean {
  const bytes = new Uint8Array(25);
  for (let i = start; i < end; i++) {
    let carry = B58_VALUE[text.charCodeAt(i) & 127]!;
    if (carry < 0) return false;
    for (let k = 24; k >= 0; k--) {
      carry += bytes[k]! * 58;
      bytes[k] = carry & 0xff;
      carry >>= 8;
    }
    if (carry !== 0) return false; // more than 25 bytes
  }
  // Leading '1's are the leading zero bytes; the rest must fill the 25 bytes exactly.
  let ones = 0;
  while (start + ones < end && text.charCodeAt(start + ones) === 49) ones++;
  let zeros = 0;
  while (zeros < 25 && bytes[zeros] === 0) zeros++;
  if (zeros !== ones) return false;
  const version = bytes[0];
  if (!((version === 0x00 && text.charCodeAt(start) === 49) || (version === 0x05 && text.charCodeAt(start) === 51))) return false;
  const digest = sha256(sha256(bytes.subarray(0, 21)));
  return digest[0] === bytes[21] && digest[1] === bytes[22] && digest[2] === bytes[23] && digest[3] === bytes[24];
}

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHARSET_VALUE = new Int8Array(128).fill(-1);
for (let k = 0; k < CHARSET.length; k++) {
  CHARSET_VALUE[CHARSET.charCodeAt(k)] = k;
  CHARSET_VALUE[CHARSET.toUpperCase().charCodeAt(k)] = k;
}
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32 = 1;
const BECH32M = 0x2bc830a3;

function polymodStep(chk: number, v: number): number {
  const top = chk >>> 25;
  chk = ((chk & 0x1ffffff) << 5) ^ v;
  for (let k = 0; k < 5; k++) if ((top >>> k) & 1) chk ^= GEN[k]!;
  return chk;
}

/** The checksum state after the expanded human-readable part "bc" (high bits, 0, low bits). */
const HRP_BC = [98 >>> 5, 99 >>> 5, 0, 98 & 31, 99 & 31].reduce(polymodStep, 1);

/** The end of a valid "bc1…" SegWit address starting at i, or -1. */
export function bech32End(text: string, i: number): number {
  if (i > 0 && isWordChar(text.charCodeAt(i - 1))) return -1;
  const upper = text.charCodeAt(i) === 66;
  let end = i + 3;
  while (end < text.length && end - i <= 90 && (text.charCodeAt(end) < 128 ? CHARSET_VALUE[text.charCodeAt(end)]! >= 0 : false)) {
    const c = text.charCodeAt(end);
    if (c >= 97 ? upper : !upper && c >= 65) return -1; // mixed case is invalid bech32
    end++;
  }
  if (end < text.length && isWordChar(text.charCodeAt(end))) return -1;
  const dataLen = end - (i + 3);
  if (dataLen < 1 + 4 + 6 || end - i > 90) return -1;
  // Checksum over the expanded HRP "bc" and the data.
  let chk = HRP_BC;
  for (let k = i + 3; k < end; k++) chk = polymodStep(chk, CHARSET_VALUE[text.charCodeAt(k)]!);
  const version = CHARSET_VALUE[text.charCodeAt(i + 3)]!;
  if (version > 16) return -1;
  if (chk !== (version === 0 ? BECH32 : BECH32M)) return -1;
  // Witness program: 5-bit groups after the version, minus the checksum, as 8-bit bytes.
  const bits = (dataLen - 1 - 6) * 5;
  const bytes = Math.floor(bits / 8);
  if (bits % 8 >= 5) return -1; // padding must be under 5 bits
  const lastValue = CHARSET_VALUE[text.charCodeAt(end - 7)]!;
  if ((lastValue & ((1 << bits % 8) - 1)) !== 0) return -1; // and zero
  if (bytes < 2 || bytes > 40 || (version === 0 && bytes !== 20 && bytes !== 32)) return -1;
  return end;
}

/** 1 for a valid EIP-55 mixed-case address, 0.6 for one-case, 0 when not an address at i. */
export function ethScore(text: string, i: number): number {
  if (i > 0 && isWordChar(text.charCodeAt(i - 1))) return 0;
  const end = i + 42;
  if (end > text.length || (end < text.length && isWordChar(text.charCodeAt(end)))) return 0;
  let upper = 0;
  let lower = 0;
  for (let k = i + 2; k < end; k++) {
    const c = text.charCodeAt(k);
    if (!isHex(c)) return 0;
    if (c >= 65 && c <= 70) upper++;
    else if (c >= 97) lower++;
  }
  if (upper === 0 || lower === 0) return UNCHECKED_ETH_SCORE;
  const ascii = new Uint8Array(40);
  for (let k = 0; k < 40; k++) ascii[k] = text.charCodeAt(i + 2 + k) | 32;
  const hash = keccak256(ascii);
  for (let k = 0; k < 40; k++) {
    const c = text.charCodeAt(i + 2 + k);
    if (hexValue(c) < 10) continue;
    const nibble = (hash[k >> 1]! >> (k & 1 ? 0 : 4)) & 15;
    if ((nibble >= 8) !== (c <= 70)) return 0;
  }
  return 1;
}
