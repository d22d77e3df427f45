// Legal holds, incidents, purges and content-key expiry (migrations/0007_compliance.sql),
// written once through drizzle's raw SQL for both drivers.
import { sql } from "drizzle-orm";
import type { AnyPgDatabase } from "./drizzle-storage.ts";
import { num, rowsOf, run, type Row } from "./audit-store.ts";
import type { ComplianceStore, HoldRecord, IncidentActionRow, IncidentRow, PurgedMonth, RevealRequest } from "./compliance-types.ts";

const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString());
const optStr = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const optDate = (v: unknown): Date | undefined => (v === null || v === undefined ? undefined : new Date(v as string));
/** postgres.js parses jsonb; PGlite too; a string is parsed here in case a driver does not. */
const json = (v: unknown): Record<string, unknown> => (typeof v === "string" ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>));
const uuidArray = (ids: readonly string[]) => `{${ids.map((i) => `"${i.replace(/["\\]/g, "")}"`).join(",")}}`;

const HOLD_COLUMNS = sql.raw(
  `h.id, h.incident_id, h.team, h.subject, h.from_ts, h.to_ts, array_to_json(h.event_ids) AS event_ids, h.reason, h.placed_by, h.placed_at, r.reason AS released_reason, r.released_by, r.released_at`,
);

function holdOf(r: Row): HoldRecord {
  const ids = r.event_ids;
  const h: HoldRecord = {
    id: r.id as string,
    eventIds: (typeof ids === "string" ? (JSON.parse(ids) as string[]) : (ids as string[] | null)) ?? [],
    reason: r.reason as string,
    placedBy: r.placed_by as string,
    placedAt: new Date(r.placed_at as string),
  };
  const set = <K extends keyof HoldRecord>(k: K, v: HoldRecord[K] | undefined) => {
    if (v !== undefined) h[k] = v;
  };
  set("incidentId", optStr(r.incident_id));
  set("team", optStr(r.team));
  set("subject", optStr(r.subject));
  set("from", optDate(r.from_ts));
  set("to", optDate(r.to_ts));
  if (r.released_at !== null && r.released_at !== undefined) h.released = { reason: r.released_reason as string, by: r.released_by as string, at: new Date(r.released_at as string) };
  return h;
}

const incidentOf = (r: Row): IncidentRow => ({
  id: r.id as string,
  openedAt: new Date(r.opened_at as string),
  openedBy: r.opened_by as string,
  opening: json(r.opening),
  ...(typeof r.event_id === "string" ? { eventId: r.event_id } : {}),
});

const actionOf = (r: Row): IncidentActionRow => ({
  id: r.id as string,
  incidentId: r.incident_id as string,
  at: new Date(r.at as string),
  actor: r.actor as string,
  kind: r.kind as string,
  detail: json(r.detail),
  ...(typeof r.event_id === "string" ? { eventId: r.event_id } : {}),
});

const REVEAL_COLUMNS = sql.raw(`q.id, q.event_id::text AS event_id, q.requested_by, q.justification, q.requested_at, a.approved_by, a.approved_at`);
const revealOf = (r: Row): RevealRequest => ({
  id: r.id as string,
  eventId: r.event_id as string,
  requestedBy: r.requested_by as string,
  justification: r.justification as string,
  requestedAt: new Date(r.requested_at as string),
  ...(r.approved_by !== null && r.approved_by !== undefined ? { approval: { by: r.approved_by as string, at: new Date(r.approved_at as string) } } : {}),
});

