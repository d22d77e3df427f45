// The Cloudflare Workers runtime: the same app as on Node, with deps built from the
// bindings. Parsed configuration, logger and verifier are kept per isolate; storage,
// audit sink and upstream client are made per request, since workerd forbids I/O
// objects that outlive the request that created them. Background work is waitUntil.
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { ExportOnCallEnd, PostgresSpanExporter } from "../telemetry/span-export.ts";
import { createNoopMeter } from "@opentelemetry/api";
import { createCallMetrics } from "../telemetry/metrics.ts";
import { createApp } from "../app.ts";
import { webhookAnchor } from "../audit/anchor.ts";
import { importSigningKey, type SigningKey } from "../audit/checkpoint.ts";
import { integrator } from "../audit/integrator.ts";
import { checkpointSigner } from "../audit/signer.ts";
import { memoryScratch } from "../audit/verify-database.ts";
import { memorySpool } from "../audit/spool.ts";
import { auditWriter } from "../audit/writer.ts";
import { activationEntry } from "../audit/events.ts";
import { ConfigError, formatProblem } from "../config/yaml-file.ts";
import { systemClock, type Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { errorResponse, shapeForPath } from "../errors/to-response.ts";
import { uuidv7 } from "../ids.ts";
import type { WorkerEnv } from "./worker-env.ts";
import { jsonLogger } from "../telemetry/logger.ts";
import { buildIsolateState, consoleLine, LOG_BINDINGS, workerSha256, type IsolateState } from "./worker-isolate.ts";
import { databaseUrl, workerStorage } from "./worker-storage.ts";
import { fetchUpstream } from "./worker-upstream.ts";
import { storedSuspensions } from "../routing/suspensions.ts";

const BUILD = "custos workers";

// Bindings are fixed for an isolate's lifetime, so what is derived from them is too.
// The value (not a pending promise) is kept: a promise settled in one request's context
// must not be awaited by another. Two first requests at once both build; that is harmless.
let isolate: IsolateState | undefined;

async function isolateState(env: WorkerEnv): Promise<IsolateState> {
  return (isolate ??= await buildIsolateState(env));
}

function depsFor(state: IsolateState, env: WorkerEnv, ctx: ExecutionContext): Deps {
  const { config, logger, verifier, apiKeys } = state;
  const defer = (work: Promise<unknown>) =>
    ctx.waitUntil(work.catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, "background work failed")));
  const storage = workerStorage(env);
  const db = databaseUrl(env) !== undefined;
  const audit = auditWriter({
      store: storage.audit,
      sha: workerSha256,
      origin: config.server.audit.origin,
      logger,
      spool: memorySpool(1_000),
      now: Date.now,
      newId: () => uuidv7(),
      defer,
      open: { proxy_build: BUILD, config_sha256: config.sha256, runtime: "workers" },
      chain: state.chain,
      // Nothing may wait across requests in workerd: write at once, within this request.
      batchMs: 0,
      writeTimeoutMs: config.server.audit.write_timeout_ms,
      retention: () => state.policies.retention,
  });
  if (!state.activation.reported) {
    state.activation.reported = true;
    audit.emit({ type: "policy.activate", fields: activationEntry(state.policies, "start") });
  }
  return {
    config,
    policies: { current: state.policies },
    redaction: state.redaction,
    storage,
    audit,
    sealer: state.sealer(storage.audit),
    sha256: workerSha256,
    system: { proxyBuild: BUILD, configSha256: config.sha256 },
    logger,
    verifier,
    apiKeys: apiKeys.forRequest(ctx),
    pseudonym: state.pseudonym(storage.audit),
    subjectLookup: state.subjectLookup,
    clientAddress: (req) => req.headers.get("cf-connecting-ip") ?? undefined,
    upstream: fetchUpstream(config.server.upstream),
    ...(state.suspensions
      ? { suspensions: storedSuspensions(() => storage.listSuspensions(), systemClock, { cache: state.suspensions, background: defer, onError: (err) => logger.warn({ err }, "could not refresh the suspension list; the last one stays in force") }) }
      : {}),
    // Spans go to otel_spans through this request's connection when its call ends.
    tracer: db ? new BasicTracerProvider({ resource: state.traceResource, spanProcessors: [new ExportOnCallEnd(new PostgresSpanExporter((rows) => storage.insertSpans(rows)), defer)] }).getTracer("custos", BUILD) : state.tracer,
    // no scrape listener in a Worker (OTLP push of metrics is later work)
    metrics: createCallMetrics(createNoopMeter()),
    health: state.health,
    clock: systemClock,
    newId: () => uuidv7(),
    defer,
    // The console's verify: the key's public half is the trust; the webhook anchor cannot be
    // read back from here (the anchors check is skipped and said so), and the bundle is held in
    // memory (the Worker has no file system), so it suits logs of modest size.
    ...(typeof env.CUSTOS_SIGNING_KEY === "string" && env.CUSTOS_SIGNING_KEY !== ""
      ? {
          logVerification: {
            async trust() {
              const key = await signingKey(env);
              if (typeof key === "string") return key;
              const { kty, crv, x } = key.publicJwk;
              return { trust: { origin: config.server.audit.origin, keys: [{ kty, crv, x }], anchored: [] }, problems: ["a Worker cannot read its webhook anchor back: verify against the anchor's copy with `custos audit verify --trust FILE` for that check"] };
            },
            scratch: async () => memoryScratch(workerSha256),
          },
        }
      : {}),
  };
}

