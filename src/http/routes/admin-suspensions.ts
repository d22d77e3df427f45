// /api/admin/suspensions: the kill switch over HTTP (role admin), for the console and for
// the CLI when the server holds the embedded database. Routing sees a change within 5 s.
import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import type { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import { checkTarget, listSuspensions, resumeTarget, suspendTarget } from "../../routing/suspension-admin.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { operatorOf } from "../operator.ts";

// `by`: the operator the CLI names (--by or the OS user); recorded next to the authenticated actor.
const SuspendBody = z.object({ kind: z.string(), name: z.string(), reason: z.string().optional(), by: z.string().optional() }).strict();

type Env = AppEnv & { Variables: { principal: Principal } };

export function adminSuspensionRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const problem = (e: CustosError, id: string) => errorResponse("problem", e, id);

  app.get("/", async (c) => requireRole(c, "admin") ?? c.json({ suspensions: await listSuspensions(deps.storage) }));

  app.post("/", async (c) => {
    const denied = requireRole(c, "admin");
    if (denied) return denied;
    const parsed = await jsonBody(c, SuspendBody, "{kind, name, reason?, by?}", c.get("requestId"));
    if (!parsed.ok) return parsed.response;
    const who = await operatorOf(deps, c.get("principal"), parsed.value.by);
    const target = checkTarget(parsed.value.kind, parsed.value.name);
    if (!target.ok) return problem(target.error, c.get("requestId"));
    const r = await suspendTarget(
      deps.storage,
      { ...target.value, by: who.by, ...(parsed.value.reason === undefined ? {} : { reason: parsed.value.reason }) },
      { now: deps.clock.now(), audit: deps.audit, actor: who.actor },
    );
    if (!r.ok) return problem(r.error, c.get("requestId"));
    return c.json({ created: r.value.created, suspension: r.value.record }, r.value.created ? 201 : 200);
  });

  // The name is one path segment, percent-encoded (model names may hold '/').
  app.delete("/:kind/:name", async (c) => {
    const denied = requireRole(c, "admin");
    if (denied) return denied;
    const target = checkTarget(c.req.param("kind"), c.req.param("name"));
    if (!target.ok) return problem(target.error, c.get("requestId"));
    const by = c.req.query("by");
    const who = await operatorOf(deps, c.get("principal"), by);
    const r = await resumeTarget(deps.storage, { ...target.value, by: who.by }, { now: deps.clock.now(), audit: deps.audit, actor: who.actor });
    return r.ok ? c.json({ resumed: r.value }) : problem(r.error, c.get("requestId"));
  });
  return app;
}

