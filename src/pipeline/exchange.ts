// The per-request state every pipeline stage reads and adds to.
import type { Endpoint } from "../config/providers.ts";
import type { ErrorCode } from "../errors/errors.ts";
import type { Principal } from "../identity/principal.ts";
import type { PartFacts } from "../audit/content.ts";
import type { Bytes, Operation } from "../providers/types.ts";

export interface Decision {
  allowed: true;
  /** Version of the policy bundle that decided. */
  policyVersion: string;
  /** Ids of the rules that made the decision. */
  rules: string[];
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
  /** The parsed body. */
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
  decision?: Decision;
  endpoint?: Endpoint;

  /** The llm.request event was written (its id is the exchange id): the end is an llm.response. */
  requestRecorded?: boolean;
  /** The caller did not ask for usage in a chat stream; Custos did, and strips that chunk. */
  stripUsage?: boolean;
  /** What the log keeps of the input and output (size, hash or commitment). */
  inputFacts?: PartFacts;
  outputFacts?: PartFacts;
  /** Epoch ms: forwarded; provider's headers arrived. */
  dispatchedAt?: number;
  firstByteAt?: number;

  /** Filled as the answer arrives. */
  upstreamStatus?: number;
  status?: number;
  errorCode?: ErrorCode;
  /** Per-stage durations in ms, for logs and (later) traces. */
  timings: Record<string, number>;
}
