// The Node runtime: reads the environment and the policy directory, opens storage,
// builds the deps, serves the app, and shuts down gracefully.
import { nodeLogVerification } from "./node-verify.ts";
import { createNoopMeter } from "@opentelemetry/api";
import { createCallMetrics } from "../telemetry/metrics.ts";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { metricsListener as prometheusListener, startMetrics } from "./node-metrics.ts";
import { startNodeTracing } from "./node-tracing.ts";
import { endpointHealth } from "../routing/health.ts";
import { serve, type ServerType } from "@hono/node-server";
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../app.ts";
import { redactionSettings } from "../redaction/redact.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseKek } from "../audit/pseudonym.ts";
import { loadConfig, loadServerSettings, type Config } from "../config/config.ts";
import { ConfigError } from "../config/yaml-file.ts";
import { systemClock, type Deps } from "../deps.ts";
import { devIssuerTrust, publicJwk } from "../identity/dev-issuer.ts";
import { apiKeyVerifier, keyHasher } from "../identity/api-keys.ts";
import { identityVerifier } from "../identity/build-verifier.ts";
import type { Verifier } from "../identity/verify-jwt.ts";
import type { JWK } from "jose";
import { uuidv7 } from "../ids.ts";
import { pendingMigrations } from "../storage/migrate.ts";
import { pgliteStorage } from "../storage/pglite.ts";
import { postgresStorage } from "../storage/postgres.ts";
import type { Storage } from "../storage/types.ts";
import type { Logger } from "../telemetry/logger.ts";
import { acquireLock, type Lock } from "./lock.ts";
import { apiKeyPepper, kekText, devIssuerKey, MIGRATIONS_DIR, PACKAGE_ROOT, readConfigTexts, resolvePaths, writeServerHandle, type Paths } from "./node-files.ts";
import { nodeSha256, startNodeAudit } from "./node-audit.ts";
import { nodeLogger } from "./node-logger.ts";
import { undiciUpstream } from "./node-upstream.ts";
import { nodeHashing } from "./node-hashing.ts";
import { loadNodePolicies, watchPolicies } from "./node-policies.ts";
import { activationEntry } from "../audit/events.ts";
import { storedSuspensions } from "../routing/suspensions.ts";

type Env = Readonly<Record<string, string | undefined>>;

export interface NodeServerOptions {
  env: Env;
  cwd: string;
  /** Tests pass a logger that captures lines; default: pino on stdout. */
  logger?: Logger;
  /** Overrides the configured port (tests use 0). */
  port?: number;
  /** Overrides the configured metrics port (tests use 0). */
  metricsPort?: number;
  /**
   * Register the tracer and meter providers globally through the OpenTelemetry NodeSDK:
   * what `custos serve` does (one server per process). Embedded servers leave it off.
   */
  globalTelemetry?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly deps: Deps;
  /** Prometheus /metrics, when enabled (telemetry.metrics_*). */
  readonly metricsUrl?: string;
  /** Re-reads the policy files now (the file watcher does this on its own after a change). */
  reloadPolicies(): Promise<void>;
  /** Stop accepting, let in-flight requests finish within the grace period, flush, close. */
  close(): Promise<void>;
}

export async function loadNodeConfig(paths: Paths, env: Env): Promise<Config> {
  const loaded = await loadConfig(await readConfigTexts(paths.policiesDir), env, paths.policiesDir);
  if (!loaded.ok) throw new ConfigError(loaded.error);
  return loaded.value;
}

/** server.yaml alone: what CLI commands that write audit events need (the log's origin). */
export async function loadNodeServerSettings(paths: Paths, env: Env): Promise<Pick<Config, "server" | "sha256">> {
  const loaded = await loadServerSettings(await readConfigTexts(paths.policiesDir), env, paths.policiesDir);
  if (!loaded.ok) throw new ConfigError(loaded.error);
  return loaded.value;
}

