// /api/admin/keys: Custos API keys for services (role admin). The key itself is in
// the create response only; it is never stored or shown again.
import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import type { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { createKey, listKeys, revokeKey } from "../../identity/key-admin.ts";
import type { Principal } from "../../identity/principal.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";

const CreateBody = z.object({ team: z.string(), name: z.string(), expires_in_days: z.number().optional() }).strict();

export function adminKeyRoutes(deps: Deps): Hono<AppEnv & { Variables: { principal: Principal } }> {
  const app = new Hono<AppEnv & { Variables: { principal: Principal } }>();
  const problem = (e: CustosError, id: string) => errorResponse("problem", e, id);

  app.get("/", async (c) => requireRole(c, "admin") ?? c.json({ keys: await listKeys(deps.storage) }));

  app.post("/", async (c) => {
    const denied = requireRole(c, "admin");
    if (denied) return denied;
    const parsed = await jsonBody(c, CreateBody, "{team, name, expires_in_days?}", c.get("requestId"));
    if (!parsed.ok) return parsed.response;
    const p = c.get("principal");
    const actor = await actorOf(deps, p);
    const created = await createKey(
      deps.storage,
      deps.apiKeys.hash,
      { team: parsed.value.team, name: parsed.value.name, createdBy: `${p.issuerName}:${await deps.pseudonym(p.issuer, p.subject)}`, ...(parsed.value.expires_in_days === undefined ? {} : { expiresInDays: parsed.value.expires_in_days }) },
      { now: deps.clock.now(), newId: deps.newId, audit: deps.audit, actor },
    );
    if (!created.ok) return problem(created.error, c.get("requestId"));
    return c.json(created.value, 201);
  });

  app.delete("/:id", async (c) => {
    const denied = requireRole(c, "admin");
    if (denied) return denied;
    const r = await revokeKey(deps.storage, c.req.param("id"), deps.clock.now(), { audit: deps.audit, actor: await actorOf(deps, c.get("principal")) });
    return r.ok ? c.json(r.value) : problem(r.error, c.get("requestId"));
  });
  return app;
}

async function actorOf(deps: Deps, p: Principal): Promise<Record<string, unknown>> {
  return { subject: await deps.pseudonym(p.issuer, p.subject), iss: p.issuer, kind: p.kind, auth: { method: p.credential } };
}
