// /api/audit/retention (role auditor: what each month's fate would be) and the purge and
// content-key expiry themselves (role admin). The database's own functions decide; a month
// may go only when its records have all expired, no hold touches it and an anchored
// checkpoint covers it.
import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import { showPeriod } from "../../audit/retention.ts";
import { parseMonth, purgeMonths, purgeOneMonth, shredExpiredContent } from "../../compliance/purge.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { complianceCtx, operatorOf } from "../operator.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

const PurgeBody = z.object({ month: z.string().optional(), dry_run: z.boolean().default(false), by: z.string().max(100).optional() }).strict();

export function retentionRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = complianceCtx(deps);

  app.get("/retention", async (c) => {
    const denied = requireRole(c, "auditor");
    if (denied) return denied;
    const r = deps.policies.current.retention;
    const months = await purgeMonths(ctx, await operatorOf(deps, c.get("principal")), { dryRun: true });
    return c.json({
      classes: [...r.classes.values()].map((k) => ({ name: k.name, events: showPeriod(k.events), content: showPeriod(k.content), ...(k.description ? { description: k.description } : {}), ...(k.legalBasis ? { legal_basis: k.legalBasis } : {}), default: k.name === r.default, audit: k.name === r.audit })),
      months,
      purged: (await deps.storage.compliance.purged()).map((p) => ({ month: p.month.toISOString().slice(0, 7), events: p.events, first_index: p.firstIndex ?? null, last_index: p.lastIndex ?? null, purge_event: p.purgeEvent, purged_at: p.purgedAt.toISOString() })),
      schedule_hours: deps.config.server.compliance.retention_schedule_hours,
    });
  });

  app.post("/purge", async (c) => {
    const denied = requireRole(c, "admin");
    if (denied) return denied;
    const body = await jsonBody(c, PurgeBody, "{month?: YYYY-MM, dry_run?}", c.get("requestId"));
    if (!body.ok) return body.response;
    const who = await operatorOf(deps, c.get("principal"), body.value.by);
    if (body.value.month !== undefined) {
      const m = parseMonth(body.value.month);
      if (!m) return errorResponse("problem", new CustosError("invalid_request", "month: YYYY-MM, e.g. 2026-01.", { param: "month" }), c.get("requestId"));
      const r = await purgeOneMonth(ctx, who, m, body.value.dry_run);
      if (r instanceof CustosError) return errorResponse("problem", r, c.get("requestId"));
      return c.json({ months: [r] });
    }
    return c.json({ months: await purgeMonths(ctx, who, { dryRun: body.value.dry_run }) });
  });

  app.post("/shred", async (c) => {
    const denied = requireRole(c, "admin");
    if (denied) return denied;
    return c.json({ destroyed: await shredExpiredContent(ctx, await operatorOf(deps, c.get("principal"), c.req.query("by"))) });
  });
  return app;
}
