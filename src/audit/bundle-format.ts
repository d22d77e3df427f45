// The export bundle's files as the verifier reads them (audit spec §2.9, the export contract):
// bundle.json's description of the range, checkpoints.jsonl lines, and the entry records of
// entries.jsonl or entries.csv, each parsed into a value or the reason it is not well formed.
// export.ts writes these files with the constants below; verify-bundle.ts checks what they say.
// Kept apart from the checks so the contract can be read in one place.
//
// Web standards only: files come through an injected BundleReader, base64 is atob/btoa.
import { err, ok, type Result } from "../errors/result.ts";
import { canonicalize, encodeEntry } from "./canonical-json.ts";
import type { Manifest } from "./checkpoint.ts";
import { equalBytes } from "./merkle.ts";
import { PROJECTION_COLUMNS, type Projection } from "./projection.ts";

export const BUNDLE_FORMAT = "custos-audit-bundle/1";
/** The header line of entries.csv, exactly. */
export const CSV_HEADER = "log_index,leaf,type,event_id,ts,request_event_id,team,subject,model,provider,region,decision,status,pii,entry";
/** Projection columns as entries.jsonl and entries.csv name them, and the Projection field each holds. */
export const BUNDLE_COLUMNS = PROJECTION_COLUMNS;

/** Bundle files by relative path ("/"-separated). Read errors are thrown. */
export interface BundleReader {
  /** Every file in the bundle, manifest.json and manifest.jws included. */
  list(): Promise<string[]>;
  /** A small file's whole text (manifest.jws, manifest.json, bundle.json); undefined when absent. */
  text(path: string): Promise<string | undefined>;
  /** A file's lines without their "\n", none after the last "\n". */
  lines(path: string): AsyncIterable<string>;
  /** SHA-256 (lower-case hex) and byte length of a file, computed streaming; undefined when absent. */
  digest(path: string): Promise<{ sha256: string; bytes: number } | undefined>;
}

export interface BundleInfo {
  origin: string;
  scope: "full" | "team";
  team?: string;
  fromIndex: number;
  toIndex: number;
  treeSize: number;
  entries: "entries.jsonl" | "entries.csv";
  created?: string;
  /** Months dropped by retention inside the range: their leaves stay, their entries are gone. */
  purged: PurgedClaim[];
}

/** A purged month as bundle.json states it; the verifier accepts its missing entries only when a retention.purge entry in the bundle says the same. */
export interface PurgedClaim {
  month: string;
  events: number;
  firstIndex: number;
  lastIndex: number;
  purgeEvent: string;
}

export type Obj = Record<string, unknown>;
/** bundle.json parsed: leaves [a, b) of a tree of n, the compact range of [0, a) and the subtrees from b to n. */
export type Bundle = { info: BundleInfo; a: number; b: number; n: number; left: Uint8Array[]; right: { level: number; hash: Uint8Array }[] };
/** One line of checkpoints.jsonl. */
export type CheckpointLine = { size: number; root: string; note: string; jws: string; prevSize?: number; proof?: Uint8Array[] };
/** One exported entry line; `raw` is set for entry_b64 and for CSV (the cell's UTF-8). */
export type Rec = { line: number; logIndex: number; leaf: string; entry?: Obj; raw?: Uint8Array; columns: Obj; csv: boolean };
/** An entry line that is not well formed; `fatal` when nothing after it can be read. */
export type Bad = { line: number; problem: string; fatal?: boolean };

// ── bundle.json and checkpoints.jsonl ─────────────────────────────────────────────────────

/** A JSON object from text, or what is wrong with it. */
function jsonObject(text: string): Result<Obj, string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return err("is not JSON");
  }
  return isObj(v) ? ok(v) : err("is not a JSON object");
}

