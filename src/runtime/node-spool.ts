// The durable audit spool on Node: while Postgres is unreachable (fail_open), audit rows go
// to an append-only JSONL file, one line per batch, fsync'ed before append resolves, so an
// event the proxy let through is on disk even if the process dies before the database is back.
//
// Files in `dir` (one process per directory; the runtime's data-dir lock sees to that):
//   audit-spool.jsonl               appends go here
//   audit-spool.jsonl.replaying-<n> taken out of the way for replay (or left by a crash); oldest n first
//   audit-spool.jsonl.corrupt-<n>   a replayed file that held unreadable lines, kept for a human
// Replay renames the append file first, so appends during a replay go to a fresh file and
// never race the reader. A line is only acknowledged once whole and synced, so a torn last
// line (crash mid-write) was never acknowledged and is ignored.
import { syncDir } from "./node-anchor.ts";
import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { AuditEventRow, ContentRow } from "../storage/audit-types.ts";
import { oneAtATime, type Spool, type SpoolBatch } from "../audit/spool.ts";

const BASE = "audit-spool.jsonl";
const NUMBERED = /^audit-spool\.jsonl\.(replaying|corrupt)-(\d+)$/;

export interface NodeSpoolOptions {
  /** The append file is set aside for replay past this size, so no file outgrows what one read can hold. */
  maxFileBytes?: number;
  /** A replayed file had lines that do not decode (1-based); it is kept as `*.corrupt-<n>`. */
  onCorrupt?: (file: string, lines: number[]) => void;
}

export interface NodeSpool extends Spool {
  /** After the appends already made: closes the append file (shutdown; tests). */
  close(): Promise<void>;
}

export async function nodeSpool(dir: string, opts: NodeSpoolOptions = {}): Promise<NodeSpool> {
  const maxFileBytes = opts.maxFileBytes ?? 64 * 1024 * 1024;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const current = path.join(dir, BASE);

  // Leftovers of an earlier process: replaying files (a crash during replay, or never
  // replayed) and half-written rewrites, whose original is still whole.
  const replaying: { file: string; n: number }[] = [];
  let next = 0;
  for (const name of await readdir(dir)) {
    if (name.startsWith(`${BASE}.`) && name.endsWith(".tmp")) await unlink(path.join(dir, name));
    const m = NUMBERED.exec(name);
    if (m === null) continue;
    const n = Number(m[2]);
    next = Math.max(next, n + 1); // never rename onto an existing file: rename replaces silently
    if (m[1] === "replaying") replaying.push({ file: path.join(dir, name), n });
  }
  replaying.sort((a, b) => a.n - b.n);

  let fh: FileHandle | undefined;
  let dirty = false; // the append file may hold data
  let bytes = 0; // written to the append file by this process
  let rotateFirst = false; // the append file may end in a torn line, or is full
  let tail: Promise<unknown> = Promise.resolve();


  // One file operation at a time: appends, and the rename that starts a replay.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  };

  /** Moves the append file to the replay queue; the next append starts a fresh one. */
  const rotate = async () => {
    const h = fh;
    fh = undefined;
    await h?.close().catch(() => {}); // everything acknowledged was already synced
    bytes = 0;
    rotateFirst = false;
    if (!dirty) return;
    const n = next++;
    const file = `${current}.replaying-${n}`;
    try {
      await rename(current, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      dirty = false;
      return;
    }
    dirty = false;
    replaying.push({ file, n });
    await syncDir(dir);
  };

  // An append file from an earlier process may end in a torn line; appending after it would
  // glue the next batch to it, so it joins the replay queue instead.
  dirty = await stat(current).then((s) => s.size > 0, () => false);
  await serial(rotate);

  async function drain(insert: (batch: SpoolBatch) => Promise<void>): Promise<number> {
    await serial(rotate);
    // Only what is queued now: files set aside by appends during this replay wait for the next.
    const todo = replaying.length;
    let events = 0;
    for (let f = 0; f < todo; f++) {
      const { file } = replaying[0] as { file: string; n: number };
      const lines = completeLines(await readFile(file, "utf8").catch(orEmptyIfGone));
      const bad: number[] = [];
      for (let i = 0; i < lines.length; i++) {
        if (lines[i] === "") continue;
        const batch = decodeBatchLine(lines[i] as string);
        if (batch === undefined) {
          bad.push(i);
          continue;
        }
        try {
          await insert(batch);
        } catch (e) {
          // Keep the failed batch and everything after it (and unreadable lines, for the
          // corrupt file later). If the rewrite fails, the whole file stays: inserts are idempotent.
          const keep = [...bad.map((j) => lines[j] as string), ...lines.slice(i)];
          if (keep.length < lines.length) await rewrite(file, keep).catch(() => {});
          throw e;
        }
        events += batch.events.length;
      }
      if (bad.length > 0) {
        const n = next++;
        const kept = `${current}.corrupt-${n}`;
        await rename(file, kept);
        opts.onCorrupt?.(kept, bad.map((i) => i + 1));
      } else {
        await unlink(file).catch(orEmptyIfGone);
      }
      await syncDir(dir);
      replaying.shift();
    }
    return events;
  }

  async function rewrite(file: string, lines: string[]) {
    const tmp = `${file}.tmp`;
    const h = await open(tmp, "w", 0o600);
    try {
      await h.writeFile(lines.map((l) => `${l}\n`).join(""));
      await h.datasync();
    } finally {
      await h.close();
    }
    await rename(tmp, file); // atomic: the file is either the old one or the rewritten one
    await syncDir(dir);
  }

  return {
    append(batch) {
      let line: string;
      try {
        line = `${JSON.stringify(encodeBatch(batch))}\n`; // a bad row fails here, before the file is touched
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return serial(async () => {
        if (rotateFirst) await rotate();
        try {
          if (fh === undefined) {
            fh = await open(current, "a", 0o600);
            await syncDir(dir); // the new file's directory entry, so a crash does not lose the file itself
          }
          dirty = true;
          await fh.appendFile(line);
          await fh.datasync();
          bytes += Buffer.byteLength(line);
          if (bytes >= maxFileBytes) rotateFirst = true;
        } catch (e) {
          rotateFirst = true; // a partial write may have left a torn line
          throw e;
        }
      });
    },
    hasData: () => dirty || replaying.length > 0,
    close: () =>
      serial(async () => {
        const h = fh;
        fh = undefined;
        await h?.close();
      }),
    replay: oneAtATime(drain),
  };
}

// A file removed by hand must not stop every later replay.
function orEmptyIfGone(e: unknown): string {
  if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
  throw e;
}

/** The lines ended by a newline; a last line without one is a torn write and is dropped. */
function completeLines(text: string): string[] {
  const lines = text.split("\n");
  lines.pop(); // "" after the final newline, or the torn line
  return lines;
}

// ── Encoding: every field explicit, so a round trip gives back exactly the rows ─────────────

const OPTIONAL_STRINGS = ["requestEventId", "team", "subject", "model", "provider", "region", "decision", "endpoint", "jurisdiction", "policyVersion", "retainUntil"] as const;

type EventJson = Omit<AuditEventRow, "receivedAt" | "entry" | "leafHash"> & { receivedAt: string; entry: string; leafHash: string };
type BatchJson = { v: 1; events: EventJson[]; content: ContentRow[] };

export function encodeBatch(b: SpoolBatch): BatchJson {
  return { v: 1, events: b.events.map(encodeEvent), content: b.content.map(({ eventId, part, jwe }) => ({ eventId, part, jwe })) };
}

export function encodeEvent(r: AuditEventRow): EventJson {
  const j: EventJson = {
    receivedAt: r.receivedAt.toISOString(), // throws on an invalid Date, before anything is written
    eventId: r.eventId,
    type: r.type,
    writerId: r.writerId,
    writerSeq: r.writerSeq,
    entry: Buffer.from(r.entry.buffer, r.entry.byteOffset, r.entry.byteLength).toString("base64"),
    leafHash: Buffer.from(r.leafHash.buffer, r.leafHash.byteOffset, r.leafHash.byteLength).toString("base64"),
  };
  for (const k of OPTIONAL_STRINGS) if (r[k] !== undefined) j[k] = r[k];
  if (r.status !== undefined) j.status = r.status;
  if (r.pii !== undefined) j.pii = [...r.pii];
  if (r.ruleIds !== undefined) j.ruleIds = [...r.ruleIds];
  return j;
}

/** One spool line back to a batch; undefined when it is not one this module wrote. */
export function decodeBatchLine(line: string): SpoolBatch | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v.v !== 1 || !Array.isArray(v.events) || !Array.isArray(v.content)) return undefined;
  const events: AuditEventRow[] = [];
  for (const e of v.events as unknown[]) {
    const row = decodeEvent(e);
    if (row === undefined) return undefined;
    events.push(row);
  }
  const content: ContentRow[] = [];
  for (const c of v.content as unknown[]) {
    if (!isObject(c) || typeof c.eventId !== "string" || typeof c.part !== "string" || typeof c.jwe !== "string") return undefined;
    content.push({ eventId: c.eventId, part: c.part, jwe: c.jwe });
  }
  return { events, content };
}

