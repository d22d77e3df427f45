// Everything the app is built from. Runtime entries (src/runtime/) construct it; core
// code receives it and never reads the environment or opens I/O by itself.
import type { Tracer } from "@opentelemetry/api";
import type { JWK } from "jose";
import type { CallMetrics } from "./telemetry/metrics.ts";
import type { Pseudonymizer, SubjectLookup } from "./audit/pseudonym.ts";
import type { ContentSealer } from "./audit/content.ts";
import type { SystemFacts } from "./audit/events.ts";
import type { Sha256 } from "./audit/merkle.ts";
import type { PublicJwk, SigningKey } from "./audit/checkpoint.ts";
import type { AuditSink } from "./audit/writer.ts";
import type { LogVerification } from "./audit/verify-database.ts";
import type { Config } from "./config/config.ts";
import type { PolicyBundle } from "./policy/compile.ts";
import type { RedactionSettings } from "./redaction/redact.ts";
import type { ApiKeyVerifier } from "./identity/api-keys.ts";
import type { Verifier } from "./identity/verify-jwt.ts";
import type { UpstreamClient } from "./providers/types.ts";
import type { CheckpointRow } from "./storage/audit-types.ts";
import type { EndpointHealth } from "./routing/health.ts";
import type { Suspensions } from "./routing/suspensions.ts";
import type { Storage } from "./storage/types.ts";
import type { Logger } from "./telemetry/logger.ts";

export interface Clock {
  /** Wall clock, epoch ms. */
  now(): number;
  /** Monotonic ms, for durations. */
  monotonic(): number;
}

export interface Deps {
  config: Config;
  /** The policy bundle in force; the Node runtime swaps in a new one when the files change. */
  policies: { readonly current: PolicyBundle };
  storage: Storage;
  audit: AuditSink;
  /** Seals prompts and answers per the audit content level (hash or JWE under the subject's key). */
  sealer: ContentSealer;
  /** Integrates and signs a checkpoint now, where this process integrates (Node); undefined elsewhere. */
  checkpointNow?: () => Promise<CheckpointRow | undefined>;
  /** Verifying the database's log from /api/audit/verify (the console's "Run verify"); undefined where this process has no trust for it. */
  logVerification?: LogVerification;
  /** The log's origin and public key, where this process knows them (it signs): the console shows them and its browser check trusts them. */
  logKey?: { origin: string; publicJwk: PublicJwk };
  /** The log's signing key where this process signs (Node, audit.integrate): signs the manifests of console exports. */
  auditSigningKey?: SigningKey;
  /** The PII detector and its thresholds, for the redaction stages. */
  redaction: RedactionSettings;
  /** Synchronous SHA-256 for leaves and proofs (node:crypto on both runtimes). */
  sha256: Sha256;
  /** Build and configuration facts every request entry carries. */
  system: SystemFacts;
  logger: Logger;
  /** The development issuer's public key, only where this listener trusts it (console links). */
  devIssuerKey?: JWK;
  /** JWTs from trusted issuers. */
  verifier: Verifier;
  /** Custos API keys (cst_…). */
  apiKeys: ApiKeyVerifier;
  /** Subject pseudonyms for records (never the raw subject or email). */
  pseudonym: Pseudonymizer;
  /** Finds existing pseudonyms for a data-subject request (never creates one). */
  subjectLookup?: SubjectLookup;
  /** The local admin token the server wrote for the CLI (Node only). */
  adminToken?: string;
  upstream: UpstreamClient;
  /** Spans of each call (telemetry/tracing.ts); the runtime owns the provider and its exporters. */
  tracer: Tracer;
  /** The calls' metrics (telemetry/metrics.ts); on Node the /metrics listener reads them. */
  metrics: CallMetrics;
  /** Circuit breakers, one per endpoint; their state is per process (Node) or per isolate (Workers). */
  health: EndpointHealth;
  /** The kill switch; absent where no storage backs it (then nothing is suspended). */
  suspensions?: Suspensions;
  clock: Clock;
  /** A new request id (time-ordered). */
  newId(): string;
  /** Background work that must finish (Workers: waitUntil; Node: drained on SIGTERM). */
  defer(work: Promise<unknown>): void;
  /** The caller's network address (for aggregating authentication failures), from the runtime's connection info. */
  clientAddress(request: Request, platform: unknown): string | undefined;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
