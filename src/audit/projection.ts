// The search columns of an audit event, derived from its entry. The writer fills the
// columns with exactly this, and the verifier recomputes it from the entry bytes to prove
// that no column was edited to hide or misfile an event.

/** Column values; absent when the entry has no such field. */
export interface Projection {
  type: string;
  eventId: string;
  ts: string;
  requestEventId?: string;
  team?: string;
  subject?: string;
  model?: string;
  provider?: string;
  region?: string;
  decision?: string;
  status?: number;
  /** PII types counted in the entry (policy.pii.counts keys), sorted. */
  pii?: string[];
}

/** Each projected field with its column name (database and export bundles alike), in the order exports write them. */
export const PROJECTION_COLUMNS = [
  ["type", "type"],
  ["event_id", "eventId"],
  ["ts", "ts"],
  ["request_event_id", "requestEventId"],
  ["team", "team"],
  ["subject", "subject"],
  ["model", "model"],
  ["provider", "provider"],
  ["region", "region"],
  ["decision", "decision"],
  ["status", "status"],
  ["pii", "pii"],
] as const satisfies readonly (readonly [string, keyof Projection])[];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function projectionOf(entry: Obj): Projection {
  const actor = obj(entry.actor);
  const request = obj(entry.request);
  const route = obj(entry.route);
  const policy = obj(entry.policy);
  const counts = obj(obj(policy?.pii)?.counts);
  const p: Projection = { type: str(entry.type) ?? "", eventId: str(entry.event_id) ?? "", ts: str(entry.ts) ?? "" };
  const set = <K extends keyof Projection>(k: K, v: Projection[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set("requestEventId", str(entry.request_event_id));
  set("team", str(actor?.team));
  set("subject", str(actor?.subject));
  set("model", str(request?.model));
  set("provider", str(route?.provider));
  set("region", str(route?.region));
  set("decision", str(policy?.decision));
  set("status", typeof entry.status === "number" ? entry.status : undefined);
  if (counts && Object.keys(counts).length > 0) p.pii = Object.keys(counts).sort();
  return p;
}