export async function startNodeServer(opts: NodeServerOptions): Promise<RunningServer> {
  const { env } = opts;
  const paths = resolvePaths(opts.cwd, env);
  const config = await loadNodeConfig(paths, env);
  const policies = { current: await loadNodePolicies(paths.policiesDir, env) };
  const logger = opts.logger ?? nodeLogger(config.server.logging.level, { pretty: process.stdout.isTTY });

  // Metrics first: a taken port is found before anything else is opened. Under NodeSDK
  // (custos serve) the Prometheus reader belongs to the registered meter provider.
  const t = config.server.telemetry;
  const listen = { host: t.metrics_host, port: opts.metricsPort ?? t.metrics_port, logger };
  const promReader = opts.globalTelemetry && t.metrics_enabled ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  const ownMetrics = !opts.globalTelemetry && t.metrics_enabled ? await startMetrics({ ...listen, version: proxyBuild().replace(/^custos /, "") }) : undefined;
  const metricsListener = promReader ? await prometheusListener({ ...listen, exporter: promReader }) : ownMetrics;
  const pepper = await apiKeyPepper(env, paths.stateDir, (file) => logger.warn({ file }, "generated the development API key pepper"));
  const kek = parseKek(await kekText(env, paths.stateDir, (file) => logger.warn({ file }, "generated the development key-encryption key")));
  const { storage, lock } = await openStorage(paths, env, logger);
  const pending = new Set<Promise<unknown>>();
  const defer = (p: Promise<unknown>) => {
    pending.add(p);
    void p.catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, "background work failed")).finally(() => pending.delete(p));
  };
  const host = config.server.host;
  const upstream = undiciUpstream(config.server.upstream);

  const newId = () => uuidv7();
  const build = proxyBuild();
  const devKey = await trustedDevKey(config, host, env, paths, logger);
  const tracing = await startNodeTracing({ storage, env, logger, build, retentionDays: t.span_retention_days, ...(opts.globalTelemetry ? { global: promReader ? { metricReader: promReader } : {} } : {}) });
  const metrics = createCallMetrics(tracing.meter ?? ownMetrics?.meter ?? createNoopMeter());
  const audit = await startNodeAudit({ storage, config, env, paths, logger, kek, defer, newId, build, retention: () => policies.current.retention, onWrite: (s, e) => metrics.auditWrite(s, e) }).catch(async (e: unknown) => {
    await tracing.shutdown();
    await storage.close();
    await lock?.release();
    await metricsListener?.close();
    throw e;
  });
  const stopObserving = metrics.observe({ auditBacklog: () => audit.sink.backlog().queued, spansDropped: () => tracing.dropped() });
  const adminToken = randomBytes(32).toString("base64url");
  audit.sink.emit({ type: "policy.activate", fields: activationEntry(policies.current, "start") });
  const policyWatch = watchPolicies({
    dir: paths.policiesDir,
    env,
    holder: policies,
    logger,
    activated: (bundle, previous) => audit.sink.emit({ type: "policy.activate", fields: activationEntry(bundle, "reload", previous) }),
  });
  // The kill switch's list, kept fresh by a timer so no call waits on the database for it
  // (read once before the first call; when the database is away the last list stays in force).
  const suspensions = storedSuspensions(() => storage.listSuspensions(), systemClock, {
    maxStaleMs: Infinity,
    onError: (err) => logger.warn({ err }, "could not refresh the suspension list; the last one stays in force"),
  });
  await suspensions.current().catch(() => {});
  const suspensionTimer = setInterval(() => void suspensions.current().catch(() => {}), 1000);
  suspensionTimer.unref();
  const deps: Deps = {
    config,
    policies,
    redaction: redactionSettings(config.server.redaction),
    storage,
    audit: audit.sink,
    sealer: audit.sealer,
    sha256: nodeSha256,
    ...(audit.integrator && audit.signer
      ? {
          checkpointNow: async () => {
            await audit.integrator!.run();
            return audit.signer!.checkpoint();
          },
        }
      : {}),
    ...(audit.signingKey ? { logKey: { origin: config.server.audit.origin, publicJwk: audit.signingKey.publicJwk }, auditSigningKey: audit.signingKey } : {}),
    ...(audit.signingKey ? { logVerification: nodeLogVerification({ origin: config.server.audit.origin, publicJwk: audit.signingKey.publicJwk, env, stateDir: paths.stateDir }) } : {}),
    system: { proxyBuild: build, configSha256: config.sha256 },
    logger,
    verifier: await verifierFor(config, host, env, paths, logger, devKey ?? null),
    ...(devKey ? { devIssuerKey: devKey } : {}),
    apiKeys: apiKeyVerifier({ storage, hash: await keyHasher(pepper, nodeHashing), clock: systemClock, defer, logger }),
    clientAddress: (_req, platform) => (platform as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress,
    upstream,
    tracer: tracing.tracer,
    metrics,
    suspensions,
    health: endpointHealth({ failures: config.server.routing.breaker_failures, open_ms: config.server.routing.breaker_open_ms }, systemClock),
    clock: systemClock,
    newId,
    adminToken,
    pseudonym: audit.pseudonym,
    subjectLookup: audit.subjectLookup,
    defer,
  };

  const app = createApp(deps);
  const server = await new Promise<ServerType>((resolve, reject) => {
    // Headers up to 64 KiB reach Custos, so an oversized token gets a 401 in the API's shape
    // (identity.yaml max_token_bytes) rather than Node's bare 431.
    const s = serve({ fetch: app.fetch, hostname: host, port: opts.port ?? config.server.port, serverOptions: { maxHeaderSize: 64 * 1024 } }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const removeHandle = await writeServerHandle(paths.stateDir, { url, pid: process.pid, token: adminToken });
  logger.info({ url, storage: storage.kind, policies: paths.policiesDir, policyVersion: policies.current.version }, "custos listening");

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const grace = config.server.shutdown.grace_ms;
      logger.info({ graceMs: grace }, "shutting down: no new connections; in-flight requests may finish");
      policyWatch.close();
      clearInterval(suspensionTimer);
      const closed = new Promise<void>((r) => server.close(() => r()));
      const idle = setInterval(() => "closeIdleConnections" in server && server.closeIdleConnections(), 50);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<"expired">((r) => (timer = setTimeout(() => r("expired"), grace)));
      if ((await Promise.race([closed, expired])) === "expired") {
        logger.warn({ graceMs: grace }, "grace period over: cancelling the requests still running");
        // Closing a connection aborts its request's signal, which cancels the upstream
        // call and the answer stream (@hono/node-server aborts on a premature close).
        if ("closeAllConnections" in server) server.closeAllConnections();
        await closed;
        // The cut streams report their end from the connections' close events; let those
        // run so their records are in the buffer before it is flushed.
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      }
      clearTimeout(timer);
      clearInterval(idle);
      await deps.apiKeys.flush();
      // Calls that ended write their last events in background work: let it finish, so
      // writer.close is really this writer's last entry.
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await tracing.shutdown();
      await audit.close().catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, "audit: closing the log failed"));
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await upstream.close?.();
      await storage.close();
      await removeHandle();
      await lock?.release();
      stopObserving();
      await metricsListener?.close();
      logger.info({}, "stopped");
    })());

  return { url, port, deps, close, reloadPolicies: policyWatch.reload, ...(metricsListener ? { metricsUrl: metricsListener.url } : {}) };
}

