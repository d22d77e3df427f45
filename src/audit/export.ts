// Export bundles (reference §4.3, R11): the entries of a log-index range with everything an
// auditor needs to verify them offline — the leaf hash of every index in the range (so a
// team export proves nothing was left out), the hashes that tie the range to the covering
// checkpoint, the checkpoints with their consistency proofs, and a manifest signed by the
// log's key. Streamed in pages: memory stays bounded whatever the range.
import type { AuditEventRow, AuditStore, CheckpointRow, LeafRow } from "../storage/audit-types.ts";
import { base64url } from "../crypto/hashing.ts";
import { encodeEntry, rfc3339Millis } from "./canonical-json.ts";
import { equalBytes } from "./merkle.ts";
import { PROJECTION_COLUMNS, type Projection } from "./projection.ts";
import { signManifest, type ManifestFile, type SigningKey } from "./checkpoint.ts";
import { rangeSides } from "./proofs.ts";
import { BUNDLE_FORMAT, CSV_HEADER } from "./verify-bundle.ts";

/** Where bundle files go (the CLI writes a directory). */
export interface BundleSink {
  open(path: string): BundleFile;
}
export interface BundleFile {
  write(text: string): Promise<void>;
  /** Closes the file; its SHA-256 (hex) and size. */
  close(): Promise<{ sha256: string; bytes: number }>;
}

export interface ExportOptions {
  from?: Date;
  to?: Date;
  /** Only this team's entries (the others' leaf hashes stay, so completeness is still provable). */
  team?: string;
  format: "jsonl" | "csv";
  key: SigningKey;
  origin: string;
  now: number;
  /** Called after each page with (done, total) leaves. */
  progress?: (done: number, total: number) => void;
  pageSize?: number;
  /** Each event row as read, with its log index (database-mode verify checks the search-only columns on it: src/audit/verify-search.ts). */
  onEvent?: (logIndex: number, e: AuditEventRow) => void;
}

export interface ExportSummary {
  fromIndex: number;
  toIndex: number;
  treeSize: number;
  entries: number;
  omitted: number;
  /** Events newer than the latest checkpoint (not exportable yet). */
  uncovered: number;
}

const b64std = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

export class NoCheckpointError extends Error {
  constructor() {
    super("the log has no checkpoint yet: nothing can be exported verifiably (the integrator signs one within its interval)");
    this.name = "NoCheckpointError";
  }
}

