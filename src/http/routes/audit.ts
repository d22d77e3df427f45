// /api/audit (role auditor): search the log, one event with its proof, one call's events,
// checkpoints and consistency proofs. Entries hold no prompt text (only sizes, hashes or
// commitments); every read here is itself an audit event (the /api middleware writes it).
import { Hono, type Context } from "hono";
import { z } from "zod";
import { base64url } from "../../crypto/hashing.ts";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { eventProof, proofJson, tlogProofText } from "../../audit/proof-file.ts";
import { consistencyFromStore } from "../../audit/proofs.ts";
import { decodeEntry, summarize } from "../../audit/summary.ts";
import type { AuditEventRow, CheckpointRow } from "../../storage/audit-types.ts";
import type { Principal } from "../../identity/principal.ts";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { issueMessage, searchFilters, SearchQuery, UUID } from "../../console/search-form.ts";
import { serverInclusionCheck } from "../../console/server-proof-check.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

// The search's parameters are shared with the console's search page and the export.
/** A count goes no further: past it the answer is "more than COUNT_CAP" (an exact count of millions would scan millions). */
const COUNT_CAP = 10_000;

const Count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** An event as the API shows it: the decoded entry and where it sits in the log. */
function eventView(e: AuditEventRow): Record<string, unknown> {
  return { event_id: e.eventId, type: e.type, received_at: rfc3339Millis(e.receivedAt), leaf: base64url(e.leafHash), entry: decodeEntry(e) };
}

const checkpointView = (c: CheckpointRow) => ({ size: c.size, root: base64url(c.root), note: c.note, jws: c.jws, created_at: rfc3339Millis(c.createdAt), ...(c.prevSize === undefined ? {} : { prev_size: c.prevSize, consistency: c.consistency.map(base64url) }) });

export function auditRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const store = () => deps.storage.audit;
  const sha = deps.sha256;
  const problem = (c: Context<Env>, e: CustosError) => errorResponse("problem", e, c.get("requestId"));
  const bad = (c: Context<Env>, issues: z.core.$ZodIssue[]) => {
    const i = issueMessage(issues);
    return problem(c, new CustosError("invalid_request", i.message, { param: i.param }));
  };
  app.use("*", async (c, next) => requireRole(c, "auditor") ?? next());

  app.get("/events", async (c) => {
    const q = SearchQuery.safeParse(c.req.query());
    if (!q.success) return bad(c, q.error.issues);
    const { limit, before, count } = q.data;
    const filters = searchFilters(q.data);
    // One more than a page: whether there is a next page, without a count.
    const rows = await store().search({ ...filters, ...(before === undefined ? {} : { before: before.toLowerCase() }), limit: limit + 1 });
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const n = count === "true" ? await store().searchCount(filters, COUNT_CAP) : undefined;
    return c.json({
      events: page.map(eventView),
      has_more: hasMore,
      ...(hasMore ? { next_before: page.at(-1)!.eventId } : {}),
      ...(n === undefined ? {} : { count: Math.min(n, COUNT_CAP), count_capped: n > COUNT_CAP }),
    });
  });

  app.get("/events/:id", async (c) => {
    const id = UUID.safeParse(c.req.param("id"));
    if (!id.success) return bad(c, id.error.issues);
    const e = await store().event(id.data.toLowerCase());
    if (!e) return problem(c, new CustosError("not_found", "There is no audit event with that id."));
    const p = await eventProof(store(), sha, e.eventId);
    // The stored bytes (what the leaf hashes) and the log's key, for checking the proof in a browser.
    const key = deps.logKey ? { log_key: { origin: deps.logKey.origin, public_jwk: deps.logKey.publicJwk } } : {};
    return c.json({ event: eventView(e), entry_b64url: base64url(e.entry), ...key, ...(typeof p === "string" ? { proof_pending: p } : { log_index: p.logIndex, proof: proofJson(p), tlog_proof: tlogProofText(p) }) });
  });

  // The same check as the console's in-browser one, done here: for browsers without Web Crypto.
  app.get("/events/:id/proof-check", async (c) => {
    const id = UUID.safeParse(c.req.param("id"));
    if (!id.success) return bad(c, id.error.issues);
    const e = await store().event(id.data.toLowerCase());
    if (!e) return problem(c, new CustosError("not_found", "There is no audit event with that id."));
    const p = await eventProof(store(), sha, e.eventId);
    if (typeof p === "string") return c.json({ event_id: e.eventId, proof_pending: p });
    return c.json({ event_id: e.eventId, log_index: p.logIndex, tree_size: p.treeSize, ...(await serverInclusionCheck(sha, p, e.entry, deps.logKey)) });
  });

  app.get("/requests/:id", async (c) => {
    const id = UUID.safeParse(c.req.param("id"));
    if (!id.success) return bad(c, id.error.issues);
    const events = await store().eventsOfRequest(id.data.toLowerCase());
    const summary = summarize(id.data.toLowerCase(), events);
    if (!summary) return problem(c, new CustosError("not_found", "No audit events carry that request id."));
    return c.json({ summary, events: events.map(eventView) });
  });

  app.get("/checkpoint", async (c) => {
    const cp = await store().latestCheckpoint();
    if (!cp) return problem(c, new CustosError("not_found", "The log has no checkpoint yet."));
    return c.json(checkpointView(cp), 200, { "cache-control": "no-cache" });
  });

  // On demand (before an incident report or an export): integrate what is queued and sign.
  app.post("/checkpoint", async (c) => {
    if (!deps.checkpointNow) return problem(c, new CustosError("unavailable", "This server does not integrate the log (audit.integrate is false); run `custos audit integrate --once` where the signer runs."));
    const cp = await deps.checkpointNow();
    if (!cp) return problem(c, new CustosError("not_found", "The log is empty: there is nothing to sign yet."));
    return c.json(checkpointView(cp), 201);
  });

  app.get("/checkpoints", async (c) => {
    const from = Count.default(0).safeParse(c.req.query("from_size"));
    const to = Count.default(Number.MAX_SAFE_INTEGER).safeParse(c.req.query("to_size"));
    if (!from.success) return bad(c, from.error.issues);
    if (!to.success) return bad(c, to.error.issues);
    const cps = await store().checkpoints(from.data, to.data, 1000);
    return c.json({ checkpoints: cps.map(checkpointView), ...(cps.length === 1000 ? { next_from_size: cps.at(-1)!.size + 1 } : {}) });
  });

  app.get("/consistency", async (c) => {
    const m = Count.safeParse(c.req.query("from_size"));
    const n = Count.safeParse(c.req.query("to_size"));
    if (!m.success) return bad(c, m.error.issues);
    if (!n.success) return bad(c, n.error.issues);
    const size = (await store().treeState()).size;
    if (m.data > n.data || n.data > size) return problem(c, new CustosError("invalid_request", `from_size and to_size must satisfy 0 ≤ from_size ≤ to_size ≤ ${size} (the tree's size).`, { param: "to_size" }));
    const hashes = await consistencyFromStore(store(), sha, m.data, n.data);
    return c.json({ from_size: m.data, to_size: n.data, hashes: hashes.map(base64url) });
  });
  return app;
}
