// The drizzle schema. Migrations in migrations/ are generated from it (drizzle-kit generate).
import { index, integer, pgTable, real, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const requestLog = pgTable(
  "request_log",
  {
    id: text("id").primaryKey(),
    time: timestamp("time", { withTimezone: true, mode: "date" }).notNull(),
    route: text("route").notNull(),
    team: text("team"),
    principal: text("principal"),
    model: text("model"),
    status: integer("status").notNull(),
    errorCode: text("error_code"),
    latencyMs: real("latency_ms").notNull(),
    upstream: text("upstream"),
    region: text("region"),
  },
  (t) => [index("request_log_time_idx").on(t.time)],
);

/** Custos API keys for services. Only a peppered hash of each key is stored. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    team: text("team").notNull(),
    /** The first characters of the key ("cst_AbCd"), to recognise it in lists. */
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    createdBy: text("created_by").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.hash)],
);

/** Authentication failures, aggregated per source and reason over a window, so a flood of bad tokens cannot flood the log. */
export const authFailures = pgTable(
  "auth_failures",
  {
    id: text("id").primaryKey(),
    windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true, mode: "date" }).notNull(),
    source: text("source").notNull(),
    reason: text("reason").notNull(),
    route: text("route").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [index("auth_failures_window_idx").on(t.windowStart)],
);