export async function exportBundle(store: AuditStore, sink: BundleSink, o: ExportOptions): Promise<ExportSummary> {
  const cp = await store.latestCheckpoint();
  if (!cp) throw new NoCheckpointError();
  const n = cp.size;
  const state = await store.treeState();
  const { from: a, to: b } = o.from || o.to ? await store.indexRange(o.from, o.to, n) : { from: 0, to: n };
  const sides = await rangeSides(store, a, b, n);
  const purged = (await store.purgedRanges()).filter((p) => p.firstIndex < b && p.lastIndex >= a);
  const files: ManifestFile[] = [];
  const close = async (path: string, f: BundleFile) => {
    const d = await f.close();
    files.push({ path, sha256: d.sha256, bytes: d.bytes });
  };

  // Checkpoints from the last one at or before the range's start up to the covering one, in pages.
  let cursor = (await store.checkpointAtOrBefore(a))?.size ?? 0;
  const cpFile = sink.open("checkpoints.jsonl");
  const cpPage = Math.min(o.pageSize ?? 1000, 1000);
  for (;;) {
    const page = await store.checkpoints(cursor, n, cpPage);
    if (page.length > 0) await cpFile.write(page.map((c) => `${checkpointLine(c)}\n`).join(""));
    if (page.length < cpPage) break;
    cursor = page.at(-1)!.size + 1;
  }
  await close("checkpoints.jsonl", cpFile);

  const entriesPath = o.format === "csv" ? "entries.csv" : "entries.jsonl";
  const leavesFile = sink.open("leaves.txt");
  const entriesFile = sink.open(entriesPath);
  if (o.format === "csv") await entriesFile.write(`${CSV_HEADER}\n`);
  let entries = 0;
  let omitted = 0;
  const page = o.pageSize ?? 5_000;
  for (let i = a; i < b; i += page) {
    const rows = await store.leaves(i, Math.min(b, i + page));
    let leafText = "";
    let entryText = "";
    for (const r of rows) {
      leafText += `${base64url(r.leafHash)}\n`;
      if (!r.event) continue; // a leaf without its event: the verifier reports it
      o.onEvent?.(r.logIndex, r.event);
      if (o.team !== undefined && r.event.team !== o.team) {
        omitted++;
        continue;
      }
      entryText += o.format === "csv" ? `${csvLine(r, r.event)}\n` : `${jsonLine(r, r.event)}\n`;
      entries++;
    }
    await leavesFile.write(leafText);
    await entriesFile.write(entryText);
    o.progress?.(Math.min(b, i + page) - a, b - a);
  }
  await close("leaves.txt", leavesFile);
  await close(entriesPath, entriesFile);

  const description = {
    format: BUNDLE_FORMAT,
    origin: o.origin,
    scope: o.team === undefined ? "full" : "team",
    ...(o.team === undefined ? {} : { team: o.team }),
    from_index: a,
    to_index: b,
    tree_size: n,
    ...(o.from ? { from_time: rfc3339Millis(o.from) } : {}),
    ...(o.to ? { to_time: rfc3339Millis(o.to) } : {}),
    left: sides.left.map(base64url),
    right: sides.right.map((r) => ({ level: r.level, hash: base64url(r.hash) })),
    entries: entriesPath,
    // Months purged by retention that touch the range (their leaves are in leaves.txt, their entries are not).
    ...(purged.length > 0 ? { purged: purged.map((p) => ({ month: p.month, events: p.events, first_index: p.firstIndex, last_index: p.lastIndex, purge_event: p.purgeEvent })) } : {}),
  };
  const desc = sink.open("bundle.json");
  await desc.write(`${JSON.stringify(description, null, 2)}\n`);
  await close("bundle.json", desc);

  const manifestJws = await signManifest(files, o.key.privateKey, o.key.kid, o.now);
  const mj = sink.open("manifest.json");
  await mj.write(`${JSON.stringify({ files, created: rfc3339Millis(o.now) }, null, 2)}\n`);
  await mj.close();
  const ms = sink.open("manifest.jws");
  await ms.write(`${manifestJws}\n`);
  await ms.close();
  return { fromIndex: a, toIndex: b, treeSize: n, entries, omitted, uncovered: Math.max(0, state.size - n) };
}

function checkpointLine(c: CheckpointRow): string {
  return JSON.stringify({ size: c.size, root: b64std(c.root), note: c.note, jws: c.jws, ...(c.prevSize === undefined ? {} : { prev_size: c.prevSize }), consistency: c.consistency.map(base64url) });
}

/**
 * The entry as JSON when that reproduces its stored bytes exactly (always, unless someone
 * edited them), else the raw bytes: the verifier must hash what is stored, not a repaired copy.
 */
function entryValue(e: AuditEventRow): { entry: unknown } | { entry_b64: string } {
  try {
    const parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(e.entry)) as unknown;
    const again = typeof parsed === "object" && parsed !== null ? encodeEntry(parsed) : undefined;
    if (again?.ok && equalBytes(again.value, e.entry)) return { entry: parsed };
  } catch {
    // not JSON: fall through to the raw bytes
  }
  return { entry_b64: base64url(e.entry) };
}

/** The projection columns as stored (not recomputed: the verifier compares them with the entry). */
function columns(e: AuditEventRow): Record<string, string | number | string[]> {
  const stored: Projection = { ...e, ts: rfc3339Millis(e.receivedAt) };
  const c: Record<string, string | number | string[]> = {};
  for (const [column, field] of PROJECTION_COLUMNS) {
    const v = stored[field];
    if (v !== undefined) c[column] = v;
  }
  return c;
}

function jsonLine(r: LeafRow, e: AuditEventRow): string {
  return JSON.stringify({ log_index: r.logIndex, leaf: base64url(r.leafHash), ...columns(e), ...entryValue(e) });
}

const csvCell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function csvLine(r: LeafRow, e: AuditEventRow): string {
  const c = columns(e);
  const cell = (k: string) => {
    const v = c[k];
    return v === undefined ? "" : Array.isArray(v) ? csvCell(v.join(";")) : csvCell(String(v));
  };
  const entry = new TextDecoder().decode(e.entry);
  return [String(r.logIndex), base64url(r.leafHash), ...PROJECTION_COLUMNS.map(([column]) => cell(column)), csvCell(entry)].join(",");
}
