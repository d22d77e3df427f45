// The shape of one line of test/fixtures/pii/*.jsonl and its checks: structure (offsets in
// range, no overlaps, known types, the fields each type needs) and checksums (every labelled
// checksum value passes its scheme, every decoy fails it). Shared by the generator, the
// corpus test and the scorer, so all three agree on what a well-formed fixture is.
import { PII_TYPES, type PiiType } from "../../src/policy/schema.ts";
import { SCHEMES, SCHEMES_BY_TYPE, type Scheme } from "./checksums.ts";

export const LANGS = ["en", "de", "fr", "es", "it", "nl", "pl", "pt", "sv"] as const;
export type Lang = (typeof LANGS)[number];

export const KINDS = ["support", "hr", "log", "code", "json", "email", "chat", "medical", "banking", "docs", "business", "travel", "commerce", "maths"] as const;
export type Kind = (typeof KINDS)[number];

/** Non-PII look-alikes a decoy may be, besides a scheme it fails. */
export const LOOKALIKES = ["uuid", "git_sha", "hash", "version", "timestamp", "isbn", "ean", "tracking", "order_no", "price", "date", "number", "placeholder"] as const;
export type Lookalike = (typeof LOOKALIKES)[number];

export interface GoldSpan {
  type: PiiType;
  start: number;
  end: number;
  /** PERSON and LOCATION only: a very common name or place in its country (top ~500). */
  common?: boolean;
  /** The check-digit or rule scheme the value passes (checksum-validated types). */
  scheme?: Scheme;
}

/** A stretch of a line that looks like PII but is not: it fails `kind` if that is a scheme. */
export interface DecoySpan {
  kind: Scheme | Lookalike;
  start: number;
  end: number;
}

export interface FixtureLine {
  id: string;
  lang: Lang;
  kind: Kind;
  text: string;
  spans: GoldSpan[];
  pii_free: boolean;
  /** Where the PERSON and LOCATION values come from ("none" when the line has neither). */
  names_source: string;
  decoys?: DecoySpan[];
}

const TYPES = new Set<string>(PII_TYPES);
const NAMED = new Set<string>(["PERSON", "LOCATION"]);

/** What is wrong with one parsed line (empty when it is well-formed). Structure only. */
export function lineProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return ["not an object"];
  const line = value as Partial<FixtureLine>;
  const out: string[] = [];
  if (typeof line.id !== "string" || !/^[a-z]{2}-\d{3}$/.test(line.id)) out.push(`bad id ${JSON.stringify(line.id)}`);
  if (!LANGS.includes(line.lang as Lang)) out.push(`bad lang ${JSON.stringify(line.lang)}`);
  if (typeof line.id === "string" && typeof line.lang === "string" && !line.id.startsWith(`${line.lang}-`)) out.push("id does not start with its lang");
  if (!KINDS.includes(line.kind as Kind)) out.push(`bad kind ${JSON.stringify(line.kind)}`);
  if (typeof line.text !== "string" || line.text.length === 0) return [...out, "no text"];
  if (typeof line.names_source !== "string" || line.names_source === "") out.push("no names_source");
  if (!Array.isArray(line.spans)) return [...out, "no spans array"];
  const text = line.text;
  const inRange = (s: { start?: unknown; end?: unknown }) =>
    Number.isInteger(s.start) && Number.isInteger(s.end) && (s.start as number) >= 0 && (s.start as number) < (s.end as number) && (s.end as number) <= text.length;
  let lastEnd = 0;
  for (const s of line.spans) {
    const where = `span ${s.type}@${s.start}-${s.end}`;
    if (!TYPES.has(s.type)) out.push(`${where}: unknown type`);
    if (!inRange(s)) {
      out.push(`${where}: offsets outside the text`);
      continue;
    }
    if (s.start < lastEnd) out.push(`${where}: overlaps or precedes the previous span`);
    lastEnd = s.end;
    const v = text.slice(s.start, s.end);
    if (v.trim() !== v) out.push(`${where}: starts or ends with white space`);
    if (NAMED.has(s.type) !== (typeof s.common === "boolean")) out.push(`${where}: "common" is for PERSON and LOCATION, and required there`);
    if (s.scheme !== undefined && !(s.scheme in SCHEMES)) out.push(`${where}: unknown scheme ${s.scheme}`);
    const schemes = SCHEMES_BY_TYPE[s.type];
    if (schemes && s.type !== "MEDICAL_ID" && s.scheme === undefined) out.push(`${where}: checksum type without a scheme`);
    if (s.scheme !== undefined && !schemes?.includes(s.scheme)) out.push(`${where}: scheme ${s.scheme} does not belong to ${s.type}`);
  }
  if (line.pii_free !== (line.spans.length === 0)) out.push("pii_free must be true exactly when there are no spans");
  for (const d of line.decoys ?? []) {
    if (!inRange(d)) out.push(`decoy ${d.kind}@${d.start}-${d.end}: offsets outside the text`);
    if (!(d.kind in SCHEMES) && !LOOKALIKES.includes(d.kind as Lookalike)) out.push(`decoy ${d.kind}: unknown kind`);
    if (line.spans.some((s) => s.start < d.end && d.start < s.end)) out.push(`decoy ${d.kind}@${d.start}-${d.end}: overlaps a gold span`);
  }
  return out;
}

/** Checksum problems: a labelled value that fails its scheme, or a decoy that passes it. */
export function checksumProblems(line: FixtureLine): string[] {
  const out: string[] = [];
  for (const s of line.spans) {
    if (s.scheme === undefined) continue;
    const v = line.text.slice(s.start, s.end);
    if (!SCHEMES[s.scheme](v)) out.push(`${line.id}: ${s.type} ${JSON.stringify(v)} fails ${s.scheme}`);
  }
  for (const d of line.decoys ?? []) {
    if (!(d.kind in SCHEMES)) continue;
    const v = line.text.slice(d.start, d.end);
    if (SCHEMES[d.kind as Scheme](v)) out.push(`${line.id}: decoy ${JSON.stringify(v)} passes ${d.kind}`);
  }
  return out;
}

/** Parses one .jsonl file's text; problems carry "file:line". */
export function parseFixtures(file: string, body: string): { lines: FixtureLine[]; problems: string[] } {
  const lines: FixtureLine[] = [];
  const problems: string[] = [];
  body.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      problems.push(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      return;
    }
    const p = lineProblems(parsed);
    if (p.length > 0) problems.push(...p.map((m) => `${file}:${i + 1}: ${m}`));
    else lines.push(parsed as FixtureLine);
  });
  return { lines, problems };
}
