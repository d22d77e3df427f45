// /api/audit/stats (role auditor or auditor_content): what the console's overview shows,
// for scripts too. Calls, denials, redactions and tokens over a window (24 h by hour, 7 or
// 30 days by day), by team, model and region; PII types; the latest checkpoint and the last
// verification (the newest audit.verify event). Reading it is an audit event (the /api
// middleware writes one per call).
import { Hono } from "hono";
import { base64url } from "../../crypto/hashing.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { decodeEntry } from "../../audit/summary.ts";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal, Role } from "../../identity/principal.ts";
import type { Breakdown, CallCounts, OverviewStats, StatsWindow } from "../../storage/audit-stats.ts";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../middleware/api-auth.ts";

/** Who may read the log's metadata: auditors, and auditors who may also reveal content. */
export const METADATA_ROLES: readonly Role[] = ["auditor", "auditor_content"];

export const WINDOWS = { "24h": { bucket: 3600, buckets: 24 }, "7d": { bucket: 86_400, buckets: 7 }, "30d": { bucket: 86_400, buckets: 30 } } as const;
export type WindowName = keyof typeof WINDOWS;
export const isWindowName = (v: unknown): v is WindowName => typeof v === "string" && Object.hasOwn(WINDOWS, v);

/** The window ending with the bucket that holds `now` (UTC hours or days). */
export function statsWindow(name: WindowName, now: number): StatsWindow {
  const { bucket, buckets } = WINDOWS[name];
  const end = (Math.floor(now / 1000 / bucket) + 1) * bucket;
  return { from: new Date((end - bucket * buckets) * 1000), to: new Date(end * 1000), bucketSeconds: bucket };
}

export interface LastVerify {
  eventId: string;
  at: Date;
  ok: boolean;
  treeSize?: number;
  durationMs?: number;
  problems?: number;
}

export interface Overview {
  window: WindowName;
  range: StatsWindow;
  stats: OverviewStats;
  /** When the aggregates were computed (they are reused for STATS_TTL_MS). */
  computedAt: Date;
  checkpoint?: { size: number; createdAt: Date; root: string };
  lastVerify?: LastVerify;
}

/** How many teams, models and regions the breakdowns list. */
export const TOP = 10;

/**
 * How long an aggregate is reused. Over days of a busy log they read every call event in the
 * window (seconds on millions of events), so a page reloaded or opened by several auditors
 * at once shares one computation; the page says when its numbers were computed.
 */
export const STATS_TTL_MS = 30_000;
const memo = new WeakMap<object, Map<string, { until: number; at: number; value: Promise<unknown> }>>();

/** `compute()`'s result for `key`, reused for STATS_TTL_MS (per storage; concurrent callers share one run). */
export async function cachedStats<T>(deps: Deps, key: string, compute: () => Promise<T>): Promise<{ value: T; computedAt: Date }> {
  const now = deps.clock.now();
  let m = memo.get(deps.storage);
  if (!m) memo.set(deps.storage, (m = new Map()));
  for (const [k, v] of m) if (v.until <= now) m.delete(k);
  let hit = m.get(key);
  if (!hit) {
    const value = compute();
    hit = { until: now + STATS_TTL_MS, at: now, value };
    m.set(key, hit);
    value.catch(() => m.delete(key));
  }
  return { value: (await hit.value) as T, computedAt: new Date(hit.at) };
}

export async function overviewOf(deps: Deps, window: WindowName): Promise<Overview> {
  const range = statsWindow(window, deps.clock.now());
  const { value: stats, computedAt } = await cachedStats(deps, `overview:${window}:${range.from.getTime()}`, () => deps.storage.stats.overview(range, TOP));
  const cp = await deps.storage.audit.latestCheckpoint();
  const [verify] = await deps.storage.audit.search({ type: "audit.verify", limit: 1 });
  const o: Overview = { window, range, stats, computedAt };
  if (cp) o.checkpoint = { size: cp.size, createdAt: cp.createdAt, root: base64url(cp.root) };
  if (verify) {
    const v = decodeEntry(verify).verify as Record<string, unknown> | undefined;
    const n = (x: unknown) => (typeof x === "number" ? x : undefined);
    const last: LastVerify = { eventId: verify.eventId, at: verify.receivedAt, ok: v?.ok === true };
    if (n(v?.tree_size) !== undefined) last.treeSize = n(v?.tree_size)!;
    if (n(v?.duration_ms) !== undefined) last.durationMs = n(v?.duration_ms)!;
    if (n(v?.problems) !== undefined) last.problems = n(v?.problems)!;
    o.lastVerify = last;
  }
  return o;
}

const countsJson = (c: CallCounts) => ({ requests: c.requests, denials: c.denials, redactions: c.redactions, tokens_input: c.tokensInput, tokens_output: c.tokensOutput, tokens: c.tokensInput + c.tokensOutput });
const breakdownJson = (b: Breakdown) => ({ name: b.name, ...countsJson(b) });

export function overviewJson(o: Overview): Record<string, unknown> {
  const s = o.stats;
  return {
    window: o.window,
    from: rfc3339Millis(o.range.from.getTime()),
    to: rfc3339Millis(o.range.to.getTime()),
    bucket_seconds: o.range.bucketSeconds,
    computed_at: rfc3339Millis(o.computedAt.getTime()),
    totals: countsJson(s.totals),
    series: s.series.map((b) => ({ at: rfc3339Millis(b.at.getTime()), ...countsJson(b) })),
    by_team: s.byTeam.map(breakdownJson),
    by_model: s.byModel.map(breakdownJson),
    by_region: s.byRegion.map(breakdownJson),
    pii: s.pii,
    checkpoint: o.checkpoint ? { size: o.checkpoint.size, created_at: rfc3339Millis(o.checkpoint.createdAt.getTime()), root: o.checkpoint.root } : null,
    last_verify: o.lastVerify
      ? {
          event_id: o.lastVerify.eventId,
          at: rfc3339Millis(o.lastVerify.at.getTime()),
          ok: o.lastVerify.ok,
          ...(o.lastVerify.treeSize === undefined ? {} : { tree_size: o.lastVerify.treeSize }),
          ...(o.lastVerify.durationMs === undefined ? {} : { duration_ms: o.lastVerify.durationMs }),
          ...(o.lastVerify.problems === undefined ? {} : { problems: o.lastVerify.problems }),
        }
      : null,
  };
}

/** A `window` query parameter: absent means 24h; anything else but the three is a problem. */
export function windowParam(v: string | undefined): WindowName | CustosError {
  if (v === undefined || v === "") return "24h";
  return isWindowName(v) ? v : new CustosError("invalid_request", "window: one of 24h, 7d, 30d", { param: "window" });
}

type Env = AppEnv & { Variables: { principal: Principal } };

/** Mounted at /api/audit/stats. */
export function statsRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  app.use("*", async (c, next) => requireRole(c, ...METADATA_ROLES) ?? next());
  app.get("/", async (c) => {
    const w = windowParam(c.req.query("window"));
    if (w instanceof CustosError) return errorResponse("problem", w, c.get("requestId"));
    return c.json(overviewJson(await overviewOf(deps, w)));
  });
  return app;
}
