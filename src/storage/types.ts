// The storage interface core code sees. Two drivers implement it: postgres.js (real
// Postgres; also on Workers) and PGlite (the embedded development database).
import type { AuditStore } from "./audit-types.ts";

export interface ApiKeyRecord {
  id: string;
  name: string;
  team: string;
  prefix: string;
  hash: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface Storage {
  readonly kind: "postgres" | "pglite";
  /** Throws when the database cannot answer (used by /readyz). */
  ping(): Promise<void>;
  /** The audit log's tables. */
  readonly audit: AuditStore;

  createApiKey(row: ApiKeyRecord): Promise<void>;
  /** Every key, newest first (hashes included: callers must not show them). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Marks the key revoked (once); false when there is no such key. */
  revokeApiKey(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** Records that these keys were used (batched by the caller). */
  touchApiKeys(ids: readonly string[], at: Date): Promise<void>;

  /** Runs one SQL statement as given: for tests and operators' tools, never for request data. */
  unsafeExecute(statement: string): Promise<void>;
  close(): Promise<void>;
}
