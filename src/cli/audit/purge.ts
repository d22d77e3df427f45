// custos audit purge: the retention run (reference §4.4) by hand. Content keys whose class's
// content period has ended are destroyed (crypto-shredding: the events stay), and a month of
// events is dropped only when every record in it has expired, no legal hold touches it and
// an anchored checkpoint covers it; the database decides, and each purge is announced in the
// log first. Admin only: on the embedded database a running server does it via /api.
import { CustosError } from "../../errors/errors.ts";
import { monthName, parseMonth, purgeMonths, purgeOneMonth, shredExpiredContent, type MonthOutcome } from "../../compliance/purge.ts";
import type { ServerHandle } from "../../runtime/node-files.ts";
import type { Storage } from "../../storage/types.ts";
import { withAdminStorage } from "../admin-storage.ts";
import type { Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { byFlag, CliFailure, directCompliance, reported, serverJson, usageError } from "./compliance-ctx.ts";

export const PURGE_USAGE = `custos audit purge [--month YYYY-MM] [--dry-run] [--shred] [--by NAME]
      with no flag: expire content keys past their class's content period, then purge every month that may go;
      --month: only that month (exit 1 naming why when it may not go); --dry-run: only say what would happen;
      --shred: only expire content keys`;

interface Op {
  month?: Date;
  dryRun: boolean;
  shred: boolean;
  months: boolean;
  by: string;
}

interface Outcome {
  destroyed?: { class: string; destroyed: number }[];
  months?: MonthOutcome[];
  /** The named month may not go. */
  refused?: string;
}

function parse(flags: Flags): Op {
  let month: Date | undefined;
  if (flags.month !== undefined) {
    month = typeof flags.month === "string" ? parseMonth(flags.month.trim()) : undefined;
    if (!month) throw usageError(`--month takes a month as YYYY-MM (e.g. 2026-01), not "${String(flags.month).slice(0, 20)}"`);
  }
  const shredOnly = flags.shred === true;
  if (shredOnly && (month || flags["dry-run"] === true)) throw usageError("--shred expires content keys only; it takes no --month or --dry-run");
  const by = byFlag(flags.by);
  // A dry run or a named month is about months; content keys are expired only on a full run or with --shred.
  return { ...(month ? { month } : {}), dryRun: flags["dry-run"] === true, shred: shredOnly || (!month && flags["dry-run"] !== true), months: !shredOnly, by };
}

async function direct(storage: Storage, io: CliIo, op: Op): Promise<Outcome> {
  const c = await directCompliance(storage, io, op.by);
  try {
    const out: Outcome = {};
    if (op.shred) out.destroyed = await shredExpiredContent(c.ctx, c.who);
    if (!op.months) return out;
    if (op.month) {
      const r = await purgeOneMonth(c.ctx, c.who, op.month, op.dryRun);
      if (r instanceof CustosError) return { ...out, refused: r.message };
      out.months = [r];
    } else out.months = await purgeMonths(c.ctx, c.who, { dryRun: op.dryRun });
    return out;
  } finally {
    await c.close();
  }
}

async function viaServer(handle: ServerHandle, op: Op): Promise<Outcome> {
  const out: Outcome = {};
  if (op.shred) out.destroyed = (await serverJson<{ destroyed: Outcome["destroyed"] }>(handle, `/api/audit/shred?by=${encodeURIComponent(op.by)}`, { method: "POST" })).destroyed ?? [];
  if (!op.months) return out;
  try {
    out.months = (await serverJson<{ months: MonthOutcome[] }>(handle, "/api/audit/purge", { method: "POST", body: { ...(op.month ? { month: monthName(op.month) } : {}), dry_run: op.dryRun, by: op.by } })).months;
  } catch (e) {
    if (op.month && e instanceof CliFailure && e.code === 1) return { ...out, refused: e.message };
    throw e;
  }
  return out;
}

const line = (m: MonthOutcome) => [m.month, m.outcome, m.events === undefined ? "-" : `${m.events} events`, m.outcome === "refused" ? `${m.code}: ${m.reason ?? ""}` : m.purgeEvent ? `announced by ${m.purgeEvent}` : ""].join("\t").trimEnd();

export async function auditPurge(flags: Flags, io: CliIo): Promise<ExitCode> {
  return reported(io, PURGE_USAGE, async () => {
    const op = parse(flags);
    const r = await withAdminStorage(io, "custos audit purge", { direct: (s) => direct(s, io, op), viaServer: (h) => viaServer(h, op) });
    if (r.destroyed) {
      const n = r.destroyed.reduce((a, d) => a + d.destroyed, 0);
      io.out(n === 0 ? "content keys: none past their content period" : `content keys destroyed: ${r.destroyed.map((d) => `${d.destroyed} (${d.class})`).join(", ")}`);
    }
    if (r.refused) {
      io.err(r.refused);
      return 1;
    }
    if (r.months) {
      if (r.months.length === 0) io.out("months: none stored");
      for (const m of r.months) io.out(line(m));
      if (op.dryRun) io.err("dry run: nothing was purged");
    }
    return 0;
  });
}
