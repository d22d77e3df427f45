// The audit log's rows through drizzle's raw SQL (the audit tables are hand-written in
// migrations/0002_audit.sql). Shared by both drivers: postgres.js returns arrays, Buffers
// and int8 as strings, PGlite { rows } and Uint8Arrays; everything is normalised here.
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { concatBytes } from "../bytes.ts";
import { PROJECTION_COLUMNS, SEARCH_COLUMNS } from "../audit/projection.ts";
import type { AnyPgDatabase } from "./drizzle-storage.ts";
import type { AuditEventRow, AuditSearch, AuditStore, CheckpointRow, DekRow, LeafRow, PendingEvent, TreeState } from "./audit-types.ts";

/** pg_try_advisory_xact_lock key of the integrator ("custos" + "audit" as digits). */
const INTEGRATOR_LOCK = 7_305_118_040_002;

export type Row = Record<string, unknown>;
export type Exec = { execute(q: SQL): Promise<unknown> };

export const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? (r as Row[]) : ((r as { rows: Row[] }).rows ?? []));
const bytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(0));
export const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function split32(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 32 <= b.length; i += 32) out.push(b.slice(i, i + 32));
  return out;
}


const EVENT_COLUMNS = sql.raw(
  `received_at, event_id::text AS event_id, event_type, writer_id, writer_seq::float8 AS writer_seq, entry, leaf_hash, request_event_id::text AS request_event_id, team, subject, model, provider, region, decision, status, pii, endpoint, jurisdiction, policy_version, rule_ids, to_char(retain_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS retain_until`,
);

function eventOf(r: Row): AuditEventRow {
  const e: AuditEventRow = {
    receivedAt: new Date(r.received_at as Date),
    eventId: r.event_id as string,
    type: r.event_type as string,
    writerId: r.writer_id as string,
    writerSeq: num(r.writer_seq),
    entry: bytes(r.entry),
    leafHash: bytes(r.leaf_hash),
  };
  for (const [col, k] of PROJECTION_COLUMNS) {
    if (k === "type" || k === "eventId" || k === "ts") continue; // the row's own columns
    const v = opt(r[col] as unknown);
    if (v === undefined) continue;
    if (k === "status") e.status = num(v);
    else if (k === "pii") e.pii = v as string[];
    else e[k] = v as string;
  }
  for (const [col, k] of SEARCH_COLUMNS) {
    const v = opt(r[col] as unknown);
    if (v === undefined) continue;
    if (k === "ruleIds") e.ruleIds = v as string[];
    else if (k === "retainUntil") e.retainUntil = v as string;
    else e[k] = v as string;
  }
  return e;
}

/** The search's filters (everything but the keyset and the limit), each one an indexed column. */
function searchFilters(q: Omit<AuditSearch, "before" | "limit">): SQL[] {
  const where: SQL[] = [];
  if (q.from) where.push(sql`received_at >= ${q.from.toISOString()}::timestamptz`);
  if (q.to) where.push(sql`received_at < ${q.to.toISOString()}::timestamptz`);
  if (q.team !== undefined) where.push(sql`team = ${q.team}`);
  if (q.subject !== undefined) where.push(sql`subject = ${q.subject}`);
  if (q.model !== undefined) where.push(sql`model = ${q.model}`);
  if (q.provider !== undefined) where.push(sql`provider = ${q.provider}`);
  if (q.endpoint !== undefined) where.push(sql`endpoint = ${q.endpoint}`);
  if (q.decision !== undefined) where.push(sql`decision = ${q.decision}`);
  if (q.region !== undefined) where.push(sql`region = ${q.region}`);
  if (q.jurisdiction !== undefined) where.push(sql`jurisdiction = ${q.jurisdiction}`);
  if (q.policyVersion !== undefined) where.push(sql`policy_version = ${q.policyVersion}`);
  if (q.status !== undefined) where.push(sql`status = ${q.status}::int`);
  if (q.type !== undefined) where.push(sql`event_type = ${q.type}`);
  // @> (not = ANY): the form the GIN indexes answer.
  if (q.pii !== undefined) where.push(sql`pii @> ARRAY[${q.pii}]::text[]`);
  if (q.rule !== undefined) where.push(sql`rule_ids @> ARRAY[${q.rule}]::text[]`);
  return where;
}