/** The package version, recorded in every writer.open and request entry. */
function proxyBuild(): string {
  try {
    return `custos ${(JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version}`;
  } catch {
    return "custos unknown";
  }
}

async function openStorage(paths: Paths, env: Env, logger: Logger): Promise<{ storage: Storage; lock?: Lock }> {
  const url = env.DATABASE_URL;
  if (url) {
    const pending = await pendingMigrations(url, MIGRATIONS_DIR);
    if (pending > 0) throw new Error(`the database has ${pending} migration(s) to apply: run \`custos migrate\` (with CUSTOS_MIGRATE_URL set to the owner role) first`);
    return { storage: postgresStorage(url) };
  }
  logger.warn({ dataDir: paths.dataDir }, "embedded database (PGlite): for development only; it is neither tamper-resistant nor crash-durable. Set DATABASE_URL for production.");
  if (paths.dataDir === "memory://") return { storage: await pgliteStorage("memory://", MIGRATIONS_DIR) };
  const lock = await acquireLock(paths.dataDir, "custos serve");
  try {
    return { storage: await pgliteStorage(paths.dataDir, MIGRATIONS_DIR), lock };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/** The development issuer's public key where this listener trusts it (loopback, or CUSTOS_DEV_ISSUER=1); logs why either way. */
export async function trustedDevKey(config: Config, host: string, env: Env, paths: Paths, logger: Logger): Promise<JWK | undefined> {
  const trust = devIssuerTrust(config.identity.development_issuer.trusted, host, env.CUSTOS_DEV_ISSUER === "1");
  if (trust.trusted) {
    logger.warn({}, trust.warning);
    return publicJwk(await devIssuerKey(paths.stateDir, (file) => logger.warn({ file }, "generated the development issuer key")));
  }
  if (config.identity.development_issuer.trusted) logger.warn({}, `development issuer not trusted: ${trust.reason}`);
  return undefined;
}

/** The token verifier as the server builds it (also what `custos policy explain --token` checks a token with). */
export async function verifierFor(config: Config, host: string, env: Env, paths: Paths, logger: Logger, devKey?: JWK | null): Promise<Verifier> {
  const key = devKey === undefined ? await trustedDevKey(config, host, env, paths, logger) : (devKey ?? undefined);
  return identityVerifier(config.identity, key, logger, nodeHashing);
}
