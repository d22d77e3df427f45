// The Incidents views' form posts turned into the service's inputs (src/incidents/service.ts),
// with the same limits as /api/incidents, so a form that /api would refuse is refused here
// with a message that names the field and nothing is created.
import { CustosError } from "../../errors/errors.ts";
import { err, ok, type Result } from "../../errors/result.ts";
import type { IncidentAction, OpenInput } from "../../incidents/service.ts";
import { AI_ACT_CASES, INCIDENT_STATUSES, REGIMES, type AiActCase, type IncidentStatus, type IncidentView, type Regime, type Stage } from "../../incidents/types.ts";

/** A parsed form (parseBody({ all: true })): repeated names (checkboxes) are arrays. */
export type FormValues = Record<string, string | string[]>;

export const STAGES: readonly Stage[] = ["report", "complete", "notification", "early_warning", "initial", "intermediate", "final"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DETAIL_KEY = /^[a-z][a-z0-9_]{0,63}$/;

export function formValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    // Browsers send textarea line breaks as CRLF; the incident keeps plain newlines.
    if (typeof v === "string") out[k] = v.replace(/\r\n/g, "\n");
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === "string").map((x) => x.replace(/\r\n/g, "\n"));
  }
  return out;
}

export const one = (f: FormValues, k: string): string => {
  const v = f[k];
  return (Array.isArray(v) ? v[0] : v) ?? "";
};
export const many = (f: FormValues, k: string): string[] => {
  const v = f[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

const bad = (message: string, param: string) => err(new CustosError("invalid_request", message, { param }));

/**
 * A time from a form: a datetime-local value (YYYY-MM-DDTHH:MM[:SS], read as UTC, which the
 * labels say) or RFC 3339 with Z or an offset. Empty → undefined.
 */
export function parseTime(text: string, field: string): Result<Date | undefined, CustosError> {
  const t = text.trim();
  if (t === "") return ok(undefined);
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(t);
  const full = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(t);
  const d = local ? new Date(`${t}Z`) : full ? new Date(t) : undefined;
  if (!d || Number.isNaN(d.getTime())) return bad(`${field}: a time such as 2026-11-30T09:15 (UTC) or 2026-11-30T10:15:00+01:00.`, field);
  return ok(d);
}

/** Event ids, one a line (commas and spaces also separate them). */
export function parseEventIds(text: string): Result<string[], CustosError> {
  const ids = text.split(/[\s,]+/).filter((s) => s !== "");
  const wrong = ids.find((id) => !UUID.test(id));
  if (wrong !== undefined) return bad(`Event ids: '${wrong.slice(0, 40)}' is not an audit event id (a UUID).`, "event_ids");
  if (ids.length === 0) return bad("Open an incident from at least one audit event: give its event id.", "event_ids");
  if (ids.length > 10_000) return bad("Event ids: at most 10,000.", "event_ids");
  return ok([...new Set(ids.map((s) => s.toLowerCase()))]);
}

export function parseMemberStates(text: string): Result<string[], CustosError> {
  const codes = text.split(/[\s,]+/).filter((s) => s !== "");
  const wrong = codes.find((s) => !/^[A-Za-z]{2}$/.test(s));
  if (wrong !== undefined) return bad(`Member states: '${wrong.slice(0, 20)}' is not an ISO 3166 alpha-2 code such as DE.`, "member_states");
  if (codes.length > 30) return bad("Member states: at most 30.", "member_states");
  return ok([...new Set(codes.map((s) => s.toUpperCase()))]);
}

const tooLong = (f: FormValues, limits: Record<string, number>): CustosError | undefined => {
  for (const [k, max] of Object.entries(limits)) if (one(f, k).length > max) return new CustosError("invalid_request", `${k}: at most ${max} characters.`, { param: k });
  return undefined;
};

export function parseOpen(f: FormValues): Result<OpenInput, CustosError> {
  const long = tooLong(f, { title: 300, description: 20_000, team: 64, ai_system_id: 128, time_zone: 64 });
  if (long) return err(long);
  const regimes = many(f, "regimes");
  const unknown = regimes.find((r) => !REGIMES.includes(r as Regime));
  if (unknown !== undefined) return bad(`Regimes: '${unknown.slice(0, 40)}' is not one of ${REGIMES.join(", ")}.`, "regimes");
  const aiCase = one(f, "ai_act_case");
  if (aiCase !== "" && !AI_ACT_CASES.includes(aiCase as AiActCase)) return bad(`AI Act case: one of ${AI_ACT_CASES.join(", ")}.`, "ai_act_case");
  const aware = parseTime(one(f, "aware_at"), "aware_at");
  if (!aware.ok) return aware;
  if (!aware.value) return bad("aware_at: when the organisation became aware of the incident (the clocks run from it).", "aware_at");
  const classified = parseTime(one(f, "classified_at"), "classified_at");
  if (!classified.ok) return classified;
  const occurred = parseTime(one(f, "occurred_at"), "occurred_at");
  if (!occurred.ok) return occurred;
  const states = parseMemberStates(one(f, "member_states"));
  if (!states.ok) return states;
  const events = parseEventIds(one(f, "event_ids"));
  if (!events.ok) return events;
  const opt = (k: string) => one(f, k).trim();
  return ok({
    title: one(f, "title"),
    description: one(f, "description"),
    regimes: regimes as Regime[],
    awareAt: aware.value,
    eventIds: events.value,
    ...(aiCase ? { aiActCase: aiCase as AiActCase } : {}),
    ...(classified.value ? { classifiedAt: classified.value } : {}),
    ...(occurred.value ? { occurredAt: occurred.value } : {}),
    ...(opt("time_zone") ? { timeZone: opt("time_zone") } : {}),
    ...(opt("team") ? { team: opt("team") } : {}),
    ...(opt("ai_system_id") ? { aiSystemId: opt("ai_system_id") } : {}),
    ...(states.value.length > 0 ? { memberStates: states.value } : {}),
  });
}

/** One action form (`kind` from the URL) → the service's action; `now` fills optional times. */
export function parseAction(kind: string, f: FormValues, current: IncidentView, now: Date): Result<IncidentAction, CustosError> | undefined {
  switch (kind) {
    case "status": {
      const s = one(f, "status");
      if (!INCIDENT_STATUSES.includes(s as IncidentStatus)) return bad(`Status: one of ${INCIDENT_STATUSES.join(", ")}.`, "status");
      return ok({ kind: "status", status: s as IncidentStatus });
    }
    case "note": {
      const long = tooLong(f, { text: 10_000 });
      if (long) return err(long);
      return ok({ kind: "note", text: one(f, "text") });
    }
    case "submission": {
      const regime = one(f, "regime") as Regime;
      const stage = one(f, "stage") as Stage;
      if (!REGIMES.includes(regime)) return bad(`Regime: one of ${current.regimes.join(", ")}.`, "regime");
      if (!STAGES.includes(stage)) return bad(`Stage: one of ${STAGES.join(", ")}.`, "stage");
      const long = tooLong(f, { reference: 200 });
      if (long) return err(long);
      const at = parseTime(one(f, "at"), "at");
      if (!at.ok) return at;
      const reference = one(f, "reference").trim();
      return ok({ kind: "submission", regime, stage, at: at.value ?? now, ...(reference ? { reference } : {}) });
    }
    case "provider-notified": {
      const at = parseTime(one(f, "at"), "at");
      if (!at.ok) return at;
      return ok({ kind: "provider_notified", at: at.value ?? now });
    }
    case "link": {
      const ids = parseEventIds(one(f, "event_ids"));
      return ids.ok ? ok({ kind: "link", eventIds: ids.value }) : ids;
    }
    case "update":
      return parseUpdate(f, current);
  }
  return undefined;
}

/** Only what the form changes: fields left as they were are not sent, so an update records what moved. */
function parseUpdate(f: FormValues, current: IncidentView): Result<IncidentAction, CustosError> {
  const long = tooLong(f, { title: 300, description: 20_000 });
  if (long) return err(long);
  const fields: Extract<IncidentAction, { kind: "update" }>["fields"] = {};
  if ("title" in f && one(f, "title").trim() !== current.title) fields.title = one(f, "title");
  if ("description" in f && one(f, "description").trim() !== current.description) fields.description = one(f, "description");
  const aiCase = one(f, "ai_act_case");
  if (aiCase !== "" && aiCase !== current.aiActCase) {
    if (!AI_ACT_CASES.includes(aiCase as AiActCase)) return bad(`AI Act case: one of ${AI_ACT_CASES.join(", ")}.`, "ai_act_case");
    fields.aiActCase = aiCase as AiActCase;
  }
  for (const [k, was] of [["classified_at", current.classifiedAt], ["occurred_at", current.occurredAt]] as const) {
    const t = parseTime(one(f, k), k);
    if (!t.ok) return t;
    if (t.value && (was === undefined || Date.parse(was) !== t.value.getTime())) fields[k === "classified_at" ? "classifiedAt" : "occurredAt"] = t.value;
  }
  if ("member_states" in f) {
    const states = parseMemberStates(one(f, "member_states"));
    if (!states.ok) return states;
    if (states.value.join(",") !== current.memberStates.join(",")) fields.memberStates = states.value;
  }
  const details: Record<string, string> = {};
  for (const name of Object.keys(f)) {
    if (!name.startsWith("detail.")) continue;
    const key = name.slice("detail.".length);
    if (!DETAIL_KEY.test(key)) return bad(`Report field '${key.slice(0, 64)}' is not a field key.`, "details");
    const value = one(f, name);
    if (value.length > 10_000) return bad(`${key}: at most 10000 characters.`, "details");
    if (value !== (current.details[key] ?? "")) details[key] = value;
  }
  if (Object.keys(details).length > 0) fields.details = details;
  return ok({ kind: "update", fields });
}