const whereOf = (conds: SQL[]): SQL => (conds.length === 0 ? sql`true` : sql.join(conds, sql` AND `));

/**
 * The search statement (exported for EXPLAIN in bench/audit-search.ts). `keysetAt` is the
 * received_at of `q.before`'s event (ISO 8601), required when `q.before` is set.
 */
export function searchStatement(q: AuditSearch, keysetAt?: string): SQL {
  const where = searchFilters(q);
  if (q.before !== undefined) {
    if (keysetAt === undefined) throw new Error("searchStatement: a keyset (before) needs its event's received_at");
    // received_at <= … on its own as well: it prunes the newer partitions.
    where.push(sql`received_at <= ${keysetAt}::timestamptz AND (received_at, event_id) < (${keysetAt}::timestamptz, ${q.before}::uuid)`);
  }
  // e.event_id: the uuid column (EVENT_COLUMNS renames its text form event_id, and ordering by
  // that would sort instead of reading the indexes in order).
  return sql`SELECT ${EVENT_COLUMNS} FROM audit.event e WHERE ${whereOf(where)} ORDER BY e.received_at DESC, e.event_id DESC LIMIT ${q.limit}`;
}

/** How many events match, counting no further than cap + 1 (exported for EXPLAIN in bench/audit-search.ts). */
export function searchCountStatement(q: Omit<AuditSearch, "before" | "limit">, cap: number): SQL {
  return sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM audit.event WHERE ${whereOf(searchFilters(q))} LIMIT ${cap + 1}) t`;
}

/** The millisecond time a UUIDv7 carries (its first 48 bits). */
const uuidTime = (id: string): Date => new Date(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16));

function checkpointOf(r: Row): CheckpointRow {
  const c: CheckpointRow = {
    size: num(r.tree_size),
    root: bytes(r.root),
    note: r.note as string,
    jws: r.jws as string,
    consistency: split32(bytes(r.consistency)),
    createdAt: new Date(r.created_at as Date),
  };
  if (r.prev_size !== null && r.prev_size !== undefined) c.prevSize = num(r.prev_size);
  return c;
}

const dekOf = (r: Row): DekRow => ({
  kid: r.kid as string,
  pseudonym: r.pseudonym as string,
  period: r.period as string,
  wrapped: bytes(r.wrapped),
  ...(typeof r.class === "string" ? { class: r.class } : {}),
  ...(r.month !== null && r.month !== undefined ? { month: new Date(r.month as string) } : {}),
  ...(r.expires_at !== null && r.expires_at !== undefined ? { expiresAt: new Date(r.expires_at as string) } : {}),
});
const DEK_COLUMNS = sql.raw("kid, pseudonym, period, wrapped, class, month, expires_at");

/** A Postgres array literal ('{"a",NULL,"b"}'), passed as one text parameter and cast in SQL. */
function pgArray(values: readonly (string | number | undefined)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === undefined ? "NULL" : typeof v === "number" ? String(v) : `"${v.replace(/["\\]/g, "\\$&")}"`;
  }
  return `${out}}`;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/**
 * Runs a statement; a failure is rethrown as the database's own error. drizzle wraps it in
 * "Failed query: <sql> params: <values>", and the values are audit entries: they must not
 * reach a log line.
 */
export async function run(db: Exec, q: SQL): Promise<unknown> {
  try {
    return await db.execute(q);
  } catch (e) {
    // drizzle's error carries the database's as its cause; postgres.js attaches the query
    // and parameters to its own. Only the message and code go on.
    const inner = (e as { cause?: unknown }).cause instanceof Error ? ((e as { cause: Error }).cause) : e;
    // The original is not attached as the cause: it carries the parameters.
    // eslint-disable-next-line preserve-caught-error
    if (!(inner instanceof Error) || inner.message.startsWith("Failed query")) throw new Error("the audit query failed (details withheld: its parameters are audit data)");
    throw Object.assign(new Error(inner.message), { code: (inner as { code?: unknown }).code });
  }
}

