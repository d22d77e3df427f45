// custos audit verify: the log (or a bundle, offline) against the trust file. With no
// bundle, the database's whole log is exported to a temporary directory first and checked
// the same way (src/audit/verify-database.ts, which the console's verify runs too), so one
// verifier serves both.
import path from "node:path";
import { verifyBundle, type Failure } from "../../audit/verify-bundle.ts";
import { tamperedResult, verifyDatabase } from "../../audit/verify-database.ts";
import { formatReport, formatReportJson } from "../../audit/verify-report.ts";
import { nodeSha256 } from "../../runtime/node-audit.ts";
import { directoryReader } from "../../runtime/node-bundle.ts";
import { tempDirScratch } from "../../runtime/node-verify.ts";
import { timeFlag, type Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { withStorage } from "../open-storage.ts";
import { loadTrust } from "./trust.ts";

/** A tampering found before any bundle could be checked, in the report's text or JSON form. */
function tampered(flags: Flags, first: Failure): string {
  return flags.json !== true ? `TAMPERED: ${first.why}` : formatReportJson(tamperedResult(first));
}

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
  const range = { ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) };

  if (typeof flags.bundle === "string") {
    const result = await verifyBundle(directoryReader(path.resolve(io.cwd, flags.bundle)), loaded.trust, { sha: nodeSha256, ...range });
    io.out(flags.json === true ? formatReportJson(result) : formatReport(result));
    return result.exitCode;
  }
  const r = await withStorage(io, "custos audit verify", (storage) => verifyDatabase(storage.audit, { trust: loaded.trust, sha: nodeSha256, scratch: tempDirScratch, now: Date.now, ...range }));
  if (r.kind === "unverifiable") {
    io.err(`cannot verify: ${r.message}`);
    return 2;
  }
  if (r.kind === "tampered") {
    io.out(tampered(flags, r.first));
    return 1;
  }
  // The temporary bundle's manifest is signed by a key made for this run only: it proves
  // nothing about the log (the checkpoints do) and is trusted for this manifest alone.
  io.err(`database mode: the log was exported for this check; its manifest is signed by a key made for this run (${r.runKid}), the checkpoints only by the pinned key(s)`);
  io.out(flags.json === true ? formatReportJson(r.result) : formatReport(r.result));
  return r.result.exitCode;
}
