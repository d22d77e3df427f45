// Server settings (policies/server.yaml): timeouts, limits, ports. Every field has a
// default and an environment variable that overrides it.
import { z } from "zod";
import { PII_TYPES } from "../policy/schema.ts";

const ms = (dflt: number) => z.coerce.number().int().min(1).max(3_600_000).default(dflt);

export const ServerSettingsSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65535).default(8787),
    limits: z
      .object({
        /** Largest request body accepted, in bytes (413 beyond). */
        max_body_bytes: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    upstream: z
      .object({
        connect_timeout_ms: ms(10_000),
        /** Time allowed until the provider's response headers arrive. */
        headers_timeout_ms: ms(300_000),
        /** Longest silence allowed between two body chunks of a provider answer. */
        idle_timeout_ms: ms(300_000),
        keep_alive_ms: ms(30_000),
        max_connections_per_origin: z.coerce.number().int().min(1).max(10_000).default(256),
      })
      .strict()
      .prefault({}),
    routing: z
      .object({
        /** Endpoints tried for one call (the first and its fallbacks), all within the allowed set. */
        max_attempts: z.coerce.number().int().min(1).max(10).default(3),
        /** Until the answer's headers, across all attempts: no fallback starts after it. */
        deadline_ms: ms(120_000),
        /** Consecutive failures (connect errors, timeouts, 5xx) that open an endpoint's circuit breaker. */
        breaker_failures: z.coerce.number().int().min(1).max(1000).default(5),
        /** How long an open breaker keeps its endpoint out before one probe may go. */
        breaker_open_ms: ms(30_000),
      })
      .strict()
      .prefault({}),
    telemetry: z
      .object({
        /** Days of spans kept in otel_spans (whole days are dropped after it). Spans are not the audit record. */
        span_retention_days: z.coerce.number().int().min(1).max(3650).default(30),
        /** Serve Prometheus /metrics on its own listener (no authentication: keep it on loopback or a private network). */
        metrics_enabled: z.preprocess((v) => (v === "false" ? false : v === "true" ? true : v), z.boolean()).default(true),
        metrics_host: z.string().min(1).default("127.0.0.1"),
        metrics_port: z.coerce.number().int().min(0).max(65535).default(9464),
      })
      .strict()
      .prefault({}),
    console: z
      .object({
        /** A console session unused this long is over (sign in again). */
        idle_timeout_minutes: z.coerce.number().int().min(1).max(1440).default(30),
        /** A console session is over this long after sign-in, used or not. */
        absolute_timeout_hours: z.coerce.number().int().min(1).max(168).default(12),
        /** Revealing encrypted content: by one auditor_content with a justification, or only after a second one approves. */
        reveal_approval: z.enum(["none", "second_person"]).default("none"),
      })
      .strict()
      .prefault({}),
    compliance: z
      .object({
        /** Hours between scheduled retention runs (content keys expired, eligible months purged); 0 turns the schedule off. */
        retention_schedule_hours: z.coerce.number().min(0).max(576).default(24),
        /** The IANA time zone incident deadlines in days and months are counted in, unless an incident names its own. */
        incident_time_zone: z.string().min(1).max(64).default("Europe/Brussels"),
        /** Who files the reports (pre-filled in every report). */
        reporter: z
          .object({
            name: z.string().max(200).default(""),
            contact: z.string().max(200).default(""),
            role: z.enum(["provider", "deployer"]).default("deployer"),
            lei: z.string().max(20).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    shutdown: z
      .object({
        /** How long in-flight requests (streams included) may run on after SIGTERM. */
        grace_ms: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** The log's name in checkpoints (C2SP origin / signed-note key name): one log per deployment. */
        origin: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/, "an origin is a name like audit.example.eu/acme/2026: letters, digits, '.', '_', '-', '/'").default("custos.local/audit"),
        /** What the log keeps of prompts and answers: nothing, their SHA-256, or JWE under the subject's key (R7). Team policies may only raise it. */
        content: z.enum(["none", "hashes", "encrypted"]).default("hashes"),
        /** fail_closed: a call is forwarded only once its request event is committed (else 503 audit_unavailable); fail_open: events spool locally while the database is away. */
        on_failure: z.enum(["fail_closed", "fail_open"]).default("fail_closed"),
        /** Run the integrator and checkpoint signer in this server (false: run `custos audit integrate` elsewhere; the server then needs no signing key). */
        integrate: z.preprocess((v) => (v === "false" ? false : v === "true" ? true : v), z.boolean()).default(true),
        integrate_interval_ms: ms(500),
        checkpoint_interval_ms: ms(60_000),
        /** An audit write (or subject look-up) slower than this counts as failed: fail_closed answers 503, fail_open spools. */
        write_timeout_ms: ms(3_000),
        /** Gathering time for events nobody waits on (ms). */
        batch_ms: z.coerce.number().int().min(0).max(1000).default(5),
      })
      .strict()
      .prefault({}),
    redaction: z
      .object({
        /** Minimum detection score (0..1) per PII type; 0.5 for types not named. Lower finds more and flags more. */
        thresholds: z.partialRecord(z.enum(PII_TYPES), z.number().min(0).max(1)).default({}),
        /** IP address ranges that are not personal data here (true: left as they are). */
        ip: z
          .object({ ignore_loopback: z.boolean().default(false), ignore_documentation: z.boolean().default(false), ignore_private: z.boolean().default(false) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
      .strict()
      .prefault({}),
  })
  .strict();

export type ServerSettings = z.output<typeof ServerSettingsSchema>;

/** Environment variable → settings path. README's configuration table lists the same. */
export const SERVER_ENV_OVERRIDES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["HOST", ["host"]],
  ["PORT", ["port"]],
  ["CUSTOS_MAX_BODY_BYTES", ["limits", "max_body_bytes"]],
  ["CUSTOS_UPSTREAM_CONNECT_TIMEOUT_MS", ["upstream", "connect_timeout_ms"]],
  ["CUSTOS_UPSTREAM_HEADERS_TIMEOUT_MS", ["upstream", "headers_timeout_ms"]],
  ["CUSTOS_UPSTREAM_IDLE_TIMEOUT_MS", ["upstream", "idle_timeout_ms"]],
  ["CUSTOS_UPSTREAM_KEEP_ALIVE_MS", ["upstream", "keep_alive_ms"]],
  ["CUSTOS_UPSTREAM_MAX_CONNECTIONS", ["upstream", "max_connections_per_origin"]],
  ["CUSTOS_ROUTING_MAX_ATTEMPTS", ["routing", "max_attempts"]],
  ["CUSTOS_ROUTING_DEADLINE_MS", ["routing", "deadline_ms"]],
  ["CUSTOS_ROUTING_BREAKER_FAILURES", ["routing", "breaker_failures"]],
  ["CUSTOS_ROUTING_BREAKER_OPEN_MS", ["routing", "breaker_open_ms"]],
  ["CUSTOS_SPAN_RETENTION_DAYS", ["telemetry", "span_retention_days"]],
  ["CUSTOS_METRICS_ENABLED", ["telemetry", "metrics_enabled"]],
  ["CUSTOS_METRICS_HOST", ["telemetry", "metrics_host"]],
  ["CUSTOS_METRICS_PORT", ["telemetry", "metrics_port"]],
  ["CUSTOS_CONSOLE_IDLE_TIMEOUT_MINUTES", ["console", "idle_timeout_minutes"]],
  ["CUSTOS_CONSOLE_ABSOLUTE_TIMEOUT_HOURS", ["console", "absolute_timeout_hours"]],
  ["CUSTOS_REVEAL_APPROVAL", ["console", "reveal_approval"]],
  ["CUSTOS_RETENTION_SCHEDULE_HOURS", ["compliance", "retention_schedule_hours"]],
  ["CUSTOS_INCIDENT_TIME_ZONE", ["compliance", "incident_time_zone"]],
  ["CUSTOS_SHUTDOWN_GRACE_MS", ["shutdown", "grace_ms"]],
  ["CUSTOS_AUDIT_ORIGIN", ["audit", "origin"]],
  ["CUSTOS_AUDIT_CONTENT", ["audit", "content"]],
  ["CUSTOS_AUDIT_ON_FAILURE", ["audit", "on_failure"]],
  ["CUSTOS_AUDIT_INTEGRATE", ["audit", "integrate"]],
  ["CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS", ["audit", "integrate_interval_ms"]],
  ["CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS", ["audit", "checkpoint_interval_ms"]],
  ["CUSTOS_AUDIT_WRITE_TIMEOUT_MS", ["audit", "write_timeout_ms"]],
  ["LOG_LEVEL", ["logging", "level"]],
];

/** Overlay environment overrides onto the parsed file (before validation). */
export function applyServerEnv(data: unknown, env: Readonly<Record<string, string | undefined>>): { data: Record<string, unknown>; fromEnv: Map<string, string> } {
  const root: Record<string, unknown> = typeof data === "object" && data !== null ? structuredClone(data as Record<string, unknown>) : {};
  const fromEnv = new Map<string, string>();
  for (const [name, path] of SERVER_ENV_OVERRIDES) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node = (node[key] = typeof next === "object" && next !== null ? next : {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = v;
    fromEnv.set(path.join("."), name);
  }
  return { data: root, fromEnv };
}
