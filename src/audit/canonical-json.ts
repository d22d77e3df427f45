// RFC 8785 JSON Canonicalization Scheme (JCS) and the audit-entry profile R1 on top of it
// (audit-and-compliance.md §2.4): `encodeEntry` returns the exact bytes that become leaf data.
//
// Written here rather than depending on the `canonicalize` npm package: its current major
// (5.x) requires Node ≥ 22 while Custos supports Node 20 (pinning 4.x would tie the audit path
// to a superseded line), and it serialises whatever JSON.stringify accepts, so R1's checks (integers only, no null, plain objects, well-formed
// Unicode, NFC, 64 KiB) would need a walk of their own anyway. The walk that checks is the
// walk that serialises, and JCS itself is small: keys sorted by UTF-16 code units, strings
// and numbers exactly as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2).
//
// Error style: `canonicalize` throws CanonicalJsonError (its callers hold values they built,
// so a failure is a bug); `encodeEntry` returns a Result, because the entry builder should
// turn a bad entry into an audit failure it can report, not an exception. Either way the
// error names the JSON path and never quotes string content (entries carry personal data).
import { err, ok, type Result } from "../errors/result.ts";

/** R1: an entry is at most 64 KiB of UTF-8; larger content goes to audit.content by commitment. */
export const MAX_ENTRY_BYTES = 65_536;

export type CanonicalJsonProblem =
  | "not_json" // undefined, function, symbol, bigint, NaN, ±Infinity
  | "not_plain_object" // Date, Map, Uint8Array, class instances …
  | "null"
  | "non_integer"
  | "unsafe_integer"
  | "lone_surrogate"
  | "duplicate_key" // two keys equal after NFC
  | "cycle"
  | "not_object" // an entry must be a JSON object
  | "too_large";

export class CanonicalJsonError extends Error {
  constructor(
    /** JSONPath of the offending value, e.g. `$.request.params.temperature` or `$.tools[2]`. */
    readonly path: string,
    readonly problem: CanonicalJsonProblem,
    what: string,
  ) {
    super(`${path}: ${what}`);
    this.name = "CanonicalJsonError";
  }
}

/** RFC 8785 bytes of any JSON value (null and finite non-integers allowed; no NFC). Throws CanonicalJsonError. */
export function canonicalize(value: unknown): Uint8Array {
  return utf8.encode(serialize(value, undefined, false, new Set()));
}

/**
 * R1 entry bytes: JCS of a plain object whose numbers are integers within ±(2^53−1), with no
 * null or undefined anywhere, every string and key NFC-normalised (R1 says "normalised", so
 * the encoder normalises rather than rejects; a verifier re-encoding a stored entry gets the
 * same bytes only if they already were NFC), at most MAX_ENTRY_BYTES.
 */
export function encodeEntry(entry: object): Result<Uint8Array, CanonicalJsonError> {
  try {
    if (!isPlainObject(entry)) throw new CanonicalJsonError("$", "not_object", `an entry must be a plain JSON object, not ${describe(entry)}`);
    const bytes = utf8.encode(serialize(entry, undefined, true, new Set()));
    if (bytes.length > MAX_ENTRY_BYTES) {
      throw new CanonicalJsonError("$", "too_large", `the entry is ${bytes.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit; store large content in audit.content and reference it by commitment`);
    }
    return ok(bytes);
  } catch (e) {
    if (e instanceof CanonicalJsonError) return err(e);
    throw e;
  }
}

/** R1 timestamp: RFC 3339 UTC with milliseconds and `Z`, e.g. `2026-11-29T10:15:30.123Z`. */
export function rfc3339Millis(date: Date | number): string {
  const ms = typeof date === "number" ? date : date.getTime();
  // Outside years 0000–9999 toISOString switches to ±YYYYYY, which is not RFC 3339.
  if (!Number.isFinite(ms) || ms < YEAR_0 || ms > YEAR_9999_END) throw new RangeError(`rfc3339Millis: ${ms} is not a time in years 0000–9999`);
  return new Date(ms).toISOString();
}

/**
 * R1 decimal string for a non-integer number (temperature, top_p, penalties): the shortest
 * digits that round-trip (ECMAScript Number::toString) written positionally, never with an
 * exponent: 0.2 → "0.2", 1e-7 → "0.0000001", 1e21 → "1000000000000000000000", -0 → "0".
 */
