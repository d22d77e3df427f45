// The storage interface core code sees. Two drivers implement it: postgres.js (real
// Postgres; also on Workers) and PGlite (the embedded development database).

/** One proxied request, as the walking skeleton's minimal audit sink records it. */
export interface RequestRecord {
  id: string;
  time: Date;
  route: string;
  team: string | null;
  principal: string | null;
  model: string | null;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  upstream: string | null;
  region: string | null;
}

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

/** Authentication failures from one source for one reason, counted over a window. */
export interface AuthFailureRecord {
  id: string;
  windowStart: Date;
  windowEnd: Date;
  source: string;
  reason: string;
  route: string;
  count: number;
}

export interface Storage {
  readonly kind: "postgres" | "pglite";
  /** Throws when the database cannot answer (used by /readyz). */
  ping(): Promise<void>;
  appendRequests(rows: readonly RequestRecord[]): Promise<void>;
  /** Newest first. */
  recentRequests(limit: number): Promise<RequestRecord[]>;
  requestById(id: string): Promise<RequestRecord | undefined>;

  createApiKey(row: ApiKeyRecord): Promise<void>;
  /** Every key, newest first (hashes included: callers must not show them). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Marks the key revoked (once); false when there is no such key. */
  revokeApiKey(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** Records that these keys were used (batched by the caller). */
  touchApiKeys(ids: readonly string[], at: Date): Promise<void>;

  appendAuthFailures(rows: readonly AuthFailureRecord[]): Promise<void>;
  recentAuthFailures(limit: number): Promise<AuthFailureRecord[]>;
  close(): Promise<void>;
}
