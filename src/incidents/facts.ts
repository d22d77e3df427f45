// The log facts of an incident's reports, computed from its linked events and the other
// events of the same calls: counts and names only (teams, models, endpoints, PII type
// counts), never content or pseudonyms — a report is sent outside the organisation.
import { rfc3339Millis } from "../audit/canonical-json.ts";
import { decodeEntry } from "../audit/summary.ts";
import type { AuditEventRow, AuditStore } from "../storage/audit-types.ts";
import type { LogFacts } from "./report-values.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The linked events and every event of their calls, once each, oldest first. */
export async function linkedEvents(store: AuditStore, eventIds: readonly string[]): Promise<AuditEventRow[]> {
  const seen = new Map<string, AuditEventRow>();
  for (const id of eventIds) {
    const e = await store.event(id);
    if (!e) continue;
    seen.set(e.eventId, e);
    for (const mate of await store.eventsOfRequest(e.requestEventId ?? e.eventId)) seen.set(mate.eventId, mate);
  }
  return [...seen.values()].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.eventId.localeCompare(b.eventId));
}

export function logFacts(events: readonly AuditEventRow[]): LogFacts {
  const sets = { teams: new Set<string>(), models: new Set<string>(), endpoints: new Set<string>(), regions: new Set<string>(), jurisdictions: new Set<string>(), policyVersions: new Set<string>() };
  const subjects = new Set<string>();
  const calls = new Set<string>();
  const decisions: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const piiTypes: Record<string, number> = {};
  const systems = new Map<string, { id: string; high_risk?: boolean; annex_iii?: string }>();
  const add = (k: keyof typeof sets, v: string | undefined) => v !== undefined && sets[k].add(v);
  for (const row of events) {
    const e = decodeEntry(row);
    calls.add(row.requestEventId ?? row.eventId);
    add("teams", row.team);
    add("models", row.model);
    add("endpoints", row.endpoint);
    add("regions", row.region);
    add("jurisdictions", row.jurisdiction);
    add("policyVersions", row.policyVersion);
    if (row.subject !== undefined) subjects.add(row.subject);
    if (row.decision !== undefined) decisions[row.decision] = (decisions[row.decision] ?? 0) + 1;
    if (row.status !== undefined) statuses[String(row.status)] = (statuses[String(row.status)] ?? 0) + 1;
    // Detections on both sides: llm.request's policy.pii (prompt) and llm.response's (answer).
    for (const [t, n] of Object.entries(obj(obj(obj(e.policy).pii).counts))) if (typeof n === "number") piiTypes[t] = (piiTypes[t] ?? 0) + n;
    const sys = obj(e.system);
    const id = str(sys.ai_system_id);
    if (id !== undefined && !systems.has(id)) {
      systems.set(id, { id, ...(typeof sys.high_risk === "boolean" ? { high_risk: sys.high_risk } : {}), ...(typeof sys.annex_iii === "string" ? { annex_iii: sys.annex_iii } : {}) });
    }
  }
  const sorted = (s: Set<string>) => [...s].sort();
  const f: LogFacts = {
    events: events.length,
    calls: calls.size,
    teams: sorted(sets.teams),
    models: sorted(sets.models),
    endpoints: sorted(sets.endpoints),
    regions: sorted(sets.regions),
    jurisdictions: sorted(sets.jurisdictions),
    subjects: subjects.size,
    decisions,
    statuses,
    piiTypes,
    aiSystems: [...systems.values()].sort((a, b) => a.id.localeCompare(b.id)),
    policyVersions: sorted(sets.policyVersions),
  };
  if (events.length > 0) {
    f.firstAt = rfc3339Millis(events[0]!.receivedAt);
    f.lastAt = rfc3339Millis(events.at(-1)!.receivedAt);
  }
  return f;
}
