// The per-request state every pipeline stage reads and adds to.
import type { Context, Span } from "@opentelemetry/api";
import type { Endpoint } from "../config/providers.ts";
import type { ErrorCode } from "../errors/errors.ts";
import type { Principal } from "../identity/principal.ts";
import type { PartFacts } from "../audit/content.ts";
import type { PolicyBundle, TeamPolicy } from "../policy/compile.ts";
import type { AuditLevel } from "../policy/decide.ts";
import type { Obligations } from "../policy/engine.ts";
import type { Bytes, Operation } from "../providers/types.ts";
import type { Redaction } from "../redaction/redact.ts";

/** What the policy said about this call, as the record and the later stages need it. */
export interface Decision {
  allowed: boolean;
  /** Ids of the enforced rules that were evaluated. */
  rules: string[];
  /** The rule that refused the call, when one did. */
  deniedBy?: string;
  /** Would-be denials of rules in shadow mode: recorded, not enforced. */
  shadow: { rule: string; code: ErrorCode }[];
  /** What an allowed call must respect (PII actions, routing constraints, audit level). */
  obligations?: Obligations;
}

export interface Exchange {
  readonly id: string;
  readonly operation: Operation;
  readonly route: string;
  /** Wall-clock time the request arrived (epoch ms). */
  readonly receivedAt: number;
  /** Monotonic start (ms), for durations. */
  readonly start: number;
  /** Incoming request headers (credentials are read, never forwarded or logged). */
  readonly headers: Headers;
  /** The caller's network address, when the runtime knows it. */
  readonly source: string;
  /** Fires when the caller disconnects. */
  readonly signal: AbortSignal;

  /** The request body as it will be forwarded; stages that change the body replace it. */
  body: Bytes;
  /** The parsed body (stages that change it call setBody). */
  json: Record<string, unknown>;
  model: string;
  stream: boolean;

  principal?: Principal;
  /** The principal's pseudonym (audit spec R8), what records carry instead of the subject. */
  subjectPseudonym?: string;
  /** base64url SHA-256 of the token's jti (its identity, never the token), for the record. */
  tokenHash?: string;
  /** The mapping table could not be read (fail_open): the pseudonym is a stand-in, never stored. */
  subjectProvisional?: boolean;
  team?: string;
  /** The policy bundle in force when the call arrived: one version decides the whole call, even across a reload. */
  policy: PolicyBundle;
  /** The team's policy, once the team is known and has one. */
  teamPolicy?: TeamPolicy;
  decision?: Decision;
  /** How this call is recorded (server.yaml's floor, raised by the team's audit rules). */
  audit?: AuditLevel;
  /** The endpoint that served the call (or was tried last). */
  endpoint?: Endpoint;
  /** Where the call may go, in the order tried (routing's plan); fallbacks come only from here. */
  candidates?: Endpoint[];
  /** Allowed endpoints left out of the plan (pin, suspended, unhealthy), for the record. */
  routeSkipped?: { endpoint: string; reason: string }[];
  /** Risk-aware routing rules the prompt triggered (which types, and where they sent it). */
  routeRisk?: { rule: string; found: string[]; jurisdictions?: readonly string[]; tags?: readonly string[] }[];
  /** Each endpoint tried and how it went, in order. */
  attempts?: Attempt[];
  /** The request's PII handling: its vault of pseudonyms, what was found, what was blocked. */
  redaction?: Redaction;

  /** The llm.request event was written (its id is the exchange id): the end is an llm.response. */
  requestRecorded?: boolean;
  /** The caller did not ask for usage in a chat stream; Custos did, and strips that chunk. */
  stripUsage?: boolean;
  /** What the log keeps of the input and output (size, hash or commitment). */
  inputFacts?: PartFacts;
  outputFacts?: PartFacts;
  /** Monotonic ms: forwarded (with dispatchedAt); the first chunk of a streamed answer arrived (metrics). */
  upstreamStartMono?: number;
  firstChunkMono?: number;
  /** Epoch ms: forwarded; provider's headers arrived. */
  dispatchedAt?: number;
  firstByteAt?: number;

  /** Filled as the answer arrives. */
  upstreamStatus?: number;
  status?: number;
  errorCode?: ErrorCode;
  /** The call's server span and the context its children start from (telemetry/tracing.ts). */
  span?: Span;
  traceContext?: Context;
  /** Per-stage durations in ms, for the log line and the span. */
  timings: Record<string, number>;
}

/** Replaces the body to forward with a changed JSON object. */
export function setBody(ex: Exchange, json: Record<string, unknown>): void {
  ex.json = json;
  ex.body = new TextEncoder().encode(JSON.stringify(json)) as Bytes;
}

/** One try of one endpoint: what came back, or why nothing did. */
export interface Attempt {
  endpoint: string;
  region: string;
  jurisdiction?: string;
  /** ok: a 2xx; status: another HTTP status; timeout / unreachable / protocol: no answer; cancelled: the caller left. */
  outcome: "ok" | "status" | "timeout" | "unreachable" | "protocol" | "cancelled";
  status?: number;
  /** Whole milliseconds (the log's entries hold integers only). */
  ms: number;
}
