// What a Worker isolate builds once from its bindings and keeps: the parsed
// configuration, the logger and the token verifier. None of them holds I/O, so the
// isolate's requests may share them; everything that does I/O is made per request.
import type { Tracer } from "@opentelemetry/api";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { systemClock } from "../deps.ts";
import { endpointHealth, type EndpointHealth } from "../routing/health.ts";
import { contentSealers, type ContentSealer } from "../audit/content.ts";
import type { Sha256 } from "../audit/merkle.ts";
import { parseKek, pseudonyms, subjectLookup, type Pseudonymizer, type SubjectLookup } from "../audit/pseudonym.ts";
import { newChain, type ChainState } from "../audit/writer.ts";
import type { AuditStore } from "../storage/audit-types.ts";
import { createHash } from "node:crypto";
import { loadConfig, type Config } from "../config/config.ts";
import { ConfigError } from "../config/yaml-file.ts";
import { devIssuerTrust, publicJwk } from "../identity/dev-issuer.ts";
import { identityVerifier } from "../identity/build-verifier.ts";
import type { Verifier } from "../identity/verify-jwt.ts";
import { jsonLogger, type Logger } from "../telemetry/logger.ts";
import { importJWK, type JWK } from "jose";
import { stringBindings, type WorkerEnv } from "./worker-env.ts";
import { BUNDLED_CONFIG, BUNDLED_POLICIES } from "./worker-policies.ts";
import { compilePolicies, type PolicyBundle } from "../policy/compile.ts";
import { redactionSettings, type RedactionSettings } from "../redaction/redact.ts";
import { workerApiKeys, type WorkerApiKeys } from "./worker-api-keys.ts";
import { databaseUrl, NO_DATABASE } from "./worker-storage.ts";
import type { SuspensionCache } from "../routing/suspensions.ts";

/** The Worker's log sink: one JSON line per event on the console, which Workers Logs and `wrangler tail` collect. */
export const consoleLine = (line: string): void => console.log(line);

export const LOG_BINDINGS = { service: "custos", runtime: "workers" } as const;

/** SHA-256 for the audit log's leaves (nodejs_compat's node:crypto: synchronous, like on Node). */
export const workerSha256: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());

export interface IsolateState {
  /** Bound to each request's storage; the caches live with the isolate. */
  pseudonym: (store: AuditStore) => Pseudonymizer;
  subjectLookup: SubjectLookup;
  sealer: (store: AuditStore) => ContentSealer;
  /** This isolate's writer chain (R6): an isolate is one writer; each request writes through its own connection. */
  chain: ChainState;
  kek: Uint8Array;
  config: Config;
  /** Compiled in at build time; ${VAR}s resolved from this isolate's bindings. */
  policies: PolicyBundle;
  /** Without a database: spans still give ids to records, logs and providers, but go nowhere. */
  tracer: Tracer;
  /** The resource every request's tracer provider describes itself with. */
  traceResource: Resource;
  /** Circuit breakers per endpoint: this isolate's view of endpoint health. */
  health: EndpointHealth;
  /** The PII detector (its gazetteers load once per isolate). */
  redaction: RedactionSettings;
  /** The kill switch as last read: shared by the isolate's requests, each refreshing it through its own connection; absent without a database. */
  suspensions?: SuspensionCache;
  /** policy.activate is written once per isolate, with its first request's events. */
  activation: { reported: boolean };
  logger: Logger;
  verifier: Verifier;
  apiKeys: WorkerApiKeys;
}

