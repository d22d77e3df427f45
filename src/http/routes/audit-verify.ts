// /api/audit/verify and /api/audit/history (role auditor): the console's Integrity view as
// JSON. POST /verify runs the same database verification as `custos audit verify`
// (src/audit/verify-database.ts: export the log, check the bundle against the server's pinned
// key and outside anchor) and streams its progress as NDJSON, one object per line:
//   {"progress":{"phase":"export"|"verify","done":N,"total":M}} … then
//   {"result":{"ok":…,"status":…,"tree_size":…,"duration_ms":…,"checks":[{name,ok,outcome,detail}],"problems":N,"first"?:…,"findings":N}}
// or {"error":{"code":…,"message":…}}. One verify at a time per server (409 conflict
// otherwise); each run ends in an audit.verify event. GET /history pages the checkpoints newest
// first with where each was anchored outside the database.
// Web standards only (a streamed Response works on Node and on Workers).
import { Hono, type Context } from "hono";
import { decodeProtectedHeader } from "jose";
import { z } from "zod";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { tamperedResult, verifyDatabase, type VerifyPhase } from "../../audit/verify-database.ts";
import type { VerifyResult } from "../../audit/verify-bundle.ts";
import { base64url } from "../../crypto/hashing.ts";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import type { CheckpointRow } from "../../storage/audit-types.ts";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../middleware/api-auth.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

/** The final line of a verify stream. */
export interface VerifySummary {
  ok: boolean;
  status: VerifyResult["status"];
  tree_size: number;
  duration_ms: number;
  checks: { name: string; ok: boolean; outcome: string; detail: string }[];
  /** Checks that failed or lacked input. */
  problems: number;
  first?: { check: string; why: string; log_index?: number; event_id?: string; checkpoint_size?: number };
  /** Findings (not integrity failures: requests with no recorded end, writers still running). */
  findings: number;
  /** Problems reading the anchor (malformed lines). */
  warnings: string[];
}

export interface CheckpointHistoryRow {
  size: number;
  created_at: string;
  root: string;
  /** The signing key's id, from the checkpoint JWS's header. */
  kid: string;
  prev_size?: number;
  /** The stored consistency proof from prev_size to size (base64url). */
  consistency?: string[];
  anchors: { kind: string; ref: string; anchored_at: string }[];
}

export interface CheckpointHistory {
  checkpoints: CheckpointHistoryRow[];
  next_before_size?: number;
  /** Whether the newest checkpoint is anchored outside the database (undefined: no checkpoint). */
  latest_anchored?: boolean;
  /** When the newest checkpoint was signed (it is anchored just after). */
  latest_signed_at?: string;
  counts: { checkpoints: number; anchored: number };
}

const kidOf = (jws: string): string => {
  try {
    const kid = decodeProtectedHeader(jws).kid;
    return typeof kid === "string" ? kid.slice(0, 100) : "(none)";
  } catch {
    return "(not a JWS)";
  }
};

/** One page of checkpoints, newest first, with their anchors (the page and the API show the same). */
export async function checkpointHistory(deps: Deps, beforeSize: number | undefined, limit: number): Promise<CheckpointHistory> {
  const integrity = deps.storage.integrity;
  const rows: CheckpointRow[] = await integrity.recentCheckpoints(beforeSize, limit + 1);
  const page = rows.slice(0, limit);
  const [anchors, counts, latest] = await Promise.all([integrity.anchorsOf(page.map((c) => c.size)), integrity.anchorCounts(), deps.storage.audit.latestCheckpoint()]);
  const latestAnchors = latest === undefined ? [] : page[0]?.size === latest.size ? anchors.filter((a) => a.size === latest.size) : await integrity.anchorsOf([latest.size]);
  return {
    checkpoints: page.map((c) => ({
      size: c.size,
      created_at: rfc3339Millis(c.createdAt),
      root: base64url(c.root),
      kid: kidOf(c.jws),
      ...(c.prevSize === undefined ? {} : { prev_size: c.prevSize, consistency: c.consistency.map(base64url) }),
      anchors: anchors.filter((a) => a.size === c.size).map((a) => ({ kind: a.kind, ref: a.ref, anchored_at: rfc3339Millis(a.anchoredAt) })),
    })),
    ...(rows.length > limit ? { next_before_size: page.at(-1)!.size } : {}),
    ...(latest === undefined ? {} : { latest_anchored: latestAnchors.length > 0, latest_signed_at: rfc3339Millis(latest.createdAt) }),
    counts,
  };
}

function summary(r: VerifyResult, durationMs: number, warnings: string[]): VerifySummary {
  const f = r.first;
  return {
    ok: r.status === "intact",
    status: r.status,
    tree_size: r.bundle?.treeSize ?? 0,
    duration_ms: durationMs,
    checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, outcome: c.outcome, detail: c.detail })),
    problems: r.checks.filter((c) => c.outcome === "fail" || c.outcome === "missing").length,
    ...(f
      ? { first: { check: f.check, why: f.why, ...(f.logIndex === undefined ? {} : { log_index: f.logIndex }), ...(f.eventId === undefined ? {} : { event_id: f.eventId }), ...(f.checkpointSize === undefined ? {} : { checkpoint_size: f.checkpointSize }) } }
      : {}),
    findings: Object.values(r.findingCounts).reduce((s, n) => s + n, 0),
    warnings,
  };
}

