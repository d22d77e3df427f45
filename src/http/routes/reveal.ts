// Content reveal (role auditor_content): decrypts a call's stored prompt or answer for the
// person asking, with a typed justification, and — when console.reveal_approval is
// second_person — only after another auditor_content approved their request. Every step is
// an audit event; the answer is never cached.
import { Hono } from "hono";
import type { Context, Next } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import type { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import { approveReveal, requestReveal, revealContent } from "../../compliance/reveal.ts";
import { justificationOf } from "../../compliance/subjects.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { complianceCtx, operatorOf } from "../operator.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

const RevealBody = z.object({ justification: z.string().max(2000), request_id: z.string().max(80).optional() }).strict();
const RequestBody = z.object({ event_id: z.string().max(40), justification: z.string().max(2000) }).strict();

const requestView = (r: { id: string; eventId: string; requestedBy: string; justification: string; requestedAt: Date; approval?: { by: string; at: Date } }) => ({
  id: r.id,
  event_id: r.eventId,
  requested_by: r.requestedBy,
  justification: r.justification,
  requested_at: r.requestedAt.toISOString(),
  ...(r.approval ? { approved_by: r.approval.by, approved_at: r.approval.at.toISOString() } : {}),
});

export function revealRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = complianceCtx(deps);
  // Per route, not app.use("*"): mounted under /api/audit, a wildcard would guard every audit route.
  const guard = async (c: Context<Env>, next: Next) => {
    c.header("cache-control", "no-store");
    return requireRole(c, "auditor_content") ?? next();
  };
  app.use("/events/:id/reveal", guard);
  app.use("/reveal-requests", guard);
  app.use("/reveal-requests/*", guard);
  const problem = (e: CustosError, id: string) => errorResponse("problem", e, id);

  app.post("/events/:id/reveal", async (c) => {
    const body = await jsonBody(c, RevealBody, "{justification, request_id?}", c.get("requestId"));
    if (!body.ok) return body.response;
    const why = justificationOf(body.value.justification);
    if (!why.ok) return problem(why.error, c.get("requestId"));
    const r = await revealContent(ctx, deps.sealer, await operatorOf(deps, c.get("principal")), c.req.param("id"), why.value, {
      approval: deps.config.server.console.reveal_approval,
      ...(body.value.request_id ? { requestId: body.value.request_id } : {}),
    });
    if (!r.ok) return problem(r.error, c.get("requestId"));
    return c.json({ event_id: c.req.param("id"), parts: r.value });
  });

  app.get("/reveal-requests", async (c) => c.json({ approval: deps.config.server.console.reveal_approval, requests: (await deps.storage.compliance.pendingRevealRequests()).map(requestView) }));

  app.post("/reveal-requests", async (c) => {
    const body = await jsonBody(c, RequestBody, "{event_id, justification}", c.get("requestId"));
    if (!body.ok) return body.response;
    const why = justificationOf(body.value.justification);
    if (!why.ok) return problem(why.error, c.get("requestId"));
    const r = await requestReveal(ctx, await operatorOf(deps, c.get("principal")), body.value.event_id, why.value);
    return r.ok ? c.json({ request: requestView(r.value) }, 201) : problem(r.error, c.get("requestId"));
  });

  app.post("/reveal-requests/:id/approve", async (c) => {
    const r = await approveReveal(ctx, await operatorOf(deps, c.get("principal")), c.req.param("id"));
    return r.ok ? c.json({ request: requestView(r.value) }) : problem(r.error, c.get("requestId"));
  });
  return app;
}