/** Throws ConfigError (file:line problems) when the bundled policies do not validate against these bindings. */
export async function buildIsolateState(env: WorkerEnv, write: (line: string) => void = consoleLine): Promise<IsolateState> {
  const loaded = await loadConfig(BUNDLED_CONFIG, stringBindings(env), "policies");
  if (!loaded.ok) throw new ConfigError(loaded.error);
  const config = loaded.value;
  const policies = await compilePolicies(BUNDLED_POLICIES, stringBindings(env), "policies");
  if (!policies.ok) throw new ConfigError(policies.error);
  const logger = jsonLogger(config.server.logging.level, write, LOG_BINDINGS);

  const db = databaseUrl(env);
  if (!db) logger.error({}, `${NO_DATABASE}; /readyz reports not ready and every audit write fails (each failure is logged)`);
  const verifier = await workerVerifier(config, env, logger);
  logger.info({ policyVersion: policies.value.version, storage: db ? (env.HYPERDRIVE ? "hyperdrive" : "postgres") : "none" }, "custos worker isolate ready");
  if (typeof env.CUSTOS_KEK !== "string" || env.CUSTOS_KEK === "") {
    throw new ConfigError([{ file: "bindings", line: 1, column: 1, message: "CUSTOS_KEK is not set: the key-encryption key (32 random bytes as base64url or hex); `npx wrangler secret put CUSTOS_KEK`" }]);
  }
  let kek: Uint8Array;
  try {
    kek = parseKek(env.CUSTOS_KEK);
  } catch (e) {
    throw new ConfigError([{ file: "bindings", line: 1, column: 1, message: (e as Error).message }]);
  }
  if (config.server.audit.on_failure === "fail_open") {
    // fail_open promises that events outlive an outage in a durable spool; a Worker has none
    // (no Queue or Durable Object spool yet), so it refuses to serve rather than lose them.
    throw new ConfigError([{ file: "policies/server.yaml", line: 1, column: 1, message: "audit.on_failure: fail_open needs a durable spool, which the Worker target does not have; use fail_closed (CUSTOS_AUDIT_ON_FAILURE) on Workers" }]);
  }
  const traceResource = resourceFromAttributes({ "service.name": "custos", "custos.runtime": "workers" });
  return {
    config,
    policies: policies.value,
    activation: { reported: false },
    ...(db ? { suspensions: {} } : {}),
    redaction: redactionSettings(config.server.redaction),
    tracer: new BasicTracerProvider({ resource: traceResource }).getTracer("custos"),
    traceResource,
    health: endpointHealth({ failures: config.server.routing.breaker_failures, open_ms: config.server.routing.breaker_open_ms }, systemClock),
    logger,
    verifier,
    apiKeys: await workerApiKeys(env, logger),
    pseudonym: await pseudonyms(kek),
    subjectLookup: await subjectLookup(kek),
    sealer: await contentSealers(kek, workerSha256),
    chain: newChain(),
    kek,
  };
}

/** The development issuer is trusted only when identity.yaml lists it AND CUSTOS_DEV_ISSUER=1; its public key is a binding. */
async function workerVerifier(config: Config, env: WorkerEnv, logger: Logger): Promise<Verifier> {
  return identityVerifier(config.identity, await devKey(config, env, logger), logger);
}

/** The development issuer's public key, when identity.yaml lists it AND CUSTOS_DEV_ISSUER=1 (a Worker has no loopback listener). */
async function devKey(config: Config, env: WorkerEnv, logger: Logger): Promise<JWK | undefined> {
  const dev = config.identity.development_issuer;
  const trust = devIssuerTrust(dev.trusted, undefined, env.CUSTOS_DEV_ISSUER === "1");
  if (!trust.trusted) {
    if (dev.trusted) logger.warn({}, "development issuer not trusted: a Worker trusts it only with CUSTOS_DEV_ISSUER=1 (and its public key in CUSTOS_DEV_ISSUER_JWK)");
    return undefined;
  }
  const jwk = readJwk(env.CUSTOS_DEV_ISSUER_JWK as unknown);
  if (typeof jwk === "string") {
    logger.error({}, `development issuer not usable: ${jwk}`);
    return undefined;
  }
  if ("d" in jwk) logger.warn({}, "CUSTOS_DEV_ISSUER_JWK holds a private key; only its public half is used. Bind the public JWK only.");
  try {
    await importJWK(publicJwk(jwk), "EdDSA");
  } catch (e) {
    logger.error({ err: e instanceof Error ? e.message : String(e) }, "development issuer not usable: CUSTOS_DEV_ISSUER_JWK is not an Ed25519 JWK");
    return undefined;
  }
  logger.warn({}, trust.warning);
  return publicJwk(jwk);
}

/** The JWK from a secret (JSON text) or a JSON [vars] entry (an object); a string says what is wrong. */
function readJwk(value: unknown): JWK | string {
  if (value === undefined || value === "") return "CUSTOS_DEV_ISSUER_JWK is not set (the development issuer's public JWK, as JSON)";
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return "CUSTOS_DEV_ISSUER_JWK is not valid JSON";
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "CUSTOS_DEV_ISSUER_JWK is not a JSON object";
  return parsed as JWK;
}