const BeforeSize = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional();
const Limit = z.coerce.number().int().min(1).max(200).default(20);

export function auditVerifyRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const problem = (c: Context<Env>, e: CustosError) => errorResponse("problem", e, c.get("requestId"));
  /** The verify running in this server, if any. */
  let running = false;
  app.use("*", async (c, next) => requireRole(c, "auditor") ?? next());

  app.get("/history", async (c) => {
    const before = BeforeSize.safeParse(c.req.query("before_size"));
    const limit = Limit.safeParse(c.req.query("limit"));
    if (!before.success) return problem(c, new CustosError("invalid_request", "before_size: a checkpoint size (a positive integer)", { param: "before_size" }));
    if (!limit.success) return problem(c, new CustosError("invalid_request", "limit: an integer from 1 to 200", { param: "limit" }));
    return c.json(await checkpointHistory(deps, before.data, limit.data));
  });

  app.post("/verify", async (c) => {
    const lv = deps.logVerification;
    if (!lv) return problem(c, new CustosError("unavailable", "This server does not sign the log, so it holds no trust to verify it against; run `custos audit verify --trust FILE` where the signer runs."));
    if (running) return problem(c, new CustosError("conflict", "A verification is already running on this server; wait for it to finish."));
    running = true;
    const p = c.get("principal");
    const actor = { subject: await deps.pseudonym(p.issuer, p.subject), iss: p.issuer, kind: p.kind, auth: { method: p.credential } };
    const started = deps.clock.monotonic();
    const enc = new TextEncoder();
    let open = true;
    let send: (line: unknown) => void = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (line) => {
          if (!open) return;
          try {
            controller.enqueue(enc.encode(`${JSON.stringify(line)}\n`));
          } catch {
            open = false; // the caller went away; the verification still finishes and is recorded
          }
        };
        const finish = () => {
          if (!open) return;
          open = false;
          try {
            controller.close();
          } catch {
            // already closed by a cancel
          }
        };
        const work = run(send).finally(() => {
          running = false;
          finish();
        });
        deps.defer(work);
      },
      cancel() {
        open = false;
      },
    });

    async function run(out: (line: unknown) => void): Promise<void> {
      let last = 0;
      let lastPhase: VerifyPhase | undefined;
      const progress = (phase: VerifyPhase, done: number, total: number) => {
        const now = deps.clock.monotonic();
        // At most every 100 ms, but always the start and end of a phase.
        if (phase === lastPhase && done !== total && done !== 0 && now - last < 100) return;
        last = now;
        lastPhase = phase;
        out({ progress: { phase, done, total } });
      };
      let verify: { ok: boolean; tree_size: number; duration_ms: number; problems: number };
      try {
        // Where this server signs, sign what is logged until now first, so the run covers it
        // (and a log younger than the checkpoint interval can be verified at all).
        if (deps.checkpointNow) await deps.checkpointNow().catch((e: unknown) => deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "verify: could not sign a checkpoint first; verifying up to the latest one"));
        out({ progress: { phase: "export", done: 0, total: (await deps.storage.audit.latestCheckpoint())?.size ?? 0 } });
        const t = await lv!.trust();
        if (typeof t === "string") throw new CustosError("unavailable", `Cannot verify: ${t}.`);
        const r = await verifyDatabase(deps.storage.audit, { trust: t.trust, sha: deps.sha256, scratch: () => lv!.scratch(), now: () => deps.clock.now(), progress });
        const ms = Math.round(deps.clock.monotonic() - started);
        if (r.kind === "unverifiable") {
          out({ error: { code: "unavailable", message: r.message } });
          verify = { ok: false, tree_size: 0, duration_ms: ms, problems: 1 };
        } else {
          const result = r.kind === "checked" ? r.result : tamperedResult(r.first);
          const s = summary(result, ms, t.problems);
          if (r.kind === "tampered") s.tree_size = (await deps.storage.audit.latestCheckpoint())?.size ?? 0;
          out({ result: s });
          verify = { ok: s.ok, tree_size: s.tree_size, duration_ms: ms, problems: s.problems };
        }
      } catch (e) {
        const message = e instanceof CustosError ? e.message : "The verification failed with an internal error; the server's log has the details.";
        if (!(e instanceof CustosError)) deps.logger.error({ err: e instanceof Error ? e.message : String(e) }, "console verify failed");
        out({ error: { code: e instanceof CustosError ? e.code : "internal_error", message } });
        verify = { ok: false, tree_size: 0, duration_ms: Math.round(deps.clock.monotonic() - started), problems: 1 };
      }
      const event = deps.audit.emit({ type: "audit.verify", fields: { actor, verify } }, { urgent: true });
      await event.committed.catch(() => {});
    }

    return new Response(stream, { status: 200, headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-request-id": c.get("requestId") } });
  });
  return app;
}
