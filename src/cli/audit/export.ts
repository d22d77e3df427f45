// custos audit export: a signed bundle of a time range, optionally one team's entries.
import path from "node:path";
import { exportBundle } from "../../audit/export.ts";
import { loadSigningKey } from "../../runtime/node-audit.ts";
import { directorySink } from "../../runtime/node-bundle.ts";
import { resolvePaths } from "../../runtime/node-files.ts";
import { loadNodeServerSettings } from "../../runtime/node.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import { timeFlag, type Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { withStorage } from "../open-storage.ts";

export async function auditExport(flags: Flags, io: CliIo): Promise<ExitCode> {
  if (typeof flags.out !== "string") {
    io.err("--out DIR is required (a new directory for the bundle)");
    return 2;
  }
  const format = flags.format ?? "jsonl";
  if (format !== "jsonl" && format !== "csv") {
    io.err("--format is jsonl or csv");
    return 2;
  }
  const from = timeFlag(flags.from, "from");
  const to = timeFlag(flags.to, "to");
  const paths = resolvePaths(io.cwd, io.env);
  const settings = await loadNodeServerSettings(paths, io.env);
  const key = await loadSigningKey(io.env, paths.stateDir, jsonLogger("warn", (l) => io.err(l)));
  const out = path.resolve(io.cwd, flags.out);
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const summary = await withStorage(io, "custos audit export", async (storage) =>
    exportBundle(storage.audit, await directorySink(out), {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(typeof flags.team === "string" ? { team: flags.team } : {}),
      format,
      key,
      origin: settings.server.audit.origin,
      now: Date.now(),
      progress: (done, total) => {
        if (!tty || Date.now() - last < 200) return;
        last = Date.now();
        const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
        process.stderr.write(`\r[${"#".repeat(Math.floor(pct / 5)).padEnd(20, ".")}] ${pct}% ${done}/${total} leaves`);
      },
    }),
  );
  if (tty) process.stderr.write("\n");
  io.out(`exported leaves ${summary.fromIndex}..${summary.toIndex} of ${summary.treeSize}: ${summary.entries} entries${summary.omitted ? `, ${summary.omitted} of other teams as leaf hashes only` : ""} → ${out}`);
  if (summary.uncovered > 0) io.err(`${summary.uncovered} newer events are not yet covered by a signed checkpoint and are not in this bundle`);
  return 0;
}
