// Verifying the database's log (audit spec §2.9): the whole log is exported as a bundle to a
// scratch space and checked by the offline verifier against a trust (pinned key(s) and the
// outside anchor), so one verifier serves `custos audit verify` and the console's "Run
// verify". Before the bundle, two things only the database can show: a log with no
// checkpoint although the anchor holds one (truncated or replaced), and events neither
// integrated nor queued (inserted around the log).
//
// Web standards only: the scratch space is injected (the CLI and the Node server stage the
// bundle in a temporary directory, memoryScratch keeps it in memory), SHA-256 is passed in.
import type { AuditEventRow, AuditStore } from "../storage/audit-types.ts";
import { generateSigningKey, importSigningKey } from "./checkpoint.ts";
import { exportBundle, NoCheckpointError, type BundleSink } from "./export.ts";
import type { Sha256 } from "./merkle.ts";
import { memoryBundleSink } from "./memory-bundle.ts";
import { hex } from "../crypto/hashing.ts";
import { verifyBundle, type BundleReader, type Failure, type Trust, type VerifyResult } from "./verify-bundle.ts";
import { SearchColumnCheck } from "./verify-search.ts";

/** Where the exported bundle is staged for the check; dispose removes it. */
export interface Scratch {
  sink: BundleSink;
  reader: BundleReader;
  dispose(): Promise<void>;
}

export type VerifyPhase = "export" | "verify";

export interface DatabaseVerifyOptions {
  trust: Trust;
  sha: Sha256;
  scratch: () => Promise<Scratch>;
  now: () => number;
  /** RFC 3339, as verifyBundle's from/to (findings and the in-range count only; everything is checked). */
  from?: string;
  to?: string;
  /** Leaves exported, then leaves verified, out of the tree's size. */
  progress?: (phase: VerifyPhase, done: number, total: number) => void;
}

export type DatabaseVerify =
  /** The bundle was checked; the manifest is signed by a key made for this run (`runKid`), trusted for that manifest alone. */
  | { kind: "checked"; result: VerifyResult; runKid: string }
  /** Tampering found before any bundle could be checked. */
  | { kind: "tampered"; first: Failure }
  /** Nothing to verify (no checkpoint yet, and none anchored). */
  | { kind: "unverifiable"; message: string };

/** Events are integrated within this (reference §2.6: the maximum merge delay). */
export const MAX_MERGE_DELAY_MS = 60_000;

/** Events older than the maximum merge delay that are neither integrated nor queued. */
async function strayEvents(store: AuditStore, now: number): Promise<AuditEventRow[]> {
  const cutoff = now - MAX_MERGE_DELAY_MS;
  const pending = await store.pendingStats();
  const old = (await store.unintegrated(1000)).filter((e) => e.receivedAt.getTime() < cutoff);
  if (old.length === 0) return [];
  const queued = pending.count > 0 ? new Set(await store.pendingIds(old.map((e) => e.eventId))) : new Set<string>();
  return old.filter((e) => !queued.has(e.eventId));
}

/** A result for a tampering found before the bundle (the shape the JSON report has). */
export function tamperedResult(first: Failure): VerifyResult {
  return {
    status: "tampered",
    exitCode: 1,
    first,
    checks: [{ name: first.check, ok: false, outcome: "fail", detail: first.why }],
    counts: { leaves: 0, entries: 0, entriesInRange: 0, checkpoints: 0, anchors: 0, writers: 0 },
    findings: [],
    findingCounts: { unterminated_request: 0, writer_abnormal_end: 0, writer_gap_at_edge: 0 },
  };
}

