// Server settings (policies/server.yaml): timeouts, limits, ports. Every field has a
// default and an environment variable that overrides it.
import { z } from "zod";

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
    shutdown: z
      .object({
        /** How long in-flight requests (streams included) may run on after SIGTERM. */
        grace_ms: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
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
  ["CUSTOS_SHUTDOWN_GRACE_MS", ["shutdown", "grace_ms"]],
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
