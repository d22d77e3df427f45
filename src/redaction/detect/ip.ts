// IP_ADDRESS: IPv4 as four decimal octets 0–255 without leading zeros (010 is octal to
// some parsers), not glued to letters or to more dotted numbers (1.2.3.4.5, v1.2.3.4,
// 10.0.19045.1) and not after "version"/"section"-like words; IPv6 parsed in full (::
// compression, embedded IPv4, an optional %zone). Both score 0.6 (a shape, no checksum);
// a compressed IPv6 with at most two small groups ("1::2", "a::b" in code) scores 0.3.
// The options drop loopback, documentation or private ranges; by default (and in
// STRUCTURED) every address is reported.
import { hexValue, isDigit, isHex, isWordChar } from "./chars.ts";
import type { Recognizer } from "./types.ts";

export interface IpOptions {
  /** 127.0.0.0/8 and ::1. */
  ignoreLoopback?: boolean;
  /** 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32. */
  ignoreDocumentation?: boolean;
  /** 10/8, 172.16/12, 192.168/16, link-local 169.254/16; fc00::/7 and fe80::/10. */
  ignorePrivate?: boolean;
}

const SCORE = 0.6;
const WEAK_SCORE = 0.3;
const V4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;
/** Words after which a dotted quad is a version or a section number. */
const NOT_AFTER = new Set(["version", "ver", "v", "release", "build", "rev", "revision", "section", "chapter", "kapitel", "abschnitt", "art", "§", "paragraph", "step", "figure", "fig", "table", "tabelle", "versión", "versione", "versão", "versie", "wersja", "chapitre", "capítulo", "capitolo", "hoofdstuk", "rozdział", "nr"]);

export function ipRecognizer(options: IpOptions = {}): Recognizer {
  const v4 = new RegExp(V4.source, "g");
  return {
    name: "ip",
    types: ["IP_ADDRESS"],
    context: ["ip", "ipv4", "ipv6", "address", "adresse", "dirección", "indirizzo", "endereço", "adres", "host", "server", "client", "firewall", "vpn"],
    find(text, emit) {
      // IPv6 first: an IPv4 inside one (::ffff:192.0.2.1) is not reported again on its own.
      const v6Spans: number[] = [];
      if (text.indexOf(":") !== -1) findV6(text, options, emit, v6Spans);
      if (text.indexOf(".") !== -1) findV4(text, v4, options, emit, v6Spans);
    },
  };
}

type Emit = Parameters<Recognizer["find"]>[1];

function findV4(text: string, re: RegExp, options: IpOptions, emit: Emit, v6Spans: readonly number[]): void {
  re.lastIndex = 0;
  const octets = [0, 0, 0, 0];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!parseV4(text, start, end, octets)) continue;
    const b = start > 0 ? text.charCodeAt(start - 1) : 32;
    if (isWordChar(b) || b === 46) continue;
    const a = end < text.length ? text.charCodeAt(end) : 32;
    if (isWordChar(a)) continue;
    if ((a === 46 || a === 44) && end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) continue;
    if (afterVersionWord(text, start) || inside(v6Spans, start)) continue;
    if (ignoredV4(octets, options)) continue;
    emit({ type: "IP_ADDRESS", start, end, score: SCORE });
  }
}

/** Parses text[start, end) (already shaped d.d.d.d) into octets; false on > 255 or a leading zero. */
function parseV4(text: string, start: number, end: number, out: number[]): boolean {
  let k = 0;
  let v = 0;
  let len = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || k > 3 || v > 255) return false;
      out[k++] = v;
      v = 0;
      len = 0;
    } else if (isDigit(c)) {
      if (len === 1 && v === 0) return false; // leading zero
      v = v * 10 + (c - 48);
      len++;
    } else return false;
  }
  return k === 4;
}

function afterVersionWord(text: string, start: number): boolean {
  let j = start;
  while (j > 0 && start - j < 4 && (text.charCodeAt(j - 1) === 32 || text.charCodeAt(j - 1) === 46 || text.charCodeAt(j - 1) === 58)) j--;
  let w = j;
  while (w > 0 && j - w < 12 && !isSpaceOrPunct(text.charCodeAt(w - 1))) w--;
  if (w === j) return false;
  return NOT_AFTER.has(text.slice(w, j).toLowerCase());
}

const isSpaceOrPunct = (c: number) => c <= 32 || c === 40 || c === 44 || c === 59 || c === 34 || c === 39 || c === 91;

