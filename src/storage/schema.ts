// The drizzle schema. Migrations in migrations/ are generated from it (drizzle-kit generate).
import { index, integer, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

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