async function readState(db: Exec, forUpdate: boolean): Promise<TreeState> {
  const rows = rowsOf(await run(db, sql`SELECT size::float8 AS size, root, edge FROM audit.tree_state WHERE id = 1 ${forUpdate ? sql`FOR UPDATE` : sql``}`));
  const r = rows[0];
  if (!r) throw new Error("audit.tree_state has no row: the audit migration did not run");
  return { size: num(r.size), root: bytes(r.root), edge: split32(bytes(r.edge)) };
}

/** A driver's own query call (prepared statements unless `prepare` is false), for statements outside transactions. */
export type RawQuery = (text: string, params: unknown[], opts?: { prepare?: boolean }) => Promise<Row[]>;

const dialect = new PgDialect();

export function auditStore(database: () => AnyPgDatabase, raw?: RawQuery): AuditStore {
  // Outside transactions statements go straight to the driver, prepared: drizzle's execute
  // re-parses each one (measured: +0.1 ms per statement, on the fail_closed path of every call).
  const direct: Exec | undefined = raw && {
    execute: async (q: SQL) => {
      const { sql: text, params } = dialect.sqlToQuery(q);
      return raw(text, params);
    },
  };
  const exec = (): Exec => direct ?? database();
  // Searches are never prepared: a prepared statement may get a generic plan, chosen once for
  // all values, but a common value wants the newest-first walk and a rare one its index (a
  // rule id in every decision, or in one call of 10,000): only the value itself tells. An
  // unnamed statement is planned with its values, in one round trip. (PGlite and the Workers'
  // postgres.js, prepare: false, plan each statement with its values anyway.)
  const unprepared: Exec = raw
    ? {
        execute: async (q: SQL) => {
          const { sql: text, params } = dialect.sqlToQuery(q);
          return raw(text, params, { prepare: false });
        },
      }
    : { execute: (q: SQL) => database().execute(q) };
  return {
    async canBypass() {
      const r = rowsOf(
        await run(
          exec(),
          sql`SELECT pg_has_role(current_user, c.relowner, 'USAGE') AS owner, r.rolsuper AS superuser
              FROM pg_class c, pg_roles r WHERE c.oid = 'audit.leaf'::regclass AND r.rolname = current_user`,
        ),
      )[0];
      return { owner: r?.owner === true, superuser: r?.superuser === true };
    },

    async ensurePartitions(from, months) {
      const r = rowsOf(await run(exec(), sql`SELECT audit.ensure_partitions(${from.toISOString()}::timestamptz, ${months}::int) AS n`));
      return num(r[0]?.n);
    },

    async insertEvents(rows) {
      if (rows.length === 0) return;
      // Column arrays (one parameter each, whatever the batch size): one statement text, prepared once.
      const col = <T>(f: (e: AuditEventRow) => T) => rows.map(f);
      await run(
        exec(),
        sql`INSERT INTO audit.event (received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash, request_event_id, team, subject, model, provider, region, decision, status, pii, endpoint, jurisdiction, policy_version, rule_ids, retain_until)
            SELECT t.received_at, t.event_id, t.event_type, t.writer_id, t.writer_seq, decode(t.entry, 'hex'), decode(t.leaf_hash, 'hex'), t.request_event_id, t.team, t.subject, t.model, t.provider, t.region, t.decision, t.status,
                   CASE WHEN t.pii IS NULL THEN NULL ELSE string_to_array(t.pii, ',') END, t.endpoint, t.jurisdiction, t.policy_version,
                   CASE WHEN t.rule_ids IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(t.rule_ids::jsonb)) END, t.retain_until
            FROM unnest(${pgArray(col((e) => e.receivedAt.toISOString()))}::timestamptz[], ${pgArray(col((e) => e.eventId))}::uuid[], ${pgArray(col((e) => e.type))}::text[], ${pgArray(col((e) => e.writerId))}::text[],
                        ${pgArray(col((e) => e.writerSeq))}::bigint[], ${pgArray(col((e) => hex(e.entry)))}::text[], ${pgArray(col((e) => hex(e.leafHash)))}::text[], ${pgArray(col((e) => e.requestEventId))}::uuid[],
                        ${pgArray(col((e) => e.team))}::text[], ${pgArray(col((e) => e.subject))}::text[], ${pgArray(col((e) => e.model))}::text[], ${pgArray(col((e) => e.provider))}::text[],
                        ${pgArray(col((e) => e.region))}::text[], ${pgArray(col((e) => e.decision))}::text[], ${pgArray(col((e) => e.status))}::int[], ${pgArray(col((e) => e.pii?.join(",")))}::text[],
                        ${pgArray(col((e) => e.endpoint))}::text[], ${pgArray(col((e) => e.jurisdiction))}::text[], ${pgArray(col((e) => e.policyVersion))}::text[],
                        ${pgArray(col((e) => (e.ruleIds ? JSON.stringify(e.ruleIds) : undefined)))}::text[], ${pgArray(col((e) => e.retainUntil))}::timestamptz[])
              AS t(received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash, request_event_id, team, subject, model, provider, region, decision, status, pii, endpoint, jurisdiction, policy_version, rule_ids, retain_until)
            ON CONFLICT DO NOTHING`,
      );
    },

    async insertContent(rows) {
      if (rows.length === 0) return;
      const values = rows.map((c) => sql`(${c.eventId}::uuid, ${c.part}, ${c.jwe})`);
      await run(exec(), sql`INSERT INTO audit.content (event_id, part, jwe) VALUES ${sql.join(values, sql`, `)} ON CONFLICT DO NOTHING`);
    },

    async integrate(max, plan) {
      return database().transaction(async (tx) => {
        const locked = rowsOf(await run(tx, sql`SELECT pg_try_advisory_xact_lock(${INTEGRATOR_LOCK}::bigint) AS ok`));
        if (!locked[0]?.ok) return undefined;
        const state = await readState(tx, true);
        // The batch leaves the queue; the database checks each stored entry still hashes to its leaf.
        const taken = rowsOf(
          await run(
            tx,
            sql`
            WITH batch AS (
              DELETE FROM audit.pending WHERE event_id IN (
                SELECT event_id FROM audit.pending ORDER BY queued_at, event_id LIMIT ${max} FOR UPDATE SKIP LOCKED)
              RETURNING event_id, received_at, leaf_hash, queued_at)
            SELECT b.event_id::text AS event_id, b.received_at, b.leaf_hash AS leaf,
                   CASE WHEN e.event_id IS NULL THEN 'missing'
                        WHEN e.leaf_hash <> b.leaf_hash OR sha256(decode('00', 'hex') || e.entry) <> b.leaf_hash THEN 'altered' END AS problem
            FROM batch b LEFT JOIN audit.event e ON e.event_id = b.event_id AND e.received_at = b.received_at
            ORDER BY b.queued_at, b.event_id`,
          ),
        );
        if (taken.length === 0) return { integrated: 0, state };
        const batch: PendingEvent[] = taken.map((r) => ({
          eventId: r.event_id as string,
          receivedAt: new Date(r.received_at as Date),
          leaf: bytes(r.leaf),
          ...(r.problem ? { problem: r.problem as "missing" | "altered" } : {}),
        }));
        const p = plan(state, batch);
        if (p.leaves.length > 0) {
          const L = p.leaves;
          await run(
            tx,
            sql`INSERT INTO audit.leaf (log_index, event_id, received_at, leaf_hash)
                SELECT t.i, t.id, t.at, decode(t.h, 'hex') FROM unnest(${pgArray(L.map((l) => l.logIndex))}::bigint[], ${pgArray(L.map((l) => l.eventId))}::uuid[], ${pgArray(L.map((l) => l.receivedAt.toISOString()))}::timestamptz[], ${pgArray(L.map((l) => hex(l.leafHash)))}::text[]) AS t(i, id, at, h)`,
          );
          const N = p.nodes;
          if (N.length > 0) {
            await run(tx, sql`INSERT INTO audit.node (level, idx, hash) SELECT t.l, t.i, decode(t.h, 'hex') FROM unnest(${pgArray(N.map((n) => n.level))}::smallint[], ${pgArray(N.map((n) => n.idx))}::bigint[], ${pgArray(N.map((n) => hex(n.hash)))}::text[]) AS t(l, i, h)`);
          }
          await run(tx, sql`UPDATE audit.tree_state SET size = ${p.state.size}, root = ${p.state.root}::bytea, edge = ${concatBytes(p.state.edge)}::bytea, updated_at = clock_timestamp() WHERE id = 1`);
        }
        return { integrated: p.leaves.length, state: p.state };
      });
    },

    treeState: () => readState(exec(), false),

    async nodes(refs) {
      const out = new Map<string, Uint8Array>();
      const leaves = refs.filter((r) => r.level === 0).map((r) => r.idx);
      const inner = refs.filter((r) => r.level > 0);
      if (leaves.length > 0) {
        const rows = rowsOf(await run(exec(), sql`SELECT log_index::float8 AS i, leaf_hash FROM audit.leaf WHERE log_index IN (${sql.join(leaves.map((i) => sql`${i}`), sql`, `)})`));
        for (const r of rows) out.set(`0/${num(r.i)}`, bytes(r.leaf_hash));
      }
      if (inner.length > 0) {
        const keys = inner.map((r) => sql`(${r.level}::smallint, ${r.idx}::bigint)`);
        const rows = rowsOf(await run(exec(), sql`SELECT level, idx::float8 AS idx, hash FROM audit.node WHERE (level, idx) IN (${sql.join(keys, sql`, `)})`));
        for (const r of rows) out.set(`${num(r.level)}/${num(r.idx)}`, bytes(r.hash));
      }
      return out;
    },

    async pendingStats() {
      const r = rowsOf(await run(exec(), sql`SELECT count(*)::int AS n, min(queued_at) AS oldest FROM audit.pending`))[0]!;
      return r.oldest ? { count: num(r.n), oldest: new Date(r.oldest as Date) } : { count: num(r.n) };
    },

    async pendingIds(ids) {
      if (ids.length === 0) return [];
      const rows = rowsOf(await run(exec(), sql`SELECT event_id::text AS id FROM audit.pending WHERE event_id IN (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`));
      return rows.map((r) => r.id as string);
    },

    async leaves(from, to) {
      const rows = rowsOf(
        await run(exec(), sql`
          SELECT l.log_index::float8 AS log_index, l.event_id::text AS leaf_event, l.leaf_hash AS leaf, e.received_at, e.event_id::text AS event_id, e.event_type, e.writer_id,
                 e.writer_seq::float8 AS writer_seq, e.entry, e.leaf_hash, e.request_event_id::text AS request_event_id, e.team, e.subject, e.model, e.provider, e.region, e.decision, e.status, e.pii,
                 e.endpoint, e.jurisdiction, e.policy_version, e.rule_ids, to_char(e.retain_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS retain_until
          FROM audit.leaf l LEFT JOIN audit.event e ON e.event_id = l.event_id AND e.received_at = l.received_at
          WHERE l.log_index >= ${from} AND l.log_index < ${to} ORDER BY l.log_index`),
      );
      return rows.map((r): LeafRow => {
        const row: LeafRow = { logIndex: num(r.log_index), eventId: r.leaf_event as string, leafHash: bytes(r.leaf) };
        if (r.event_id !== null) row.event = eventOf(r);
        return row;
      });
    },

    async leafIndexOf(eventId) {
      const r = rowsOf(await run(exec(), sql`SELECT log_index::float8 AS i FROM audit.leaf WHERE event_id = ${eventId}::uuid`))[0];
      return r ? num(r.i) : undefined;
    },

    async indexRange(fromTime, toTime, size) {
      const where: SQL[] = [sql`log_index < ${size}`];
      if (fromTime) where.push(sql`received_at >= ${fromTime.toISOString()}::timestamptz`);
      if (toTime) where.push(sql`received_at < ${toTime.toISOString()}::timestamptz`);
      const r = rowsOf(await run(exec(), sql`SELECT min(log_index)::float8 AS a, max(log_index)::float8 AS b FROM audit.leaf WHERE ${sql.join(where, sql` AND `)}`))[0];
      if (!r || r.a === null) return { from: 0, to: 0 };
      return { from: num(r.a), to: num(r.b) + 1 };
    },

    async event(eventId) {
      const r = rowsOf(await run(exec(), sql`SELECT ${EVENT_COLUMNS} FROM audit.event WHERE event_id = ${eventId}::uuid LIMIT 1`))[0];
      return r ? eventOf(r) : undefined;
    },

    async eventsOfRequest(id) {
      const rows = rowsOf(await run(exec(), sql`SELECT ${EVENT_COLUMNS} FROM audit.event WHERE event_id = ${id}::uuid OR request_event_id = ${id}::uuid ORDER BY received_at, event_id`));
      return rows.map(eventOf);
    },

    async search(q) {
      let at: string | undefined;
      if (q.before !== undefined) {
        // The keyset: the page's last event's (received_at, event_id); for an id no event
        // has, the time its UUIDv7 carries.
        const r = rowsOf(await run(exec(), sql`SELECT received_at FROM audit.event WHERE event_id = ${q.before}::uuid ORDER BY received_at DESC LIMIT 1`))[0];
        at = (r ? new Date(r.received_at as Date) : uuidTime(q.before)).toISOString();
      }
      return rowsOf(await run(unprepared, searchStatement(q, at))).map(eventOf);
    },

    async searchCount(q, cap) {
      const r = rowsOf(await run(unprepared, searchCountStatement(q, cap)))[0];
      return num(r?.n);
    },

    async unintegrated(limit) {
      const rows = rowsOf(
        await run(exec(), sql`SELECT ${EVENT_COLUMNS} FROM audit.event e WHERE NOT EXISTS (SELECT 1 FROM audit.leaf l WHERE l.event_id = e.event_id) ORDER BY received_at, event_id LIMIT ${limit}`),
      );
      return rows.map(eventOf);
    },

    async content(eventId) {
      const rows = rowsOf(await run(exec(), sql`SELECT event_id::text AS event_id, part, jwe FROM audit.content WHERE event_id = ${eventId}::uuid ORDER BY part`));
      return rows.map((r) => ({ eventId: r.event_id as string, part: r.part as string, jwe: r.jwe as string }));
    },

    async latestCheckpoint() {
      const r = rowsOf(await run(exec(), sql`SELECT tree_size::float8 AS tree_size, root, note, jws, prev_size::float8 AS prev_size, consistency, created_at FROM audit.checkpoint ORDER BY tree_size DESC LIMIT 1`))[0];
      return r ? checkpointOf(r) : undefined;
    },

    async checkpoints(fromSize, toSize, limit = 100_000) {
      const rows = rowsOf(
        await run(
          exec(),
          sql`SELECT tree_size::float8 AS tree_size, root, note, jws, prev_size::float8 AS prev_size, consistency, created_at FROM audit.checkpoint WHERE tree_size >= ${fromSize} AND tree_size <= ${toSize} ORDER BY tree_size LIMIT ${limit}`,
        ),
      );
      return rows.map(checkpointOf);
    },

    async checkpointAtOrBefore(size) {
      const r = rowsOf(await run(exec(), sql`SELECT tree_size::float8 AS tree_size, root, note, jws, prev_size::float8 AS prev_size, consistency, created_at FROM audit.checkpoint WHERE tree_size <= ${size} ORDER BY tree_size DESC LIMIT 1`))[0];
      return r ? checkpointOf(r) : undefined;
    },

    async insertCheckpoint(c) {
      await run(exec(), 
        sql`INSERT INTO audit.checkpoint (tree_size, root, note, jws, prev_size, consistency) VALUES (${c.size}, ${c.root}::bytea, ${c.note}, ${c.jws}, ${c.prevSize ?? null}::bigint, ${concatBytes(c.consistency)}::bytea)`,
      );
    },

    async insertAnchor(size, kind, ref) {
      await run(exec(), sql`INSERT INTO audit.anchor (tree_size, kind, ref) VALUES (${size}, ${kind}, ${ref}) ON CONFLICT DO NOTHING`);
    },

    async pseudonym(lookup, fresh) {
      await run(exec(), sql`INSERT INTO keys.subject (lookup, pseudonym) VALUES (${lookup}::bytea, ${fresh}) ON CONFLICT (lookup) DO NOTHING`);
      const r = rowsOf(await run(exec(), sql`SELECT pseudonym FROM keys.subject WHERE lookup = ${lookup}::bytea`))[0];
      if (!r) throw new Error("the subject mapping row vanished while it was being created");
      return r.pseudonym as string;
    },

    async findPseudonym(lookup) {
      const r = rowsOf(await run(exec(), sql`SELECT pseudonym FROM keys.subject WHERE lookup = ${lookup}::bytea`))[0];
      return r ? (r.pseudonym as string) : undefined;
    },

    async addAlias(lookup, pseudonym) {
      await run(exec(), sql`INSERT INTO keys.alias (lookup, pseudonym) VALUES (${lookup}::bytea, ${pseudonym}) ON CONFLICT DO NOTHING`);
    },

    async findByAlias(lookup) {
      const rows = rowsOf(await run(exec(), sql`SELECT pseudonym FROM keys.alias WHERE lookup = ${lookup}::bytea ORDER BY created_at`));
      return rows.map((r) => r.pseudonym as string);
    },

    async dek(pseudonym, period) {
      const r = rowsOf(await run(exec(), sql`SELECT ${DEK_COLUMNS} FROM keys.dek WHERE pseudonym = ${pseudonym} AND period = ${period}`))[0];
      return r ? dekOf(r) : undefined;
    },

    async dekByKid(kid) {
      const r = rowsOf(await run(exec(), sql`SELECT ${DEK_COLUMNS} FROM keys.dek WHERE kid = ${kid}`))[0];
      return r ? dekOf(r) : undefined;
    },

    async createDek(row) {
      await run(
        exec(),
        sql`INSERT INTO keys.dek (kid, pseudonym, period, wrapped, class, month, expires_at)
            VALUES (${row.kid}, ${row.pseudonym}, ${row.period}, ${row.wrapped}::bytea, ${row.class ?? null}, ${row.month?.toISOString() ?? null}::timestamptz, ${row.expiresAt?.toISOString() ?? null}::timestamptz)
            ON CONFLICT (pseudonym, period) DO NOTHING`,
      );
      const r = rowsOf(await run(exec(), sql`SELECT ${DEK_COLUMNS} FROM keys.dek WHERE pseudonym = ${row.pseudonym} AND period = ${row.period}`))[0];
      if (!r) throw new Error("the data key row vanished while it was being created");
      return dekOf(r);
    },

    async purgedRanges() {
      const r = rowsOf(await run(exec(), sql`SELECT to_char(month AT TIME ZONE 'UTC', 'YYYY-MM') AS month, events::float8 AS events, first_index::float8 AS first_index, last_index::float8 AS last_index, purge_event::text AS purge_event FROM audit.purged WHERE first_index IS NOT NULL ORDER BY first_index`));
      return r.map((x) => ({ month: x.month as string, events: num(x.events), firstIndex: num(x.first_index), lastIndex: num(x.last_index), purgeEvent: x.purge_event as string }));
    },

    async eraseSubject(pseudonym) {
      const r = rowsOf(await run(exec(), sql`SELECT keys.erase_subject(${pseudonym}) AS n`))[0];
      return num(r?.n);
    },
  };
}
