// Incidents (reference §1.7, §1.9, §4.6): opened from audit events with an evidence freeze
// (a legal hold on the events, a snapshot of the policy bundle and the configuration hash,
// an extra signed checkpoint anchored outside the database), then changed only by actions,
// each an audit event. Free text (titles, notes, answers) stays in the incident's rows; the
// log records ids, regimes, times and a hash of the text, so an erasure never has to reach
// into the immutable log.
import { rfc3339Millis } from "../audit/canonical-json.ts";
import { base64url, hex } from "../crypto/hashing.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { placeHold } from "../compliance/holds.ts";
import type { ComplianceCtx, Operator } from "../compliance/context.ts";
import type { PolicyBundle } from "../policy/compile.ts";
import type { CheckpointRow } from "../storage/audit-types.ts";
import { assertTimeZone } from "./zoned-time.ts";
import { computeDeadlines } from "./deadlines.ts";
import { foldIncident, type IncidentOpening } from "./fold.ts";
import type { AiActCase, Deadline, IncidentStatus, IncidentView, Regime, Stage } from "./types.ts";

export interface IncidentEnv extends ComplianceCtx {
  policy: PolicyBundle;
  configSha256: string;
  /** Integrates, signs and anchors a checkpoint now (Node); elsewhere the latest one is referenced. */
  checkpointNow?: () => Promise<CheckpointRow | undefined>;
  defaultTimeZone: string;
}

export interface OpenInput {
  title: string;
  description: string;
  regimes: Regime[];
  aiActCase?: AiActCase;
  awareAt: Date;
  classifiedAt?: Date;
  occurredAt?: Date;
  timeZone?: string;
  team?: string;
  aiSystemId?: string;
  memberStates?: string[];
  eventIds: string[];
  details?: Record<string, string>;
}

