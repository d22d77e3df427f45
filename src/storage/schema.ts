// The drizzle schema of the public tables. Migrations in migrations/ are generated from it
// (drizzle-kit generate); the audit log's tables are raw SQL (partitions, triggers, grants
// drizzle-kit cannot express) in migrations/0002_audit.sql, queried through audit-schema.ts.
import { sql } from "drizzle-orm";
import { check, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

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

/** The kill switch: what an operator has suspended now (one row per target; resuming deletes it, the audit log keeps the history). */
export const suspensions = pgTable(
  "suspensions",
  {
    /** endpoint | model | team (checked by the migration). */
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    reason: text("reason"),
    suspendedBy: text("suspended_by").notNull(),
    suspendedAt: timestamp("suspended_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.name] }), check("suspensions_kind_check", sql`${t.kind} in ('endpoint', 'model', 'team')`)],
);
