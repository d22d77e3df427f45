// custos audit verify: the log (or a bundle, offline) against the trust file. With no
// bundle, the database's whole log is exported to a temporary directory first and checked
// the same way, so one verifier serves both.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSigningKey, importSigningKey } from "../../audit/checkpoint.ts";
import { exportBundle, NoCheckpointError } from "../../audit/export.ts";
import { verifyBundle, type Failure, type VerifyResult } from "../../audit/verify-bundle.ts";
import { formatReport, formatReportJson } from "../../audit/verify-report.ts";
import { nodeSha256 } from "../../runtime/node-audit.ts";
import { directoryReader, directorySink } from "../../runtime/node-bundle.ts";
import type { AuditEventRow, AuditStore } from "../../storage/audit-types.ts";
import { timeFlag, type Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { withStorage } from "../open-storage.ts";
import { loadTrust } from "./trust.ts";

/** Events older than the maximum merge delay that are neither integrated nor queued. */
async function strayEvents(store: AuditStore): Promise<AuditEventRow[]> {
  const cutoff = Date.now() - MAX_MERGE_DELAY_MS;
  const pending = await store.pendingStats();
  const old = (await store.unintegrated(1000)).filter((e) => e.receivedAt.getTime() < cutoff);
  if (old.length === 0) return [];
  const queued = pending.count > 0 ? new Set((await store.pendingIds(old.map((e) => e.eventId)))) : new Set<string>();
  return old.filter((e) => !queued.has(e.eventId));
}

/** A tampering found before any bundle could be checked, in the report's text or JSON form. */
function tampered(flags: Flags, first: Failure): string {
  if (flags.json !== true) return `TAMPERED: ${first.why}`;
  const result: VerifyResult = {
    status: "tampered",
    exitCode: 1,
    first,
    checks: [{ name: first.check, ok: false, outcome: "fail", detail: first.why }],
    counts: { leaves: 0, entries: 0, entriesInRange: 0, checkpoints: 0, anchors: 0, writers: 0 },
    findings: [],
    findingCounts: { unterminated_request: 0, writer_abnormal_end: 0, writer_gap_at_edge: 0 },
  };
  return formatReportJson(result);
}

/** Events are integrated within this (reference §2.6: the maximum merge delay). */
const MAX_MERGE_DELAY_MS = 60_000;

export async function auditVerify(flags: Flags, io: CliIo): Promise<ExitCode> {
  if (typeof flags.trust !== "string") {
    io.err("--trust FILE is required: the trust file pins the log's public key and names the anchor (`custos audit trust` writes one)");
    return 2;
  }
  const from = timeFlag(flags.from, "from");
  const to = timeFlag(flags.to, "to");
  const loaded = await loadTrust(path.resolve(io.cwd, flags.trust));
  if (typeof loaded === "string") {
    io.err(`cannot verify: ${loaded}`);
    return 2;
  }
  for (const p of loaded.anchorProblems) io.err(`warning: anchor ${loaded.anchorFile}: ${p}`);
  const opts = { sha: nodeSha256, ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) };

  let bundleDir = typeof flags.bundle === "string" ? path.resolve(io.cwd, flags.bundle) : undefined;
  let temp: string | undefined;
  let trust = loaded.trust;
  try {
    if (!bundleDir) {
      // The temporary bundle's manifest is signed by a key made for this run only: it proves
      // nothing about the log (the checkpoints do) and is trusted for this manifest alone.
      temp = await mkdtemp(path.join(tmpdir(), "custos-verify-"));
      bundleDir = path.join(temp, "bundle");
      const ephemeral = await importSigningKey(await generateSigningKey());
      if (!ephemeral.ok) throw ephemeral.error;
      const key = ephemeral.value;
      const stray = await withStorage(io, "custos audit verify", async (storage) => {
        await exportBundle(storage.audit, await directorySink(bundleDir!), { format: "jsonl", key, origin: trust.origin, now: Date.now() });
        return strayEvents(storage.audit);
      }).catch((e: unknown) => {
        if (!(e instanceof NoCheckpointError)) throw e;
        return e;
      });
      if (stray instanceof NoCheckpointError) {
        const anchored = Math.max(0, ...trust.anchored.map((c) => c.size));
        if (anchored > 0) {
          io.out(tampered(flags, { check: "anchors", checkpointSize: anchored, why: `the anchor holds a checkpoint of ${anchored} entries, but the database has no checkpoint at all (the log was truncated or replaced)` }));
          return 1;
        }
        io.err(`cannot verify: ${stray.message}`);
        return 2;
      }
      if (stray.length > 0) {
        const s = stray[0]!;
        io.out(tampered(flags, { check: "completeness", eventId: s.eventId, why: `event ${s.eventId} (${s.type}, written ${s.receivedAt.toISOString()}) is in the log table but was never integrated into the tree nor queued for it: it was inserted around the log (or rejected by the integrator as altered)${stray.length > 1 ? `; ${stray.length - 1} more` : ""}` }));
        return 1;
      }
      trust = { ...trust, keys: [...trust.keys, key.publicJwk] };
      io.err(`database mode: the log was exported for this check; its manifest is signed by a key made for this run (${key.kid}), the checkpoints only by the pinned key(s)`);
    }
    const result = await verifyBundle(directoryReader(bundleDir), trust, opts);
    io.out(flags.json === true ? formatReportJson(result) : formatReport(result));
    return result.exitCode;
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}
