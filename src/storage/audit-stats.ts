// Aggregates over the audit log for the console's overview and policy views: each one a
// GROUP BY over a time window of audit.event (received_at prunes the monthly partitions,
// event_type_idx narrows to the call events). Token counts and rule outcomes live only in
// the entries, so those queries decode the window's entries in SQL (convert_from … ::jsonb).
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgDatabase } from "./drizzle-storage.ts";

/** A window of time cut into equal buckets (hours or days), [from, to). */
export interface StatsWindow {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

/** What one slice of calls amounts to (a time bucket, or a team, model or region). */
export interface CallCounts {
  /** Calls received: llm.request (forwarded) and llm.denied (refused) events. */
  requests: number;
  /** llm.denied events. */
  denials: number;
  /** Call events (request, denial, response) whose entry counted PII (the pii column is non-empty). */
  redactions: number;
  /** Input and output tokens from the llm.response entries' response.usage. */
  tokensInput: number;
  tokensOutput: number;
}

export interface Breakdown extends CallCounts {
  /** The team, model or region; null when the events do not name one (a call refused before routing has no region). */
  name: string | null;
}

export interface OverviewStats {
  totals: CallCounts;
  /** One per bucket, oldest first, starting at `from`. */
  series: (CallCounts & { at: Date })[];
  byTeam: Breakdown[];
  byModel: Breakdown[];
  byRegion: Breakdown[];
  /** PII types by how many call events counted them, most first. */
  pii: { type: string; events: number }[];
}

/** One policy rule's outcomes in the window. */
export interface RuleOutcomes {
  rule: string;
  /** Calls it was enforced on (policy.rules: every enforced rule of the caller's team). */
  applied: number;
  /** Calls it refused (policy.denied_by). */
  denied: number;
  /** Calls it would have refused in shadow mode (policy.shadow[].rule). */
  shadow: number;
  /** Calls whose output limit it lowered (policy.clamp.rule). */
  clamped: number;
  /** Calls it restricted the routing of for their PII (route.risk[].rule). */
  routed: number;
}

/** A call a shadow rule would have refused. */
export interface ShadowEvent {
  eventId: string;
  receivedAt: Date;
  type: string;
  team: string | null;
  model: string | null;
  /** The would-be denials: rule id and the code it would have refused with. */
  shadow: { rule: string; code: string }[];
}

export interface AuditStats {
  overview(w: StatsWindow, top: number): Promise<OverviewStats>;
  /** Every rule named in the window's call entries, with what it did (most acting first). */
  ruleOutcomes(w: StatsWindow): Promise<RuleOutcomes[]>;
  /** The newest calls with shadow-mode would-be denials in the window. */
  shadowEvents(w: StatsWindow, limit: number): Promise<ShadowEvent[]>;
}

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? (r as Row[]) : ((r as { rows: Row[] }).rows ?? []));
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

const CALL_TYPES = sql.raw("('llm.request', 'llm.denied', 'llm.response')");
const within = (w: StatsWindow): SQL => sql`received_at >= ${w.from.toISOString()}::timestamptz AND received_at < ${w.to.toISOString()}::timestamptz`;
/** The entry as JSON. Only call events are decoded; their entries are canonical JSON the writer produced. */
const ENTRY = sql.raw("convert_from(entry, 'UTF8')::jsonb");
/** Whether an entry's bytes hold a key (canonical JSON: `"key":`), without decoding it. */
const hasKey = (key: string): SQL => sql.raw(`position('"${key}":'::bytea IN entry) > 0`);
const SHADOW = hasKey("shadow");
const ACTED = sql`(${SHADOW} OR ${hasKey("clamp")} OR ${hasKey("risk")})`;

/**
 * The window's call events with the columns the counts need; only llm.response entries are
 * decoded (for their usage). Canonical JSON the writer produced, so the cast cannot fail.
 */
