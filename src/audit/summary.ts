// One call as its audit events tell it (request + response, or the denial): what the
// console and the API show for an x-request-id, decoded from the entries themselves.
import type { AuditEventRow, AuditStore } from "../storage/audit-types.ts";

export interface CallSummary {
  requestId: string;
  /** Event types in order: llm.request + llm.response, or llm.denied. */
  events: string[];
  route?: string;
  team?: string;
  subject?: string;
  /** The issuer (custos for API keys) and the credential kind (jwt, api_key, dev). */
  issuer?: string;
  credential?: string;
  model?: string;
  stream?: boolean;
  status?: number;
  errorCode?: string;
  endpoint?: string;
  region?: string;
  usage?: Record<string, number>;
  finish?: string[];
  durationMs?: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

export function decodeEntry(e: AuditEventRow): Obj {
  return JSON.parse(new TextDecoder().decode(e.entry)) as Obj;
}

export function summarize(requestId: string, events: readonly AuditEventRow[]): CallSummary | undefined {
  if (events.length === 0) return undefined;
  const s: CallSummary = { requestId, events: events.map((e) => e.type) };
  for (const row of events) {
    const e = decodeEntry(row);
    const actor = obj(e.actor);
    const request = obj(e.request);
    const route = obj(e.route);
    const response = obj(e.response);
    const time = obj(e.time);
    if (typeof request.api === "string") s.route = request.api;
    if (typeof actor.team === "string") s.team = actor.team;
    if (typeof actor.subject === "string") s.subject = actor.subject;
    if (typeof actor.iss === "string") s.issuer = actor.iss;
    if (typeof obj(actor.auth).method === "string") s.credential = obj(actor.auth).method as string;
    if (typeof request.model === "string") s.model = request.model;
    if (typeof request.stream === "boolean") s.stream = request.stream;
    if (typeof e.status === "number") s.status = e.status;
    if (typeof obj(e.error).code === "string") s.errorCode = obj(e.error).code as string;
    if (typeof route.endpoint === "string") s.endpoint = route.endpoint;
    if (typeof route.region === "string") s.region = route.region;
    if (Object.keys(obj(response.usage)).length > 0) s.usage = obj(response.usage) as Record<string, number>;
    if (Array.isArray(response.finish)) s.finish = response.finish as string[];
    if (typeof time.duration_ms === "number") s.durationMs = time.duration_ms;
  }
  return s;
}

export async function callSummary(store: AuditStore, requestId: string): Promise<CallSummary | undefined> {
  return summarize(requestId, await store.eventsOfRequest(requestId));
}