const sha256Hex = async (text: string) => hex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
const newId = (prefix: string) => `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;
const bad = (message: string, param?: string) => err(new CustosError("invalid_request", message, param ? { param } : {}));

function checkTimes(ctx: ComplianceCtx, t: { awareAt?: Date; classifiedAt?: Date; occurredAt?: Date; timeZone?: string }): CustosError | undefined {
  const future = ctx.now() + 5 * 60_000;
  for (const [k, d] of [["aware_at", t.awareAt], ["classified_at", t.classifiedAt], ["occurred_at", t.occurredAt]] as const) {
    if (d === undefined) continue;
    if (Number.isNaN(d.getTime())) return new CustosError("invalid_request", `${k} is not a valid time (RFC 3339, e.g. 2026-11-30T09:15:00Z).`, { param: k });
    if (d.getTime() > future) return new CustosError("invalid_request", `${k} is in the future.`, { param: k });
  }
  if (t.occurredAt && t.awareAt && t.occurredAt > t.awareAt) return new CustosError("invalid_request", "occurred_at is after aware_at: an incident cannot be known before it happens.", { param: "occurred_at" });
  if (t.timeZone !== undefined) {
    try {
      assertTimeZone(t.timeZone);
    } catch (e) {
      return new CustosError("invalid_request", (e as Error).message, { param: "time_zone" });
    }
  }
  return undefined;
}

/** Opens an incident with its evidence freeze. */
export async function openIncident(env: IncidentEnv, who: Operator, input: OpenInput): Promise<Result<IncidentView, CustosError>> {
  const title = input.title.trim();
  if (title === "") return bad("An incident needs a title.", "title");
  if (input.regimes.length === 0) return bad("Name at least one regime the incident falls under: ai_act_art73, gdpr_art33, nis2_art23, dora_art19.", "regimes");
  if (input.regimes.includes("ai_act_art73") && input.aiActCase === undefined) return bad("An AI Act Art. 73 incident needs its case (ai_act_case): widespread_infringement, critical_infrastructure, death, health, fundamental_rights or property_environment.", "ai_act_case");
  const eventIds = [...new Set(input.eventIds)];
  if (eventIds.length === 0) return bad("Open an incident from at least one audit event (event_ids).", "event_ids");
  const timeZone = input.timeZone ?? env.defaultTimeZone;
  const timeProblem = checkTimes(env, { ...input, timeZone });
  if (timeProblem) return err(timeProblem);

  const id = newId("inc");
  // 1. The hold first: from now on nothing it covers can be purged, expired or erased.
  const hold = await placeHold(env, who, { reason: `Evidence freeze for incident ${id}`, incidentId: id, eventIds });
  if (!hold.ok) return hold;
  // 2. The opening, in the log (the text only as a hash).
  const opening: Omit<IncidentOpening, "freeze"> = {
    title,
    description: input.description.trim(),
    regimes: [...new Set(input.regimes)],
    ...(input.aiActCase ? { ai_act_case: input.aiActCase } : {}),
    aware_at: rfc3339Millis(input.awareAt),
    ...(input.classifiedAt ? { classified_at: rfc3339Millis(input.classifiedAt) } : {}),
    ...(input.occurredAt ? { occurred_at: rfc3339Millis(input.occurredAt) } : {}),
    time_zone: timeZone,
    ...(input.team ? { team: input.team } : {}),
    ...(input.aiSystemId ? { ai_system_id: input.aiSystemId } : {}),
    member_states: [...new Set((input.memberStates ?? []).map((s) => s.toUpperCase()))],
    event_ids: eventIds,
    details: input.details ?? {},
    policy_snapshot: { version: env.policy.version, sha256: env.policy.sha256, files: env.policy.texts },
  };
  const opened = env.audit.emit(
    {
      type: "incident.open",
      fields: {
        actor: who.actor,
        incident: { id, regimes: opening.regimes, ...(input.aiActCase ? { ai_act_case: input.aiActCase } : {}), aware_at: opening.aware_at, events: eventIds, hold: hold.value.id, text_sha256: await sha256Hex(JSON.stringify([title, opening.description])) },
        policy: { version: env.policy.version, sha256: env.policy.sha256 },
        system: { config_sha256: env.configSha256 },
      },
    },
    { urgent: true },
  );
  await opened.committed;
  // 3. An extra checkpoint covering the opening, anchored outside the database.
  const cp = (env.checkpointNow ? await env.checkpointNow() : undefined) ?? (await env.storage.audit.latestCheckpoint());
  const anchors = cp ? await env.storage.integrity.anchorsOf([cp.size]) : [];
  const freeze = {
    hold_id: hold.value.id,
    policy: { version: env.policy.version, sha256: env.policy.sha256 },
    config_sha256: env.configSha256,
    checkpoint: cp
      ? { size: cp.size, root_hex: hex(cp.root), created_at: rfc3339Millis(cp.createdAt), signed_now: env.checkpointNow !== undefined, anchors: anchors.map((a) => ({ kind: a.kind, ref: a.ref })) }
      : { size: 0, root_hex: "", created_at: rfc3339Millis(env.now()), signed_now: false, anchors: [] },
  };
  await env.storage.compliance.createIncident({ id, openedAt: new Date(env.now()), openedBy: who.by, opening: { ...opening, freeze }, eventId: opened.eventId });
  return ok((await loadIncident(env, id))!);
}

export async function loadIncident(ctx: ComplianceCtx, id: string): Promise<IncidentView | undefined> {
  const row = await ctx.storage.compliance.incident(id);
  if (!row) return undefined;
  return foldIncident(row, await ctx.storage.compliance.incidentActions([id]));
}

export async function listIncidents(ctx: ComplianceCtx, limit = 200): Promise<IncidentView[]> {
  const rows = await ctx.storage.compliance.incidents(limit);
  const actions = await ctx.storage.compliance.incidentActions(rows.map((r) => r.id));
  return rows.map((r) => foldIncident(r, actions.filter((a) => a.incidentId === r.id)));
}

export function deadlinesOf(i: IncidentView, now: number): Deadline[] {
  return computeDeadlines(
    { regimes: i.regimes, ...(i.aiActCase ? { aiActCase: i.aiActCase } : {}), awareAt: new Date(i.awareAt), ...(i.classifiedAt ? { classifiedAt: new Date(i.classifiedAt) } : {}), timeZone: i.timeZone, submissions: i.submissions },
    new Date(now),
  );
}

/** An action on an incident (each recorded as incident.<kind>). */
export type IncidentAction =
  | { kind: "status"; status: IncidentStatus }
  | { kind: "note"; text: string }
  | { kind: "update"; fields: { title?: string; description?: string; aiActCase?: AiActCase; classifiedAt?: Date; occurredAt?: Date; memberStates?: string[]; details?: Record<string, string> } }
  | { kind: "link"; eventIds: string[] }
  | { kind: "submission"; regime: Regime; stage: Stage; at: Date; reference?: string }
  | { kind: "provider_notified"; at: Date }
  | { kind: "report_exported"; regime: Regime; format: string; complete: boolean };

export async function actOnIncident(ctx: ComplianceCtx, who: Operator, id: string, action: IncidentAction): Promise<Result<IncidentView, CustosError>> {
  const current = await loadIncident(ctx, id);
  if (!current) return err(new CustosError("not_found", `There is no incident ${id.slice(0, 80)}.`));
  if (current.status === "closed" && !(action.kind === "status" || action.kind === "report_exported")) return err(new CustosError("conflict", `Incident ${id} is closed; reopen it (status open or investigating) to change it.`));
  let detail: Record<string, unknown>;
  let logged: Record<string, unknown>;
  switch (action.kind) {
    case "status":
      if (action.status === current.status) return err(new CustosError("conflict", `Incident ${id} is ${current.status} already.`));
      detail = { status: action.status, from: current.status };
      logged = detail;
      break;
    case "note": {
      const text = action.text.trim();
      if (text === "") return bad("A note needs text.", "text");
      detail = { text: text.slice(0, 10_000) };
      logged = { text_sha256: await sha256Hex(text) };
      break;
    }
    case "update": {
      const f = action.fields;
      const problem = checkTimes(ctx, { awareAt: new Date(current.awareAt), ...(f.classifiedAt ? { classifiedAt: f.classifiedAt } : {}), ...(f.occurredAt ? { occurredAt: f.occurredAt } : {}) });
      if (problem) return err(problem);
      if (f.title !== undefined && f.title.trim() === "") return bad("The title cannot be empty.", "title");
      detail = {
        ...(f.title !== undefined ? { title: f.title.trim() } : {}),
        ...(f.description !== undefined ? { description: f.description.trim() } : {}),
        ...(f.aiActCase !== undefined ? { ai_act_case: f.aiActCase } : {}),
        ...(f.classifiedAt ? { classified_at: rfc3339Millis(f.classifiedAt) } : {}),
        ...(f.occurredAt ? { occurred_at: rfc3339Millis(f.occurredAt) } : {}),
        ...(f.memberStates ? { member_states: f.memberStates.map((s) => s.toUpperCase()) } : {}),
        ...(f.details ? { details: f.details } : {}),
      };
      if (Object.keys(detail).length === 0) return bad("An update needs at least one field.");
      logged = { fields: Object.keys(detail).sort(), ...(detail.classified_at ? { classified_at: detail.classified_at } : {}), ...(detail.ai_act_case ? { ai_act_case: detail.ai_act_case } : {}), text_sha256: await sha256Hex(JSON.stringify(detail)) };
      break;
    }
    case "link": {
      const fresh = [...new Set(action.eventIds)].filter((e) => !current.eventIds.includes(e));
      if (fresh.length === 0) return bad("Those events are linked already (or none were given).", "event_ids");
      const hold = await placeHold(ctx, who, { reason: `Evidence freeze for incident ${id}`, incidentId: id, eventIds: fresh });
      if (!hold.ok) return hold;
      detail = { event_ids: fresh, hold_id: hold.value.id };
      logged = detail;
      break;
    }
    case "submission":
      if (!current.regimes.includes(action.regime)) return bad(`Incident ${id} is not under ${action.regime}.`, "regime");
      if (Number.isNaN(action.at.getTime()) || action.at.getTime() > ctx.now() + 5 * 60_000) return bad("at: when the report was filed (not in the future).", "at");
      detail = { regime: action.regime, stage: action.stage, at: rfc3339Millis(action.at), ...(action.reference ? { reference: action.reference.slice(0, 200) } : {}) };
      logged = detail;
      break;
    case "provider_notified":
      detail = { at: rfc3339Millis(action.at) };
      logged = detail;
      break;
    case "report_exported":
      detail = { regime: action.regime, format: action.format, complete: action.complete };
      logged = detail;
      break;
  }
  const emitted = ctx.audit.emit({ type: `incident.${action.kind}`, fields: { actor: who.actor, incident: { id, ...logged } } }, { urgent: true });
  await emitted.committed;
  await ctx.storage.compliance.addIncidentAction({ id: newId("act"), incidentId: id, at: new Date(ctx.now()), actor: who.by, kind: action.kind, detail, eventId: emitted.eventId });
  return ok((await loadIncident(ctx, id))!);
}