export function complianceStore(db: () => AnyPgDatabase): ComplianceStore {
  const q = async (s: ReturnType<typeof sql>) => rowsOf(await run(db(), s));
  const ids = async (s: ReturnType<typeof sql>) => (await q(s)).map((r) => r.id as string);
  return {
    async createRevealRequest(r) {
      await q(sql`INSERT INTO audit.reveal_request (id, event_id, requested_by, justification) VALUES (${r.id}, ${r.eventId}::uuid, ${r.requestedBy}, ${r.justification})`);
      return (await this.revealRequest(r.id))!;
    },
    async revealRequest(id) {
      const r = await q(sql`SELECT ${REVEAL_COLUMNS} FROM audit.reveal_request q LEFT JOIN audit.reveal_approval a ON a.request_id = q.id WHERE q.id = ${id}`);
      return r[0] ? revealOf(r[0]) : undefined;
    },
    async pendingRevealRequests() {
      return (await q(sql`SELECT ${REVEAL_COLUMNS} FROM audit.reveal_request q LEFT JOIN audit.reveal_approval a ON a.request_id = q.id WHERE a.request_id IS NULL ORDER BY q.requested_at DESC LIMIT 200`)).map(revealOf);
    },
    async approveRevealRequest(id, by) {
      const r = await q(sql`INSERT INTO audit.reveal_approval (request_id, approved_by) VALUES (${id}, ${by}) ON CONFLICT (request_id) DO NOTHING RETURNING request_id`);
      return r.length === 1;
    },
    async placeHold(h) {
      const r = await q(sql`INSERT INTO audit.hold (id, incident_id, team, subject, from_ts, to_ts, event_ids, reason, placed_by)
        VALUES (${h.id}, ${h.incidentId ?? null}, ${h.team ?? null}, ${h.subject ?? null}, ${iso(h.from)}::timestamptz, ${iso(h.to)}::timestamptz, ${uuidArray(h.eventIds)}::uuid[], ${h.reason}, ${h.placedBy})
        RETURNING placed_at`);
      return { ...h, placedAt: new Date(r[0]!.placed_at as string) };
    },
    async releaseHold(id, reason, by) {
      const before = await this.hold(id);
      if (!before) return undefined;
      if (before.released) return { hold: before, already: true };
      await q(sql`INSERT INTO audit.hold_release (hold_id, reason, released_by) VALUES (${id}, ${reason}, ${by}) ON CONFLICT (hold_id) DO NOTHING`);
      const after = (await this.hold(id))!;
      return { hold: after, already: false };
    },
    async hold(id) {
      const r = await q(sql`SELECT ${HOLD_COLUMNS} FROM audit.hold h LEFT JOIN audit.hold_release r ON r.hold_id = h.id WHERE h.id = ${id}`);
      return r[0] ? holdOf(r[0]) : undefined;
    },
    async holds(opts = {}) {
      const where = [sql`true`];
      if (!opts.all) where.push(sql`r.hold_id IS NULL`);
      if (opts.incidentId !== undefined) where.push(sql`h.incident_id = ${opts.incidentId}`);
      const r = await q(sql`SELECT ${HOLD_COLUMNS} FROM audit.hold h LEFT JOIN audit.hold_release r ON r.hold_id = h.id WHERE ${sql.join(where, sql` AND `)} ORDER BY h.placed_at DESC, h.id LIMIT 1000`);
      return r.map(holdOf);
    },
    holdsOnSubject: (p) => ids(sql`SELECT id FROM audit.holds_on_subject(${p}) AS id`),
    holdsOnRange: (from, to) => ids(sql`SELECT id FROM audit.holds_on_range(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz) AS id`),

    async createIncident(row) {
      await q(sql`INSERT INTO audit.incident (id, opened_at, opened_by, opening, event_id) VALUES (${row.id}, ${row.openedAt.toISOString()}::timestamptz, ${row.openedBy}, ${JSON.stringify(row.opening)}::jsonb, ${row.eventId ?? null}::uuid)`);
    },
    async incident(id) {
      const r = await q(sql`SELECT id, opened_at, opened_by, opening, event_id::text AS event_id FROM audit.incident WHERE id = ${id}`);
      return r[0] ? incidentOf(r[0]) : undefined;
    },
    async incidents(limit) {
      return (await q(sql`SELECT id, opened_at, opened_by, opening, event_id::text AS event_id FROM audit.incident ORDER BY opened_at DESC, id LIMIT ${limit}`)).map(incidentOf);
    },
    async addIncidentAction(row) {
      await q(sql`INSERT INTO audit.incident_action (id, incident_id, at, actor, kind, detail, event_id)
        VALUES (${row.id}, ${row.incidentId}, ${row.at.toISOString()}::timestamptz, ${row.actor}, ${row.kind}, ${JSON.stringify(row.detail)}::jsonb, ${row.eventId ?? null}::uuid)`);
    },
    async incidentActions(incidentIds) {
      if (incidentIds.length === 0) return [];
      const list = `{${incidentIds.map((i) => `"${i.replace(/["\\]/g, "")}"`).join(",")}}`;
      return (await q(sql`SELECT id, incident_id, at, actor, kind, detail, event_id::text AS event_id FROM audit.incident_action WHERE incident_id = ANY (${list}::text[]) ORDER BY at, id`)).map(actionOf);
    },

    async partitionMonths() {
      const r = await q(sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit.event'::regclass ORDER BY c.relname`);
      return r.flatMap((x) => {
        const m = /^event_(\d{4})_(\d{2})$/.exec(x.name as string);
        return m ? [new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))] : [];
      });
    },
    async purgeRefusal(month) {
      const r = await q(sql`SELECT audit.purge_refusal(${month.toISOString()}::timestamptz) AS why`);
      return optStr(r[0]?.why);
    },
    async monthLeaves(month) {
      const r = (await q(sql`SELECT events::float8 AS events, first_index::float8 AS first_index, last_index::float8 AS last_index FROM audit.month_leaves(${month.toISOString()}::timestamptz)`))[0]!;
      return { events: num(r.events), ...(r.first_index === null ? {} : { firstIndex: num(r.first_index), lastIndex: num(r.last_index) }) };
    },
    async purgeMonth(month, purgeEvent) {
      const r = await q(sql`SELECT audit.purge_month(${month.toISOString()}::timestamptz, ${purgeEvent}::uuid) AS n`);
      return num(r[0]?.n);
    },
    async purged() {
      const r = await q(sql`SELECT month, to_ts, events::float8 AS events, first_index::float8 AS first_index, last_index::float8 AS last_index, purge_event::text AS purge_event, purged_at FROM audit.purged ORDER BY month`);
      return r.map((x): PurgedMonth => ({
        month: new Date(x.month as string),
        to: new Date(x.to_ts as string),
        events: num(x.events),
        ...(x.first_index === null ? {} : { firstIndex: num(x.first_index), lastIndex: num(x.last_index) }),
        purgeEvent: x.purge_event as string,
        purgedAt: new Date(x.purged_at as string),
      }));
    },
    async shredExpired() {
      const r = await q(sql`SELECT class, destroyed::float8 AS destroyed FROM keys.shred_expired()`);
      return r.map((x) => ({ class: (x.class as string | null) ?? "(none)", destroyed: num(x.destroyed) }));
    },
  };
}
