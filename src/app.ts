// createApp(deps): the HTTP surface. No environment, no I/O: the runtime entries build
// the deps and serve what this returns.
import { Hono } from "hono";
import type { Deps } from "./deps.ts";
import { CustosError, toCustosError } from "./errors/errors.ts";
import { errorResponse, shapeForPath } from "./errors/to-response.ts";
import type { AppEnv } from "./http/app-env.ts";
import { requestId } from "./http/middleware/request-id.ts";
import { healthRoutes } from "./http/routes/health.ts";
import { modelRoutes } from "./http/routes/models.ts";
import { proxyRoutes } from "./http/routes/proxy.ts";
import { adminKeyRoutes } from "./http/routes/admin-keys.ts";
import { adminSuspensionRoutes } from "./http/routes/admin-suspensions.ts";
import { auditRoutes } from "./http/routes/audit.ts";
import { auditExportRoutes } from "./http/routes/audit-export.ts";
import { savedSearchRoutes } from "./http/routes/saved-searches.ts";
import { policyRoutes } from "./http/routes/policy.ts";
import { statsRoutes } from "./http/routes/stats.ts";
import { auditVerifyRoutes } from "./http/routes/audit-verify.ts";
import { apiAuth } from "./http/middleware/api-auth.ts";
import { incidentRoutes } from "./http/routes/incidents.ts";
import { holdRoutes } from "./http/routes/holds.ts";
import { subjectRoutes } from "./http/routes/subjects.ts";
import { retentionRoutes } from "./http/routes/retention.ts";
import { revealRoutes } from "./http/routes/reveal.ts";
import { consoleRoutes } from "./console/routes.tsx";

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The proxied routes come first and make their own request id: their responses carry
  // it already, so they skip the middleware that adds it to everything else.
  app.route("/", proxyRoutes(deps));
  app.use(requestId(deps.newId));
  app.route("/", healthRoutes(deps));
  app.route("/", modelRoutes(deps));
  app.route("/", consoleRoutes(deps));
  app.use("/api/*", apiAuth(deps));
  app.route("/api/admin/keys", adminKeyRoutes(deps));
  app.route("/api/admin/suspensions", adminSuspensionRoutes(deps));
  // Before /api/audit: its own role check (auditor or auditor_content) answers first.
  app.route("/api/audit/stats", statsRoutes(deps));
  app.route("/api/audit/export", auditExportRoutes(deps));
  app.route("/api/audit/saved-searches", savedSearchRoutes(deps));
  app.route("/api/audit", retentionRoutes(deps));
  app.route("/api/audit", revealRoutes(deps));
  app.route("/api/audit", auditRoutes(deps));
  app.route("/api/policy", policyRoutes(deps));
  app.route("/api/incidents", incidentRoutes(deps));
  app.route("/api/holds", holdRoutes(deps));
  app.route("/api/subjects", subjectRoutes(deps));
  app.route("/api/audit", auditVerifyRoutes(deps));

  app.notFound((c) => {
    const e = new CustosError("not_found", `There is no ${c.req.method} ${c.req.path.slice(0, 200)} on this server.`);
    return errorResponse(shapeForPath(c.req.path), e, c.get("requestId"));
  });
  app.onError((e, c) => {
    const error = toCustosError(e);
    deps.logger.error({ reqId: c.get("requestId"), path: c.req.path, code: error.code, detail: error.detail }, "unhandled error");
    return errorResponse(shapeForPath(c.req.path), error, c.get("requestId"));
  });
  return app;
}
