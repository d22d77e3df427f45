// /api/holds (role auditor): place, list and release legal holds. A release is a new row
// and a new audit event; nothing is ever updated.
import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import { holdView, placeHold, releaseHold } from "../../compliance/holds.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { complianceCtx, operatorOf } from "../operator.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const PlaceBody = z
  .object({
    reason: z.string().min(1).max(2000),
    team: z.string().min(1).max(64).optional(),
    subject: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "a pseudonym").optional(),
    from: time.optional(),
    to: time.optional(),
    event_ids: z.array(z.string()).max(10_000).optional(),
    incident_id: z.string().max(80).optional(),
    by: z.string().max(100).optional(),
  })
  .strict();
const ReleaseBody = z.object({ reason: z.string().min(1).max(2000), by: z.string().max(100).optional() }).strict();

export function holdRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = complianceCtx(deps);
  app.use("*", async (c, next) => requireRole(c, "auditor") ?? next());

  app.get("/", async (c) => {
    const all = c.req.query("all") === "1" || c.req.query("all") === "true";
    return c.json({ holds: (await deps.storage.compliance.holds({ all })).map(holdView) });
  });

  app.post("/", async (c) => {
    const body = await jsonBody(c, PlaceBody, "{reason, team?, subject?, from?, to?, event_ids?}", c.get("requestId"));
    if (!body.ok) return body.response;
    const b = body.value;
    if (b.incident_id !== undefined && !(await deps.storage.compliance.incident(b.incident_id)))
      return errorResponse("problem", new CustosError("not_found", `There is no incident ${b.incident_id}.`, { param: "incident_id" }), c.get("requestId"));
    const r = await placeHold(ctx, await operatorOf(deps, c.get("principal"), b.by), {
      reason: b.reason,
      ...(b.team !== undefined ? { team: b.team } : {}),
      ...(b.subject !== undefined ? { subject: b.subject } : {}),
      ...(b.from !== undefined ? { from: b.from } : {}),
      ...(b.to !== undefined ? { to: b.to } : {}),
      ...(b.event_ids !== undefined ? { eventIds: b.event_ids } : {}),
      ...(b.incident_id !== undefined ? { incidentId: b.incident_id } : {}),
    });
    return r.ok ? c.json({ hold: holdView(r.value) }, 201) : errorResponse("problem", r.error, c.get("requestId"));
  });

  app.get("/:id", async (c) => {
    const h = await deps.storage.compliance.hold(c.req.param("id"));
    return h ? c.json({ hold: holdView(h) }) : errorResponse("problem", new CustosError("not_found", `There is no legal hold ${c.req.param("id").slice(0, 80)}.`), c.get("requestId"));
  });

  app.post("/:id/release", async (c) => {
    const body = await jsonBody(c, ReleaseBody, "{reason}", c.get("requestId"));
    if (!body.ok) return body.response;
    const r = await releaseHold(ctx, await operatorOf(deps, c.get("principal"), body.value.by), c.req.param("id"), body.value.reason);
    return r.ok ? c.json({ hold: holdView(r.value) }) : errorResponse("problem", r.error, c.get("requestId"));
  });
  return app;
}
