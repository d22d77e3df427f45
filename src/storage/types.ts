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

export interface Storage {
  readonly kind: "postgres" | "pglite";
  /** Throws when the database cannot answer (used by /readyz). */
  ping(): Promise<void>;
  appendRequests(rows: readonly RequestRecord[]): Promise<void>;
  /** Newest first. */
  recentRequests(limit: number): Promise<RequestRecord[]>;
  requestById(id: string): Promise<RequestRecord | undefined>;
  close(): Promise<void>;
}
