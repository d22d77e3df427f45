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

/**
 * Search-only columns: derived from the entry exactly like the projection above, but not part
 * of the export bundle (whose columns the audit spec fixes, §2.9). Database-mode verification
 * (`custos audit verify` without --bundle) recomputes them from the entry bytes
 * (src/audit/verify-search.ts), and migration 0006 backfilled older rows with the same rules in SQL.
 */
export interface SearchProjection {
  /** The endpoint id that served the call (route.endpoint). */
  endpoint?: string;
  /** The endpoint's jurisdiction (route.jurisdiction). */
  jurisdiction?: string;
  /** The policy version that decided, or was activated (policy.version). */
  policyVersion?: string;
  /**
   * Every policy rule id the entry names, sorted and distinct: policy.rules[] (the enforced
   * rules), policy.denied_by, policy.shadow[].rule, policy.clamp.rule and route.risk[].rule.
   */
  ruleIds?: string[];
  /** When the record may be purged (retention.until, RFC 3339 UTC). */
  retainUntil?: string;
}

/** Each search-only field with its database column. */
export const SEARCH_COLUMNS = [
  ["endpoint", "endpoint"],
  ["jurisdiction", "jurisdiction"],
  ["policy_version", "policyVersion"],
  ["rule_ids", "ruleIds"],
  ["retain_until", "retainUntil"],
] as const satisfies readonly (readonly [string, keyof SearchProjection])[];

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function searchProjectionOf(entry: Obj): SearchProjection {
  const route = obj(entry.route);
  const policy = obj(entry.policy);
  const p: SearchProjection = {};
  const endpoint = str(route?.endpoint);
  if (endpoint !== undefined) p.endpoint = endpoint;
  const jurisdiction = str(route?.jurisdiction);
  if (jurisdiction !== undefined) p.jurisdiction = jurisdiction;
  const version = str(policy?.version);
  if (version !== undefined) p.policyVersion = version;
  const until = str(obj(entry.retention)?.until);
  if (until !== undefined) p.retainUntil = until;
  const ids = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "string") ids.add(v);
  };
  for (const r of arr(policy?.rules)) add(r);
  add(policy?.denied_by);
  for (const s of arr(policy?.shadow)) add(obj(s)?.rule);
  add(obj(policy?.clamp)?.rule);
  for (const r of arr(route?.risk)) add(obj(r)?.rule);
  // Code-point order, as the migration's backfill sorts (COLLATE "C"); rule ids are ASCII anyway.
  if (ids.size > 0) p.ruleIds = [...ids].sort(codePointOrder);
  return p;
}

function codePointOrder(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