const calls = (w: StatsWindow): SQL =>
  sql`(SELECT received_at, event_type, team, model, region, pii, CASE WHEN event_type = 'llm.response' THEN ${ENTRY} #> '{response,usage}' END AS u
       FROM audit.event WHERE ${within(w)} AND event_type IN ${CALL_TYPES}) AS e`;
const tokens = (field: "input" | "output"): SQL => sql.raw(`coalesce(sum(CASE WHEN jsonb_typeof(u -> '${field}') = 'number' THEN (u ->> '${field}')::numeric END), 0)::float8`);

/** The counts every slice reports, as SELECT expressions over calls(). */
const COUNTS = sql`
  count(*) FILTER (WHERE event_type IN ('llm.request', 'llm.denied'))::float8 AS requests,
  count(*) FILTER (WHERE event_type = 'llm.denied')::float8 AS denials,
  count(*) FILTER (WHERE cardinality(pii) > 0)::float8 AS redactions,
  ${tokens("input")} AS tokens_input,
  ${tokens("output")} AS tokens_output`;

const countsOf = (r: Row): CallCounts => ({ requests: num(r.requests), denials: num(r.denials), redactions: num(r.redactions), tokensInput: num(r.tokens_input), tokensOutput: num(r.tokens_output) });
const zero = (): CallCounts => ({ requests: 0, denials: 0, redactions: 0, tokensInput: 0, tokensOutput: 0 });

async function run(db: AnyPgDatabase, q: SQL): Promise<Row[]> {
  try {
    return rowsOf(await db.execute(q));
  } catch (e) {
    // drizzle's message repeats the statement and its parameters; the database's own error is the cause.
    const inner = (e as { cause?: unknown }).cause;
    throw inner instanceof Error ? inner : e;
  }
}