export function decodeEvent(v: unknown): AuditEventRow | undefined {
  if (!isObject(v)) return undefined;
  const { receivedAt, eventId, type, writerId, writerSeq, status, pii, ruleIds } = v;
  if (typeof receivedAt !== "string" || typeof eventId !== "string" || typeof type !== "string" || typeof writerId !== "string") return undefined;
  if (typeof writerSeq !== "number") return undefined;
  const at = new Date(receivedAt);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== receivedAt) return undefined;
  const entry = bytes(v.entry);
  const leafHash = bytes(v.leafHash);
  if (entry === undefined || leafHash === undefined) return undefined;
  const row: AuditEventRow = { receivedAt: at, eventId, type, writerId, writerSeq, entry, leafHash };
  for (const k of OPTIONAL_STRINGS) {
    const s = v[k];
    if (s === undefined) continue;
    if (typeof s !== "string") return undefined;
    row[k] = s;
  }
  if (status !== undefined) {
    if (typeof status !== "number") return undefined;
    row.status = status;
  }
  if (pii !== undefined) {
    if (!Array.isArray(pii) || !pii.every((p): p is string => typeof p === "string")) return undefined;
    row.pii = pii;
  }
  if (ruleIds !== undefined) {
    if (!Array.isArray(ruleIds) || !ruleIds.every((p): p is string => typeof p === "string")) return undefined;
    row.ruleIds = ruleIds;
  }
  return row;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Standard base64 as this module writes it (canonical), to a plain Uint8Array. */
function bytes(v: unknown): Uint8Array | undefined {
  if (typeof v !== "string") return undefined;
  const b = Buffer.from(v, "base64");
  if (b.toString("base64") !== v) return undefined; // Buffer skips junk; refuse it instead
  return new Uint8Array(b); // a copy: not a Buffer, and not a view of Buffer's shared pool
}
