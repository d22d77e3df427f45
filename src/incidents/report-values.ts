// How each `from_log` and `from_incident` report field gets its value: from the log facts
// only (counts, names, never pseudonyms or content) or from the incident and its reporter.
import type { AiActCase, IncidentView } from "./types.ts";

/** What the server computes from an incident's linked audit events; counts and names only. */
export interface LogFacts {
  events: number;
  calls: number;
  /** ISO 8601 UTC of the first and last linked event. */
  firstAt?: string;
  lastAt?: string;
  teams: string[];
  models: string[];
  endpoints: string[];
  regions: string[];
  jurisdictions: string[];
  /** Distinct pseudonymous callers: a count, never the pseudonyms. */
  subjects: number;
  /** Policy decision → number of events. */
  decisions: Record<string, number>;
  /** HTTP status to the client → number of events. */
  statuses: Record<string, number>;
  /** PII type name (EMAIL, PHONE…) → number of detections; never the values. */
  piiTypes: Record<string, number>;
  aiSystems: { id: string; high_risk?: boolean; annex_iii?: string }[];
  policyVersions: string[];
}

export interface Reporter {
  name: string;
  contact: string;
  role: "provider" | "deployer";
  /** Legal Entity Identifier (DORA). */
  lei?: string;
}

export type FieldValue = string | number | string[] | null;

/** "NAME: count" lines, largest first, so the main categories lead. */
export function countLines(counts: Record<string, number>, prefix = ""): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => `${prefix}${name}: ${n}`);
}

function aiSystemLine(s: LogFacts["aiSystems"][number]): string {
  if (s.high_risk === true) return `${s.id} (high-risk${s.annex_iii ? `, Annex III ${s.annex_iii}` : ""})`;
  if (s.high_risk === false) return `${s.id} (not high-risk)`;
  return s.id;
}

function window(f: LogFacts): string | null {
  if (f.firstAt && f.lastAt) return f.firstAt === f.lastAt ? f.firstAt : `${f.firstAt} – ${f.lastAt}`;
  return f.firstAt ?? f.lastAt ?? null;
}

const labelled = (label: string, items: string[]): string[] => items.map((i) => `${label} ${i}`);

/** Field key → value from the log facts. Called only when the facts cover at least one event. */
export const LOG_VALUES: Record<string, (f: LogFacts) => FieldValue> = {
  ai_systems_in_log: (f) => f.aiSystems.map(aiSystemLine),
  models: (f) => f.models,
  policy_versions: (f) => f.policyVersions,
  persons_affected: (f) => f.subjects,
  data_subjects_approx: (f) => f.subjects,
  users_affected: (f) => f.subjects,
  clients_affected: (f) => f.subjects,
  requests: (f) => f.calls,
  records_approx: (f) => f.calls,
  transactions_affected: (f) => f.calls,
  log_window: window,
  decisions: (f) => countLines(f.decisions),
  personal_data_categories: (f) => countLines(f.piiTypes),
  pii_detected: (f) => countLines(f.piiTypes),
  recipients: (f) => [...labelled("endpoint", f.endpoints), ...labelled("region", f.regions)],
  jurisdictions: (f) => [...labelled("jurisdiction", f.jurisdictions), ...labelled("region", f.regions)],
  service_impact: (f) => [`requests: ${f.calls}`, ...countLines(f.statuses, "HTTP ")],
  services_in_log: (f) => [
    ...labelled("team", f.teams),
    ...labelled("AI system", f.aiSystems.map((s) => s.id)),
    ...labelled("endpoint", f.endpoints),
  ],
};

export const HARM_CATEGORY: Record<AiActCase, string> = {
  widespread_infringement: "Widespread infringement (Art. 3(61), Art. 73(3))",
  critical_infrastructure: "Serious and irreversible disruption of critical infrastructure (Art. 3(49)(b))",
  death: "Death of a person (Art. 3(49)(a), Art. 73(4))",
  health: "Serious harm to a person's health (Art. 3(49)(a))",
  fundamental_rights: "Infringement of Union-law obligations protecting fundamental rights (Art. 3(49)(c))",
  property_environment: "Serious harm to property or the environment (Art. 3(49)(d))",
};

/** The first time the provider was informed, from the timeline (Art. 26(5) asks deployers to do it first). */
function providerNotifiedAt(incident: IncidentView): string | null {
  const at = incident.timeline.filter((t) => t.kind === "provider_notified").map((t) => t.at);
  return at.length === 0 ? null : at.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

/** Field key → value from the incident itself and the reporter given with it. */
export const INCIDENT_VALUES: Record<string, (i: IncidentView, r: Reporter) => FieldValue> = {
  reporter_name: (_i, r) => r.name,
  reporter_contact: (_i, r) => r.contact,
  reporter_role: (_i, r) => r.role,
  lei: (_i, r) => r.lei ?? null,
  provider_notified_at: (i) => providerNotifiedAt(i),
  ai_system_id: (i) => i.aiSystemId ?? null,
  description: (i) => i.description,
  occurred_at: (i) => i.occurredAt ?? null,
  aware_at: (i) => i.awareAt,
  classified_at: (i) => i.classifiedAt ?? null,
  member_states: (i) => i.memberStates,
  harm_category: (i) => (i.aiActCase ? HARM_CATEGORY[i.aiActCase] : null),
};

/** Blank strings and empty lists count as "not filled", so a report cannot look complete on whitespace. */
export function normalise(v: FieldValue | undefined): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v.trim() === "" ? null : v.trim();
  if (Array.isArray(v)) {
    const items = v.map((s) => s.trim()).filter((s) => s !== "");
    return items.length === 0 ? null : items;
  }
  return Number.isFinite(v) ? v : null;
}