export function parseBundle(text: string): Result<Bundle, string> {
  const parsed = jsonObject(text);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const { format, origin, scope, team, from_index: a, to_index: b, tree_size: n, left, right, entries, purged } = v;
  if (format !== BUNDLE_FORMAT) return err(`has format ${show(format)}; this verifier reads ${BUNDLE_FORMAT}`);
  if (typeof origin !== "string" || origin === "") return err("names no origin");
  if (scope !== "full" && scope !== "team") return err('has a scope other than "full" or "team"');
  if (scope === "team" ? typeof team !== "string" || team === "" : team !== undefined) return err("needs a team exactly when the scope is team");
  if (!isIndex(a) || !isIndex(b) || !isIndex(n) || a > b || b > n) return err("needs 0 ≤ from_index ≤ to_index ≤ tree_size");
  if (entries !== "entries.jsonl" && entries !== "entries.csv") return err('names an entries file other than "entries.jsonl" or "entries.csv"');
  const levels = levelsOf(a);
  if (!Array.isArray(left) || left.length !== levels.length) return err(`needs ${levels.length} left hash(es), the compact range of [0, ${a})`);
  const leftHashes = left.map((h) => (typeof h === "string" ? hashFromBase64url(h) : undefined));
  if (leftHashes.some((h) => h === undefined)) return err("has a left hash that is not a base64url SHA-256 hash");
  if (!Array.isArray(right)) return err("has no right hashes");
  const rightParts: Bundle["right"] = [];
  let size = b;
  for (const r of right as unknown[]) {
    const level = isObj(r) ? r.level : undefined;
    const hash = isObj(r) && typeof r.hash === "string" ? hashFromBase64url(r.hash) : undefined;
    if (!isIndex(level) || level > 52 || hash === undefined || size % 2 ** level !== 0) return err(`has a right hash that is not an aligned {level, hash} subtree at leaf ${size}`);
    rightParts.push({ level, hash });
    size += 2 ** level;
  }
  if (size !== n) return err(`has right hashes covering [${b}, ${size}), not [${b}, ${n})`);
  const claims: PurgedClaim[] = [];
  if (purged !== undefined) {
    if (!Array.isArray(purged)) return err("has purged that is not a list");
    for (const p of purged as unknown[]) {
      const c = isObj(p) ? p : {};
      if (typeof c.month !== "string" || !isIndex(c.events) || !isIndex(c.first_index) || !isIndex(c.last_index) || typeof c.purge_event !== "string" || (c.first_index as number) > (c.last_index as number))
        return err("has a purged month that is not {month, events, first_index, last_index, purge_event}");
      claims.push({ month: c.month, events: c.events as number, firstIndex: c.first_index as number, lastIndex: c.last_index as number, purgeEvent: c.purge_event });
    }
  }
  const info: BundleInfo = { origin, scope, ...(scope === "team" && { team: team as string }), fromIndex: a, toIndex: b, treeSize: n, entries, purged: claims };
  return ok({ info, a, b, n, left: leftHashes as Uint8Array[], right: rightParts });
}

export function parseCheckpointLine(text: string): Result<CheckpointLine, string> {
  const parsed = jsonObject(text);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const { size, root, note, jws, prev_size: prevSize, consistency } = v;
  if (!isIndex(size) || typeof root !== "string" || typeof note !== "string" || typeof jws !== "string") return err("is not {size, root, note, jws, …}");
  if (prevSize !== undefined && !isIndex(prevSize)) return err("has a prev_size that is not a tree size");
  let proof: Uint8Array[] | undefined;
  if (consistency !== undefined) {
    const hashes = Array.isArray(consistency) ? consistency.map((h: unknown) => (typeof h === "string" ? hashFromBase64url(h) : undefined)) : [undefined];
    if (hashes.some((h) => h === undefined)) return err("has a consistency proof that is not a list of base64url hashes");
    proof = hashes as Uint8Array[];
  }
  return ok({ size, root, note, jws, ...(prevSize !== undefined && { prevSize }), ...(proof !== undefined && { proof }) });
}

/** Whether manifest.json says what the signed manifest says (compared as canonical JSON). */
export function sameManifest(json: string, manifest: Manifest): boolean {
  try {
    return equalBytes(canonicalize(JSON.parse(json)), canonicalize(manifest));
  } catch {
    return false;
  }
}

/** The levels of the perfect subtrees of the compact range of [0, size), largest first. */
export function levelsOf(size: number): number[] {
  const levels: number[] = [];
  for (let level = 52; level >= 0; level--) if (Math.floor(size / 2 ** level) % 2 === 1) levels.push(level);
  return levels;
}

// ── Entry records: entries.jsonl and entries.csv ──────────────────────────────────────────

const COLUMN_NAMES = new Set<string>(BUNDLE_COLUMNS.map(([c]) => c));
const utf8 = new TextEncoder();

export function jsonlRecord(text: string, line: number): Rec | Bad {
  const bad = (problem: string): Bad => ({ line, problem });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return bad("is not JSON");
  }
  if (!isObj(v)) return bad("is not a JSON object");
  const { log_index: logIndex, leaf, entry, entry_b64: b64, ...columns } = v;
  if (!isIndex(logIndex)) return bad("has no log_index");
  if (typeof leaf !== "string") return bad("has no leaf");
  for (const k of Object.keys(columns)) if (!COLUMN_NAMES.has(k)) return bad(`has an unknown field ${show(k, 32)}`);
  if (entry !== undefined && b64 === undefined) return isObj(entry) ? { line, logIndex, leaf, entry, columns, csv: false } : bad("has an entry that is not a JSON object");
  const raw = entry === undefined && typeof b64 === "string" ? bytesFromBase64url(b64) : undefined;
  return raw === undefined ? bad("needs exactly one of entry (an object) and entry_b64 (base64url)") : { line, logIndex, leaf, raw, columns, csv: false };
}

