// What the console's Integrity view reads besides the AuditStore: checkpoints newest first (a
// page at a time) and where each was anchored outside the database (audit.anchor). Reads only.
import { sql } from "drizzle-orm";
import type { CheckpointRow } from "./audit-types.ts";
import type { AnyPgDatabase } from "./drizzle-storage.ts";

export interface AnchorRow {
  size: number;
  /** The anchor's kind ("file", "webhook"). */
  kind: string;
  /** Where it went (e.g. "file:/abs/path#line=12"). */
  ref: string;
  anchoredAt: Date;
}

export interface AuditIntegrity {
  /** Checkpoints with sizes below `beforeSize` (all when undefined), newest first. */
  recentCheckpoints(beforeSize: number | undefined, limit: number): Promise<CheckpointRow[]>;
  /** The anchor rows of these checkpoint sizes, by size then kind. */
  anchorsOf(sizes: readonly number[]): Promise<AnchorRow[]>;
  /** How many checkpoints there are, and how many of them have at least one anchor. */
  anchorCounts(): Promise<{ checkpoints: number; anchored: number }>;
}

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? (r as Row[]) : ((r as { rows: Row[] }).rows ?? []));
const bytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(0));

function checkpointOf(r: Row): CheckpointRow {
  const b = bytes(r.consistency);
  const consistency: Uint8Array[] = [];
  for (let i = 0; i + 32 <= b.length; i += 32) consistency.push(b.slice(i, i + 32));
  return {
    size: Number(r.tree_size),
    root: bytes(r.root),
    note: r.note as string,
    jws: r.jws as string,
    consistency,
    createdAt: new Date(r.created_at as Date),
    ...(r.prev_size === null || r.prev_size === undefined ? {} : { prevSize: Number(r.prev_size) }),
  };
}

export function auditIntegrity(db: () => AnyPgDatabase): AuditIntegrity {
  return {
    async recentCheckpoints(beforeSize, limit) {
      const where = beforeSize === undefined ? sql`true` : sql`tree_size < ${beforeSize}`;
      const rows = rowsOf(await db().execute(sql`SELECT tree_size::float8 AS tree_size, root, note, jws, prev_size::float8 AS prev_size, consistency, created_at FROM audit.checkpoint WHERE ${where} ORDER BY tree_size DESC LIMIT ${limit}`));
      return rows.map(checkpointOf);
    },
    async anchorsOf(sizes) {
      if (sizes.length === 0) return [];
      const list = sql.join(
        sizes.map((s) => sql`${s}::bigint`),
        sql`, `,
      );
      const rows = rowsOf(await db().execute(sql`SELECT tree_size::float8 AS tree_size, kind, ref, anchored_at FROM audit.anchor WHERE tree_size IN (${list}) ORDER BY tree_size, kind`));
      return rows.map((r) => ({ size: Number(r.tree_size), kind: r.kind as string, ref: r.ref as string, anchoredAt: new Date(r.anchored_at as Date) }));
    },
    async anchorCounts() {
      const r = rowsOf(await db().execute(sql`SELECT (SELECT count(*) FROM audit.checkpoint)::int AS checkpoints, (SELECT count(DISTINCT tree_size) FROM audit.anchor)::int AS anchored`))[0] ?? {};
      return { checkpoints: Number(r.checkpoints ?? 0), anchored: Number(r.anchored ?? 0) };
    },
  };
}