export function decimalString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`decimalString: ${n} is not a finite number`);
  const s = String(n); // -0 → "0"
  const e = s.indexOf("e");
  if (e < 0) return s;
  const neg = s.startsWith("-");
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const point = (dot < 0 ? mantissa.length : dot) + exp; // digits before the decimal point
  const body = point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? digits + "0".repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${body}` : body;
}

const utf8 = new TextEncoder();
const YEAR_0 = Date.parse("0000-01-01T00:00:00.000Z");
const YEAR_9999_END = Date.parse("9999-12-31T23:59:59.999Z");
// Lone surrogates only: under /u a valid pair is one code point outside the Cs category.
const LONE_SURROGATE = /\p{Cs}/u;

/** A path kept as a linked list and formatted only when something is wrong. */
type Path = { readonly up: Path; readonly key: string | number } | undefined;

function serialize(v: unknown, path: Path, entry: boolean, ancestors: Set<object>): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(text(v, path, entry, "string"));
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) throw new CanonicalJsonError(pathText(path), "not_json", `${v} is not a JSON number`);
      if (entry && !Number.isInteger(v)) throw new CanonicalJsonError(pathText(path), "non_integer", `${v} is not an integer; R1 writes non-integers as decimal strings (decimalString)`);
      if (entry && !Number.isSafeInteger(v)) throw new CanonicalJsonError(pathText(path), "unsafe_integer", `${v} is outside ±(2^53−1); R1 allows only integers every JSON parser reads exactly`);
      return JSON.stringify(v); // ECMAScript Number::toString, as RFC 8785 §3.2.2.3 requires; -0 → 0
    case "object":
      break;
    default: // undefined, function, symbol, bigint
      throw new CanonicalJsonError(pathText(path), "not_json", `${describe(v)} is not a JSON value${entry && v === undefined ? " (omit absent fields)" : ""}`);
  }
  if (v === null) {
    if (entry) throw new CanonicalJsonError(pathText(path), "null", "null is not allowed in an entry (R1: omit absent fields)");
    return "null";
  }
  const isArray = Array.isArray(v);
  if (!isArray && !isPlainObject(v)) {
    const hint = v instanceof Date ? " (use rfc3339Millis)" : ArrayBuffer.isView(v) || v instanceof ArrayBuffer ? " (encode binary as base64url)" : "";
    throw new CanonicalJsonError(pathText(path), "not_plain_object", `${describe(v)} is not a plain object or array${hint}`);
  }
  if (ancestors.has(v)) throw new CanonicalJsonError(pathText(path), "cycle", "the value contains itself");
  ancestors.add(v);
  let out: string;
  if (isArray) {
    out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + serialize(v[i], { up: path, key: i }, entry, ancestors);
    out += "]";
  } else {
    const members: [string, unknown][] = [];
    for (const key of Object.keys(v)) members.push([text(key, { up: path, key }, entry, "key"), (v as Record<string, unknown>)[key]]);
    // RFC 8785 §3.2.3: sort by UTF-16 code units, which is what `<` on JS strings compares.
    members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out = "{";
    for (let i = 0; i < members.length; i++) {
      const [key, value] = members[i]!;
      if (i > 0 && members[i - 1]![0] === key) throw new CanonicalJsonError(pathText({ up: path, key }), "duplicate_key", "two keys of this object are equal after NFC normalisation");
      out += `${i ? "," : ""}${JSON.stringify(key)}:${serialize(value, { up: path, key }, entry, ancestors)}`;
    }
    out += "}";
  }
  ancestors.delete(v);
  return out;
}

function text(s: string, path: Path, entry: boolean, what: "string" | "key"): string {
  // JCS needs valid Unicode; JSON.stringify would write a lone surrogate as \udXXX instead.
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError(pathText(path), "lone_surrogate", `the ${what} contains a lone UTF-16 surrogate (not valid Unicode)`);
  return entry ? s.normalize("NFC") : s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${(v as { constructor?: { name?: string } }).constructor?.name || "non-plain object"}`;
  if (typeof v === "bigint") return "a bigint";
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pathText(path: Path): string {
  let s = "";
  for (let p = path; p; p = p.up) s = (typeof p.key === "number" ? `[${p.key}]` : IDENTIFIER.test(p.key) ? `.${p.key}` : `[${JSON.stringify(p.key)}]`) + s;
  return `$${s}`;
}