/** RFC 4180 records over lines: a quoted cell may span lines. */
export async function* csvRecords(lines: AsyncIterable<string>): AsyncGenerator<Rec | Bad> {
  let line = 0;
  let start = 0;
  let pending: string | undefined;
  let header = true;
  for await (const text of lines) {
    line++;
    if (pending === undefined) [pending, start] = [text, line];
    else pending += `\n${text}`;
    if (quoteCount(pending) % 2 === 1) continue;
    const record = pending;
    pending = undefined;
    if (header) {
      header = false;
      if (record === CSV_HEADER) continue;
      yield { line: 1, problem: `does not start with the header ${CSV_HEADER}`, fatal: true };
      return;
    }
    yield csvRecord(record, start);
  }
  if (header) yield { line: 0, problem: "has no header line", fatal: true };
  if (pending !== undefined) yield { line: start, problem: "ends inside a quoted cell" };
}

function csvRecord(text: string, line: number): Rec | Bad {
  const cells = csvCells(text);
  const width = BUNDLE_COLUMNS.length + 3;
  if (cells === undefined || cells.length !== width) return { line, problem: `is not a CSV record of ${width} cells` };
  const [index, leaf] = cells as [string, string];
  const logIndex = /^(?:0|[1-9][0-9]*)$/.test(index) ? Number(index) : NaN;
  if (!isIndex(logIndex)) return { line, problem: "has no log_index" };
  const columns: Obj = {};
  BUNDLE_COLUMNS.forEach(([c], k) => {
    if (cells[k + 2] !== "") columns[c] = cells[k + 2];
  });
  return { line, logIndex, leaf, raw: utf8.encode(cells[width - 1]!), columns, csv: true };
}

function csvCells(text: string): string[] | undefined {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let cell = "";
      for (i++; ; ) {
        const q = text.indexOf('"', i);
        if (q < 0) return undefined;
        cell += text.slice(i, q);
        if (text[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        cell += '"';
        i = q + 2;
      }
      cells.push(cell);
    } else {
      const comma = text.indexOf(",", i);
      const end = comma < 0 ? text.length : comma;
      const cell = text.slice(i, end);
      if (cell.includes('"')) return undefined;
      cells.push(cell);
      i = end;
    }
    if (i === text.length) return cells;
    if (text[i] !== ",") return undefined;
    i++;
  }
}

function quoteCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** Stored bytes (entry_b64, a CSV cell) as an entry, and what R1 rule they break, if any. */
export function parseStored(bytes: Uint8Array): { entry?: Obj; notR1?: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    return { notR1: "UTF-8 JSON" };
  }
  if (!isObj(value)) return { notR1: "a JSON object" };
  const encoded = encodeEntry(value);
  return encoded.ok && equalBytes(encoded.value, bytes) ? { entry: value } : { entry: value, notR1: "canonical JSON" };
}

/** The first projection column that disagrees with the entry, said without personal values. */
export function columnMismatch(rec: Rec, p: Projection): string | undefined {
  for (const [column, field] of BUNDLE_COLUMNS) {
    const value = p[field];
    const expected = value === "" ? undefined : value;
    const actual = rec.columns[column];
    const same = rec.csv ? (actual ?? "") === (expected === undefined ? "" : Array.isArray(expected) ? expected.join(";") : String(expected)) : JSON.stringify(actual) === JSON.stringify(expected);
    if (same) continue;
    if (column === "subject") return "column subject differs from the entry's actor.subject (values not shown)";
    return `column ${column} says ${actual === undefined ? "nothing" : show(actual, 40)}, entry says ${expected === undefined ? "nothing" : show(expected, 40)}`;
  }
  return undefined;
}

// ── Values read from the bundle ────────────────────────────────────────────────────────────

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** An id (event, writer, key) as is when it looks like one, else quoted and cut short. */
export function safeId(s: string): string {
  return /^[A-Za-z0-9_.:-]{1,80}$/.test(s) ? s : show(s, 64);
}

/** A value from the bundle quoted for a message: JSON-escaped (no control characters reach a terminal) and cut short. */
export function show(v: unknown, max = 80): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function hashFromBase64url(text: string): Uint8Array | undefined {
  if (text.length !== 43) return undefined;
  const bytes = bytesFromBase64url(text);
  return bytes?.length === 32 ? bytes : undefined;
}

/** Unpadded base64url, canonical (re-encodes to the same text), else undefined. */
function bytesFromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return toBase64(bytes).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_") === text ? bytes : undefined;
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