function ignoredV4(o: number[], opts: IpOptions): boolean {
  const [a, b, c] = o as [number, number, number, number];
  if (opts.ignoreLoopback && a === 127) return true;
  if (opts.ignoreDocumentation && ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113))) return true;
  if (opts.ignorePrivate && (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254))) return true;
  return false;
}

const isV6Char = (c: number) => isHex(c) || c === 58;

/** Whether i falls in one of the [start, end) pairs. */
function inside(spans: readonly number[], i: number): boolean {
  for (let k = 0; k < spans.length; k += 2) if (i >= spans[k]! && i < spans[k + 1]!) return true;
  return false;
}

function findV6(text: string, options: IpOptions, emit: Emit, spans: number[]): void {
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  let from = 0;
  let p = text.indexOf(":");
  while (p !== -1) {
    const q = text.indexOf(":", p + 1);
    if (q === -1) return;
    // Two colons at most four hex digits apart: worth expanding into a candidate.
    let close = q - p <= 5;
    for (let i = p + 1; close && i < q; i++) close = isHex(text.charCodeAt(i));
    if (!close) {
      p = q;
      continue;
    }
    let start = p;
    while (start > from && isV6Char(text.charCodeAt(start - 1))) start--;
    let end = q;
    while (end < text.length && (isV6Char(text.charCodeAt(end)) || text.charCodeAt(end) === 46)) end++;
    // A sentence-ending '.' or ':' is not part of the address.
    while (end > start && (text.charCodeAt(end - 1) === 46 || (text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58))) end--;
    from = end;
    p = text.indexOf(":", end);
    if (start > 0 && (isWordChar(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === 46)) continue;
    const explicit = parseV6(text, start, end, groups);
    if (explicit < 0) continue;
    // An optional zone id: %eth0, %25en1 (URL-encoded).
    if (end < text.length && text.charCodeAt(end) === 37 && end + 1 < text.length && isWordChar(text.charCodeAt(end + 1))) {
      end++;
      while (end < text.length && (isWordChar(text.charCodeAt(end)) || text.charCodeAt(end) === 46 || text.charCodeAt(end) === 45)) end++;
      from = end;
      p = text.indexOf(":", end);
    } else if (end < text.length && isWordChar(text.charCodeAt(end))) continue;
    spans.push(start, end);
    if (ignoredV6(groups, options)) continue;
    if (groups.every((g) => g === 0)) continue; // "::" alone
    const loopback = explicit === 1 && groups[7] === 1 && groups[0] === 0;
    const weak = explicit <= 2 && !loopback && groups[0]! < 0x100;
    emit({ type: "IP_ADDRESS", start, end, score: weak ? WEAK_SCORE : SCORE });
  }
}

/**
 * Parses text[start, end) as an IPv6 address into eight 16-bit groups. Returns how many
 * groups were written out (an embedded IPv4 counts two), or -1 when it is not an address.
 */
export function parseV6(text: string, start: number, end: number, out: number[]): number {
  if (end - start < 2 || end - start > 45) return -1;
  const head: number[] = [];
  const tail: number[] = [];
  let part = head;
  let compressed = false;
  let i = start;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return -1;
    compressed = true;
    part = tail;
    i += 2;
    if (i === end) {
      out.fill(0);
      return 0;
    }
  }
  for (;;) {
    // One group: 1–4 hex digits, or a final dotted IPv4.
    let v = 0;
    let len = 0;
    const g = i;
    while (i < end && isHex(text.charCodeAt(i)) && len < 5) {
      v = v * 16 + hexValue(text.charCodeAt(i));
      len++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      const o = [0, 0, 0, 0];
      if (!parseV4(text, g, end, o)) return -1;
      part.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
      break;
    }
    if (len === 0 || len > 4) return -1;
    part.push(v);
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return -1;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (compressed) return -1;
      compressed = true;
      part = tail;
      i++;
      if (i === end) break;
    } else if (i === end) return -1;
  }
  const n = head.length + tail.length;
  if (compressed ? n > 7 : n !== 8) return -1;
  out.fill(0);
  for (let k = 0; k < head.length; k++) out[k] = head[k]!;
  for (let k = 0; k < tail.length; k++) out[8 - tail.length + k] = tail[k]!;
  return n;
}

function ignoredV6(g: number[], opts: IpOptions): boolean {
  const g0 = g[0]!;
  if (opts.ignoreLoopback && g.every((x, k) => (k === 7 ? x === 1 : x === 0))) return true;
  if (opts.ignoreDocumentation && g0 === 0x2001 && g[1] === 0x0db8) return true;
  if (opts.ignorePrivate && ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80)) return true;
  return false;
}
