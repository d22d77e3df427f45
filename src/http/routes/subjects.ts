// /api/subjects (role auditor_content): data-subject requests. A person's events through the
// pseudonym mapping (GDPR Art. 15), and erasure by destroying their content keys and mapping
// (Art. 17), refused while a legal hold covers them. Each needs a typed justification and is
// an audit event of its own.
import { Hono } from "hono";
import { z } from "zod";
import { DEV_ISSUER } from "../../config/identity.ts";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import { eraseSubject, findSubject, justificationOf } from "../../compliance/subjects.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { complianceCtx, operatorOf } from "../operator.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

const LookupBody = z
  .object({ email: z.string().min(3).max(320).optional(), sub: z.string().min(1).max(512).optional(), iss: z.string().min(1).max(512).optional(), justification: z.string().max(2000), by: z.string().max(100).optional() })
  .strict()
  .refine((b) => (b.email === undefined) !== (b.sub === undefined), { message: "give exactly one of email and sub", path: ["email"] });
const EraseBody = z.object({ justification: z.string().max(2000), by: z.string().max(100).optional() }).strict();

/** The issuers a subject id is looked up under: the one named, else every issuer this server trusts. */
export const issuersOf = (deps: Deps, iss?: string): string[] => (iss ? [iss] : [DEV_ISSUER, "custos", ...deps.config.identity.issuers.map((i) => i.issuer)]);

export function subjectRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = complianceCtx(deps);
  app.use("*", async (c, next) => requireRole(c, "auditor_content") ?? next());
  const problem = (e: CustosError, id: string) => errorResponse("problem", e, id);

  app.post("/lookup", async (c) => {
    const body = await jsonBody(c, LookupBody, "{email | sub, iss?, justification}", c.get("requestId"));
    if (!body.ok) return body.response;
    const b = body.value;
    const why = justificationOf(b.justification);
    if (!why.ok) return problem(why.error, c.get("requestId"));
    if (!deps.subjectLookup) return problem(new CustosError("unavailable", "This server cannot look subjects up (no key for the pseudonym mapping)."), c.get("requestId"));
    const found = await findSubject(ctx, deps.subjectLookup, await operatorOf(deps, c.get("principal"), b.by), { ...(b.email ? { email: b.email } : {}), ...(b.sub ? { sub: b.sub } : {}), issuers: issuersOf(deps, b.iss) }, why.value);
    c.header("cache-control", "no-store");
    // The holds covering each person: what an erasure would be refused for.
    const subjects = [];
    for (const f of found) subjects.push({ via: f.via, pseudonym: f.pseudonym, events: f.events, more: f.more, holds: await deps.storage.compliance.holdsOnSubject(f.pseudonym), calls: f.calls });
    return c.json({ subjects });
  });

  app.get("/:pseudonym/holds", async (c) => c.json({ holds: await deps.storage.compliance.holdsOnSubject(c.req.param("pseudonym")) }));

  app.post("/:pseudonym/erase", async (c) => {
    const body = await jsonBody(c, EraseBody, "{justification}", c.get("requestId"));
    if (!body.ok) return body.response;
    const why = justificationOf(body.value.justification);
    if (!why.ok) return problem(why.error, c.get("requestId"));
    const r = await eraseSubject(ctx, await operatorOf(deps, c.get("principal"), body.value.by), c.req.param("pseudonym"), why.value);
    if (!r.ok) return problem(r.error, c.get("requestId"));
    return c.json({ erased: { pseudonym: r.value.pseudonym, keys_destroyed: r.value.keysDestroyed, mapping_destroyed: true } });
  });
  return app;
}