export function auditStats(database: () => AnyPgDatabase): AuditStats {
  return {
    async overview(w, top) {
      const db = database();
      const buckets = Math.max(1, Math.ceil((w.to.getTime() - w.from.getTime()) / 1000 / w.bucketSeconds));
      const fromEpoch = Math.floor(w.from.getTime() / 1000);
      // One scan of the window's call events for the series and the three breakdowns
      // (grouping sets; grouping(x) = 0 marks the rows grouped by x), one for PII types.
      const rows = await run(
        db,
        sql`SELECT grouping(b) AS g_b, grouping(team) AS g_team, grouping(model) AS g_model, grouping(region) AS g_region, b, team, model, region, ${COUNTS}
            FROM (SELECT floor((extract(epoch FROM received_at) - ${fromEpoch}::float8) / ${w.bucketSeconds}::float8)::int AS b, * FROM ${calls(w)}) AS c
            GROUP BY GROUPING SETS ((b), (team), (model), (region))`,
      );
      const series = Array.from({ length: buckets }, (_, i) => ({ at: new Date((fromEpoch + i * w.bucketSeconds) * 1000), ...zero() }));
      const totals = zero();
      for (const r of rows.filter((x) => num(x.g_b) === 0)) {
        const c = countsOf(r);
        const slot = series[num(r.b)];
        if (slot) Object.assign(slot, c);
        for (const k of Object.keys(totals) as (keyof CallCounts)[]) totals[k] += c[k];
      }
      const pick = (key: "team" | "model" | "region"): Breakdown[] =>
        rows
          .filter((r) => num(r[`g_${key}`]) === 0)
          .map((r) => ({ name: text(r[key]), ...countsOf(r) }))
          .sort((a, b) => b.requests - a.requests || b.tokensInput + b.tokensOutput - (a.tokensInput + a.tokensOutput) || String(a.name).localeCompare(String(b.name)))
          .slice(0, top);
      const piiRows = await run(
        db,
        sql`SELECT t AS type, count(*)::float8 AS n FROM audit.event, unnest(pii) AS t
            WHERE ${within(w)} AND event_type IN ${CALL_TYPES} AND pii IS NOT NULL GROUP BY t ORDER BY n DESC, t`,
      );
      return { totals, series, byTeam: pick("team"), byModel: pick("model"), byRegion: pick("region"), pii: piiRows.map((r) => ({ type: String(r.type), events: num(r.n) })) };
    },

    async ruleOutcomes(w) {
      const db = database();
      // Two passes, so the common case decodes nothing: every rule an entry names is in its
      // rule_ids column; only the entries that say a rule acted (a denial, or the keys below,
      // found in the bytes without parsing them) are decoded for which rule did what.
      // Shadow rules are never in policy.rules and the others always are, so
      // applied = named - shadow. (A key inside a string value is escaped (\"), so a
      // false match is impossible, and it would only cost a decode.)
      const named = await run(
        db,
        sql`SELECT r AS rule, count(*)::float8 AS n FROM audit.event, unnest(rule_ids) AS r
            WHERE ${within(w)} AND event_type IN ('llm.request', 'llm.denied') AND rule_ids IS NOT NULL GROUP BY r`,
      );
      const acted = await run(
        db,
        sql`WITH e AS (SELECT ${ENTRY} AS j FROM audit.event WHERE ${within(w)} AND event_type IN ('llm.request', 'llm.denied') AND rule_ids IS NOT NULL
                         AND (event_type = 'llm.denied' OR ${ACTED}))
            SELECT rule, how, count(*)::float8 AS n FROM (
              SELECT j #>> '{policy,denied_by}' AS rule, 'denied' AS how FROM e
              UNION ALL SELECT x ->> 'rule', 'shadow' FROM e, jsonb_array_elements(CASE WHEN jsonb_typeof(j #> '{policy,shadow}') = 'array' THEN j #> '{policy,shadow}' ELSE '[]'::jsonb END) x
              UNION ALL SELECT j #>> '{policy,clamp,rule}', 'clamped' FROM e
              UNION ALL SELECT x ->> 'rule', 'routed' FROM e, jsonb_array_elements(CASE WHEN jsonb_typeof(j #> '{route,risk}') = 'array' THEN j #> '{route,risk}' ELSE '[]'::jsonb END) x) t
            WHERE rule IS NOT NULL GROUP BY rule, how`,
      );
      const rows: Row[] = [...named.map((r) => ({ ...r, how: "applied" })), ...acted];
      const byRule = new Map<string, RuleOutcomes>();
      for (const r of rows) {
        const rule = String(r.rule);
        const o = byRule.get(rule) ?? { rule, applied: 0, denied: 0, shadow: 0, clamped: 0, routed: 0 };
        o[r.how as "applied" | "denied" | "shadow" | "clamped" | "routed"] = num(r.n);
        byRule.set(rule, o);
      }
      for (const o of byRule.values()) o.applied = Math.max(0, o.applied - o.shadow);
      const score = (o: RuleOutcomes) => o.denied + o.shadow + o.clamped + o.routed;
      return [...byRule.values()].sort((a, b) => score(b) - score(a) || b.applied - a.applied || a.rule.localeCompare(b.rule));
    },

    async shadowEvents(w, limit) {
      const rows = await run(
        database(),
        // Newest first, stopping at `limit`: only the rows returned are decoded.
        sql`SELECT event_id::text AS event_id, received_at, event_type, team, model, ${ENTRY} #> '{policy,shadow}' AS shadow
            FROM audit.event WHERE ${within(w)} AND event_type IN ('llm.request', 'llm.denied') AND rule_ids IS NOT NULL AND ${SHADOW}
            ORDER BY received_at DESC, event_id DESC LIMIT ${limit}`,
      );
      return rows.map((r) => {
        const list = typeof r.shadow === "string" ? (JSON.parse(r.shadow) as unknown) : r.shadow;
        return {
          eventId: String(r.event_id),
          receivedAt: new Date(r.received_at as Date),
          type: String(r.event_type),
          team: text(r.team),
          model: text(r.model),
          shadow: (Array.isArray(list) ? list : []).map((s: { rule?: unknown; code?: unknown }) => ({ rule: String(s.rule ?? ""), code: String(s.code ?? "") })),
        };
      }).filter((e) => e.shadow.length > 0);
    },
  };
}