export async function verifyDatabase(store: AuditStore, o: DatabaseVerifyOptions): Promise<DatabaseVerify> {
  const ephemeral = await importSigningKey(await generateSigningKey());
  if (!ephemeral.ok) throw ephemeral.error;
  const key = ephemeral.value;
  const scratch = await o.scratch();
  try {
    let total = 0;
    // The search-only columns, which no bundle carries, checked on the rows as the export reads them.
    const search = new SearchColumnCheck();
    try {
      const summary = await exportBundle(store, scratch.sink, {
        format: "jsonl",
        key,
        origin: o.trust.origin,
        now: o.now(),
        progress: (done, all) => o.progress?.("export", done, all),
        onEvent: (i, e) => search.add(i, e),
      });
      total = summary.toIndex - summary.fromIndex;
    } catch (e) {
      if (!(e instanceof NoCheckpointError)) throw e;
      const anchored = Math.max(0, ...o.trust.anchored.map((c) => c.size));
      if (anchored > 0) return { kind: "tampered", first: { check: "anchors", checkpointSize: anchored, why: `the anchor holds a checkpoint of ${anchored} entries, but the database has no checkpoint at all (the log was truncated or replaced)` } };
      return { kind: "unverifiable", message: e.message };
    }
    const stray = await strayEvents(store, o.now());
    if (stray.length > 0) {
      const s = stray[0]!;
      return {
        kind: "tampered",
        first: { check: "completeness", eventId: s.eventId, why: `event ${s.eventId} (${s.type}, written ${s.receivedAt.toISOString()}) is in the log table but was never integrated into the tree nor queued for it: it was inserted around the log (or rejected by the integrator as altered)${stray.length > 1 ? `; ${stray.length - 1} more` : ""}` },
      };
    }
    const trust = { ...o.trust, keys: [...o.trust.keys, key.publicJwk] };
    const opts = { sha: o.sha, ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }) };
    const reader = o.progress ? countingLeaves(scratch.reader, (done) => o.progress!("verify", done, total)) : scratch.reader;
    o.progress?.("verify", 0, total);
    const result = search.apply(await verifyBundle(reader, trust, opts));
    o.progress?.("verify", total, total);
    return { kind: "checked", result, runKid: key.kid };
  } finally {
    await scratch.dispose();
  }
}

/** The reader, reporting how many lines of leaves.txt the verifier has read (every 1000). */
function countingLeaves(r: BundleReader, seen: (done: number) => void): BundleReader {
  return {
    list: () => r.list(),
    text: (p) => r.text(p),
    digest: (p) => r.digest(p),
    lines(p) {
      if (p !== "leaves.txt") return r.lines(p);
      return (async function* () {
        let n = 0;
        for await (const line of r.lines(p)) {
          yield line;
          if (++n % 1000 === 0) seen(n);
        }
      })();
    },
  };
}


/**
 * A scratch space in memory (where there is no file system, or for a small log): the whole
 * bundle is held until dispose, so memory grows with the log.
 */
export function memoryScratch(sha: Sha256): Scratch {
  const files = new Map<string, Uint8Array>();
  const sink = memoryBundleSink(sha, (path, bytes) => files.set(path, bytes));
  const text = (p: string) => {
    const b = files.get(p);
    return b === undefined ? undefined : new TextDecoder().decode(b);
  };
  const reader: BundleReader = {
    list: async () => [...files.keys()].sort(),
    text: async (p) => text(p),
    async *lines(p) {
      const t = text(p);
      if (t === undefined) throw new Error(`${p} is not in the bundle`);
      const lines = t.split("\n");
      if (lines.at(-1) === "") lines.pop();
      yield* lines;
    },
    digest: async (p) => {
      const b = files.get(p);
      return b === undefined ? undefined : { sha256: hex(sha(b)), bytes: b.length };
    },
  };
  return { sink, reader, dispose: async () => void files.clear() };
}

/** What a server needs to verify its own log: the trust (its pinned key and the outside anchor, read now) and a scratch space. */
export interface LogVerification {
  /** The trust, with any problems reading the anchor (malformed lines); a string says why there is none. */
  trust(): Promise<{ trust: Trust; problems: string[] } | string>;
  scratch(): Promise<Scratch>;
}
