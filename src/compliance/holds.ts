// Legal holds (reference §1.8 "freeze, don't destroy", §4.4): placed and released as
// audit events, never updated. While a hold is in force the database refuses to purge the
// months, expire the content keys or erase the subjects it covers.
import { rfc3339Millis } from "../audit/canonical-json.ts";
import { base64url } from "../crypto/hashing.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { HoldRecord } from "../storage/compliance-types.ts";
import type { ComplianceCtx, Operator } from "./context.ts";

export interface HoldInput {
  reason: string;
  incidentId?: string;
  team?: string;
  subject?: string;
  from?: Date;
  to?: Date;
  eventIds?: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a hold covers, as an entry records it (pseudonyms and ids only). */
export function holdScope(h: Pick<HoldRecord, "incidentId" | "team" | "subject" | "from" | "to" | "eventIds">): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (h.incidentId !== undefined) s.incident = h.incidentId;
  if (h.team !== undefined) s.team = h.team;
  if (h.subject !== undefined) s.subject = h.subject;
  if (h.from !== undefined) s.from = rfc3339Millis(h.from);
  if (h.to !== undefined) s.to = rfc3339Millis(h.to);
  if (h.eventIds.length > 0) s.event_ids = h.eventIds;
  return s;
}

export const newHoldId = () => `hold_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;

export async function placeHold(ctx: ComplianceCtx, who: Operator, input: HoldInput): Promise<Result<HoldRecord, CustosError>> {
  const reason = input.reason.trim();
  if (reason === "") return err(new CustosError("invalid_request", "A legal hold needs a reason (the matter, case or incident it preserves evidence for).", { param: "reason" }));
  const eventIds = [...new Set(input.eventIds ?? [])];
  const bad = eventIds.find((id) => !UUID.test(id));
  if (bad !== undefined) return err(new CustosError("invalid_request", `event_ids: '${bad.slice(0, 40)}' is not an event id (a UUID).`, { param: "event_ids" }));
  if (eventIds.length === 0 && input.team === undefined && input.subject === undefined && input.from === undefined && input.to === undefined)
    return err(new CustosError("invalid_request", "A legal hold needs a scope: event ids, a team, a subject (pseudonym) or a time range.", { param: "scope" }));
  if (input.from && input.to && input.from >= input.to) return err(new CustosError("invalid_request", "The hold's time range ends before it starts (from must be before to).", { param: "to" }));
  for (const id of eventIds) if (!(await ctx.storage.audit.event(id))) return err(new CustosError("not_found", `There is no audit event ${id}.`, { param: "event_ids" }));

  const row = {
    id: newHoldId(),
    eventIds,
    reason: reason.slice(0, 2000),
    placedBy: who.by,
    ...(input.incidentId !== undefined ? { incidentId: input.incidentId } : {}),
    ...(input.team !== undefined ? { team: input.team } : {}),
    ...(input.subject !== undefined ? { subject: input.subject } : {}),
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.to !== undefined ? { to: input.to } : {}),
  };
  const hold = await ctx.storage.compliance.placeHold(row);
  await ctx.audit.emit({ type: "hold.place", fields: { actor: who.actor, hold: { id: hold.id, scope: holdScope(hold) } } }, { urgent: true }).committed;
  return ok(hold);
}

export async function releaseHold(ctx: ComplianceCtx, who: Operator, id: string, reason: string): Promise<Result<HoldRecord, CustosError>> {
  const why = reason.trim();
  if (why === "") return err(new CustosError("invalid_request", "Releasing a legal hold needs a reason (for the record).", { param: "reason" }));
  const r = await ctx.storage.compliance.releaseHold(id, why.slice(0, 2000), who.by);
  if (!r) return err(new CustosError("not_found", `There is no legal hold ${id.slice(0, 80)}.`));
  if (r.already) return err(new CustosError("conflict", `Legal hold ${id} was released already (${r.hold.released!.at.toISOString()}).`));
  await ctx.audit.emit({ type: "hold.release", fields: { actor: who.actor, hold: { id, scope: holdScope(r.hold) } } }, { urgent: true }).committed;
  return ok(r.hold);
}

/** A hold as the API shows it. */
export function holdView(h: HoldRecord): Record<string, unknown> {
  return {
    id: h.id,
    reason: h.reason,
    scope: holdScope(h),
    placed_by: h.placedBy,
    placed_at: rfc3339Millis(h.placedAt),
    active: h.released === undefined,
    ...(h.released ? { released: { reason: h.released.reason, by: h.released.by, at: rfc3339Millis(h.released.at) } } : {}),
  };
}
