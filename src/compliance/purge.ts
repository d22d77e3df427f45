// Retention (reference §4.4): content keys are destroyed when their class's content period
// ends (crypto-shredding: events stay), and a whole month of events is dropped only when
// every record in it has expired, no legal hold touches it and an anchored checkpoint
// covers it. The database's own functions decide (migrations/0007_compliance.sql); this
// announces each purge in the log first, in the words the verifier later checks.
import { rfc3339Millis } from "../audit/canonical-json.ts";
import { CustosError } from "../errors/errors.ts";
import type { ComplianceCtx, Operator } from "./context.ts";

export interface MonthOutcome {
  /** "YYYY-MM". */
  month: string;
  /** empty: a partition with nothing in it, left alone (nothing to purge, nothing to announce). */
  outcome: "purged" | "refused" | "eligible" | "empty";
  /** refused: the database's reason code (retention, legal_hold, not_anchored, no_partition) and words. */
  code?: string;
  reason?: string;
  events?: number;
  purgeEvent?: string;
}

export const monthName = (d: Date) => d.toISOString().slice(0, 7);

/** "YYYY-MM" → the month's UTC start, or undefined. */
export function parseMonth(s: string): Date | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : undefined;
}

function refusal(month: Date, why: string): MonthOutcome {
  const i = why.indexOf(":");
  return { month: monthName(month), outcome: "refused", code: i > 0 ? why.slice(0, i) : "refused", reason: i > 0 ? why.slice(i + 1).trim() : why };
}

/**
 * Purges the months that may go (or the one asked for), oldest first. `dryRun` only says
 * what would happen. A month asked for by name that may not go is an error naming why.
 */
export async function purgeMonths(ctx: ComplianceCtx, who: Operator, o: { month?: Date; dryRun?: boolean } = {}): Promise<MonthOutcome[]> {
  const store = ctx.storage.compliance;
  const months = o.month ? [o.month] : await store.partitionMonths();
  const out: MonthOutcome[] = [];
  for (const month of months) {
    const why = await store.purgeRefusal(month);
    if (why !== undefined) {
      out.push(refusal(month, why));
      continue;
    }
    const leaves = await store.monthLeaves(month);
    if (leaves.events === 0) {
      out.push({ month: monthName(month), outcome: "empty", events: 0 });
      continue;
    }
    if (o.dryRun) {
      out.push({ month: monthName(month), outcome: "eligible", events: leaves.events });
      continue;
    }
    const purge: Record<string, unknown> = { month: monthName(month), from: rfc3339Millis(month), to: rfc3339Millis(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1)), events: leaves.events };
    if (leaves.firstIndex !== undefined) Object.assign(purge, { first_index: leaves.firstIndex, last_index: leaves.lastIndex });
    const announced = ctx.audit.emit({ type: "retention.purge", fields: { actor: who.actor, purge } }, { urgent: true });
    await announced.committed;
    try {
      const n = await store.purgeMonth(month, announced.eventId);
      out.push({ month: monthName(month), outcome: "purged", events: n, purgeEvent: announced.eventId });
    } catch (e) {
      // Something changed between the check and the purge (a hold placed, a late event): the
      // announcement stays in the log, followed by what stopped it.
      const message = e instanceof Error ? e.message.replace(/^audit\.purge_month: /, "") : String(e);
      await ctx.audit.emit({ type: "retention.purge_failed", fields: { actor: who.actor, purge: { month: monthName(month), announced_by: announced.eventId, reason: message.slice(0, 300) } } }, { urgent: true }).committed;
      out.push(refusal(month, message));
    }
  }
  return out;
}

/** One named month, as a Result-style error when it may not go. */
export async function purgeOneMonth(ctx: ComplianceCtx, who: Operator, month: Date, dryRun: boolean): Promise<MonthOutcome | CustosError> {
  const [r] = await purgeMonths(ctx, who, { month, dryRun });
  if (r!.outcome === "refused") return new CustosError("purge_refused", `${r!.month} cannot be purged: ${r!.reason ?? r!.code} (${r!.code}).`);
  return r!;
}

/** Destroys the content keys whose class's content period has ended and no hold covers; records it when any went. */
export async function shredExpiredContent(ctx: ComplianceCtx, who: Operator): Promise<{ class: string; destroyed: number }[]> {
  const destroyed = await ctx.storage.compliance.shredExpired();
  if (destroyed.length > 0) {
    await ctx.audit.emit({ type: "retention.shred", fields: { actor: who.actor, shred: { keys: destroyed.map((d) => ({ class: d.class, destroyed: d.destroyed })) } } }, { urgent: true }).committed;
  }
  return destroyed;
}

/** The scheduled run: expired content keys destroyed, then every month that may go purged (recorded as the schedule). */
export async function scheduledRetention(ctx: ComplianceCtx): Promise<{ destroyed: { class: string; destroyed: number }[]; purged: MonthOutcome[] }> {
  const who: Operator = { by: "custos retention schedule", actor: { kind: "service", auth: { method: "schedule" } } };
  const destroyed = await shredExpiredContent(ctx, who);
  const purged = (await purgeMonths(ctx, who)).filter((m) => m.outcome === "purged");
  return { destroyed, purged };
}
