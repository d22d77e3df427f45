// The drizzle schema of the public tables. Migrations in migrations/ are generated from it
// (drizzle-kit generate); the audit log's tables are raw SQL (partitions, triggers, grants
// drizzle-kit cannot express) in migrations/0002_audit.sql, queried through audit-schema.ts.
import { sql } from "drizzle-orm";
import { check, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

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

/** Console sessions (migrations/0005_console.sql): the cookie's token is never stored, only its SHA-256. */
export const consoleSessions = pgTable("console_sessions", {
  idHash: text("id_hash").primaryKey(),
  csrf: text("csrf").notNull(),
  issuer: text("issuer").notNull(),
  issuerName: text("issuer_name").notNull(),
  subject: text("subject").notNull(),
  email: text("email"),
  teams: text("teams").array().notNull(),
  roles: text("roles").array().notNull(),
  method: text("method").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true, mode: "date" }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** Sign-ins in flight and used one-time links, each consumed once. */
export const consoleLogins = pgTable("console_logins", {
  keyHash: text("key_hash").primaryKey(),
  kind: text("kind").notNull(),
  data: jsonb("data").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
});

export const consoleSavedSearches = pgTable("console_saved_searches", {
  id: text("id").primaryKey(),
  owner: text("owner").notNull(),
  name: text("name").notNull(),
  query: text("query").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});