/** The configuration does not validate (a missing ${VAR}, a bad value): say so in the log, never to the caller. */
function configFailure(request: Request, e: unknown): Response {
  const id = uuidv7();
  const problems = e instanceof ConfigError ? e.problems.map(formatProblem) : [e instanceof Error ? `${e.name}: ${e.message}` : String(e)];
  jsonLogger("fatal", consoleLine, LOG_BINDINGS).fatal({ reqId: id, problems }, "configuration invalid: custos cannot serve");
  const error = new CustosError("internal_error", "Custos is misconfigured and cannot serve; the operator will find the reason in the Worker's log.");
  return errorResponse(shapeForPath(new URL(request.url).pathname), error, id);
}

/**
 * The Cron Trigger: integrate what the requests wrote and sign a checkpoint (R9), anchored
 * to CUSTOS_ANCHOR_WEBHOOK. Exactly one integrator works at a time (an advisory lock), so
 * several schedules or a Node integrator elsewhere are safe.
 */
async function integrate(env: WorkerEnv): Promise<void> {
  const state = await isolateState(env);
  const { logger, config } = state;
  const key = await signingKey(env);
  if (typeof key === "string") {
    logger.error({}, `audit integration skipped: ${key}`);
    return;
  }
  const anchors = typeof env.CUSTOS_ANCHOR_WEBHOOK === "string" && env.CUSTOS_ANCHOR_WEBHOOK !== "" ? [webhookAnchor(env.CUSTOS_ANCHOR_WEBHOOK)] : [];
  if (anchors.length === 0) logger.warn({}, "CUSTOS_ANCHOR_WEBHOOK is not set: checkpoints are signed but not anchored outside the database");
  const storage = workerStorage(env);
  const s = await integrator(storage.audit, workerSha256, logger).run();
  await storage.maintainSpans(config.server.telemetry.span_retention_days).catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, "tracing: span partition upkeep failed"));
  const cp = await checkpointSigner({ store: storage.audit, sha: workerSha256, key, origin: config.server.audit.origin, anchors, logger, now: Date.now }).checkpoint();
  logger.info({ size: s?.size, checkpoint: cp?.size }, "audit integration run");
}

async function signingKey(env: WorkerEnv): Promise<SigningKey | string> {
  if (typeof env.CUSTOS_SIGNING_KEY !== "string" || env.CUSTOS_SIGNING_KEY === "") return "CUSTOS_SIGNING_KEY is not set (an Ed25519 private JWK; `npx custos audit keygen`, then `npx wrangler secret put CUSTOS_SIGNING_KEY`)";
  let jwk: unknown;
  try {
    jwk = JSON.parse(env.CUSTOS_SIGNING_KEY);
  } catch {
    return "CUSTOS_SIGNING_KEY is not JSON";
  }
  const key = await importSigningKey(jwk);
  return key.ok ? key.value : key.error.message;
}

export default {
  async scheduled(_controller, env, ctx): Promise<void> {
    ctx.waitUntil(integrate(env).catch((e: unknown) => jsonLogger("error", consoleLine, LOG_BINDINGS).error({ err: e instanceof Error ? e.message : String(e) }, "audit integration failed")));
  },

  async fetch(request, env, ctx): Promise<Response> {
    let state: IsolateState;
    try {
      state = await isolateState(env);
    } catch (e) {
      return configFailure(request, e);
    }
    return createApp(depsFor(state, env, ctx)).fetch(request);
  },
} satisfies ExportedHandler<WorkerEnv>;
