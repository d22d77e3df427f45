// /api/incidents (role auditor): open an incident from audit events (with its evidence
// freeze), act on it, see its deadlines, and export its reports and evidence. The console
// and `custos incident` use these same routes and services.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import { holdView } from "../../compliance/holds.ts";
import { evidencePackage, incidentReport } from "../../incidents/evidence.ts";
import { renderReportHtml } from "../../incidents/report-html.ts";
import { actOnIncident, deadlinesOf, listIncidents, loadIncident, openIncident, type IncidentAction } from "../../incidents/service.ts";
import { nextDue } from "../../incidents/deadlines.ts";
import { AI_ACT_CASES, INCIDENT_STATUSES, REGIMES, type AiActCase, type IncidentStatus, type IncidentView, type Regime } from "../../incidents/types.ts";
import type { AppEnv } from "../app-env.ts";
import { jsonBody } from "../json-body.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { complianceCtx, operatorOf } from "../operator.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const regime = z.enum(REGIMES as [Regime, ...Regime[]]);
const aiCase = z.enum(AI_ACT_CASES as readonly AiActCase[] as [AiActCase, ...AiActCase[]]);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "an event id (UUID)");
const memberStates = z.array(z.string().regex(/^[A-Za-z]{2}$/, "an ISO 3166 alpha-2 code such as DE")).max(30);
const details = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "a field key"), z.string().max(10_000)).refine((d) => Object.keys(d).length <= 100, "at most 100 fields");

const OpenBody = z
  .object({
    title: z.string().min(1).max(300),
    description: z.string().max(20_000).default(""),
    regimes: z.array(regime).min(1),
    ai_act_case: aiCase.optional(),
    aware_at: time,
    classified_at: time.optional(),
    occurred_at: time.optional(),
    time_zone: z.string().max(64).optional(),
    team: z.string().max(64).optional(),
    ai_system_id: z.string().max(128).optional(),
    member_states: memberStates.optional(),
    event_ids: z.array(uuid).min(1).max(10_000),
    details: details.optional(),
    by: z.string().max(100).optional(),
  })
  .strict();

const ActionBody = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("status"), status: z.enum(INCIDENT_STATUSES as readonly IncidentStatus[] as [IncidentStatus, ...IncidentStatus[]]), by: z.string().optional() }).strict(),
  z.object({ kind: z.literal("note"), text: z.string().min(1).max(10_000), by: z.string().optional() }).strict(),
  z
    .object({
      kind: z.literal("update"),
      title: z.string().min(1).max(300).optional(),
      description: z.string().max(20_000).optional(),
      ai_act_case: aiCase.optional(),
      classified_at: time.optional(),
      occurred_at: time.optional(),
      member_states: memberStates.optional(),
      details: details.optional(),
      by: z.string().optional(),
    })
    .strict(),
  z.object({ kind: z.literal("link"), event_ids: z.array(uuid).min(1).max(10_000), by: z.string().optional() }).strict(),
  z.object({ kind: z.literal("submission"), regime, stage: z.enum(["report", "complete", "notification", "early_warning", "initial", "intermediate", "final"]), at: time.optional(), reference: z.string().max(200).optional(), by: z.string().optional() }).strict(),
  z.object({ kind: z.literal("provider_notified"), at: time.optional(), by: z.string().optional() }).strict(),
]);

/** An incident with what the API adds: its deadlines now, what is due next, its holds. */
export async function incidentJson(deps: Deps, i: IncidentView): Promise<Record<string, unknown>> {
  const deadlines = deadlinesOf(i, deps.clock.now());
  return { incident: i, deadlines, next_due: nextDue(deadlines) ?? null, overdue: deadlines.filter((d) => d.status === "overdue").length, holds: (await deps.storage.compliance.holds({ all: true, incidentId: i.id })).map(holdView) };
}

export function incidentRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = complianceCtx(deps);
  const problem = (c: Context<Env>, e: CustosError) => errorResponse("problem", e, c.get("requestId"));
  const reporter = () => deps.config.server.compliance.reporter;

  app.use("*", async (c, next) => requireRole(c, "auditor") ?? next());

  app.get("/", async (c) => {
    const now = deps.clock.now();
    const list = await listIncidents(ctx);
    return c.json({
      incidents: list.map((i) => {
        const d = deadlinesOf(i, now);
        return { id: i.id, title: i.title, status: i.status, regimes: i.regimes, aware_at: i.awareAt, opened_at: i.openedAt, events: i.eventIds.length, next_due: nextDue(d) ?? null, overdue: d.filter((x) => x.status === "overdue").length };
      }),
    });
  });

  app.post("/", async (c) => {
    const body = await jsonBody(c, OpenBody, "{title, regimes, aware_at, event_ids, …}", c.get("requestId"));
    if (!body.ok) return body.response;
    const b = body.value;
    const who = await operatorOf(deps, c.get("principal"), b.by);
    const r = await openIncident(
      { ...ctx, policy: deps.policies.current, configSha256: deps.config.sha256, defaultTimeZone: deps.config.server.compliance.incident_time_zone, ...(deps.checkpointNow ? { checkpointNow: deps.checkpointNow } : {}) },
      who,
      {
        title: b.title,
        description: b.description,
        regimes: b.regimes,
        awareAt: b.aware_at,
        eventIds: b.event_ids,
        ...(b.ai_act_case ? { aiActCase: b.ai_act_case } : {}),
        ...(b.classified_at ? { classifiedAt: b.classified_at } : {}),
        ...(b.occurred_at ? { occurredAt: b.occurred_at } : {}),
        ...(b.time_zone ? { timeZone: b.time_zone } : {}),
        ...(b.team ? { team: b.team } : {}),
        ...(b.ai_system_id ? { aiSystemId: b.ai_system_id } : {}),
        ...(b.member_states ? { memberStates: b.member_states } : {}),
        ...(b.details ? { details: b.details } : {}),
      },
    );
    if (!r.ok) return problem(c, r.error);
    return c.json(await incidentJson(deps, r.value), 201);
  });

  app.get("/:id", async (c) => {
    const i = await loadIncident(ctx, c.req.param("id"));
    if (!i) return problem(c, new CustosError("not_found", `There is no incident ${c.req.param("id").slice(0, 80)}.`));
    return c.json(await incidentJson(deps, i));
  });

  app.post("/:id/actions", async (c) => {
    const body = await jsonBody(c, ActionBody, "{kind: status|note|update|link|submission|provider_notified, …}", c.get("requestId"));
    if (!body.ok) return body.response;
    const b = body.value;
    const who = await operatorOf(deps, c.get("principal"), b.by);
    const now = new Date(deps.clock.now());
    let action: IncidentAction;
    switch (b.kind) {
      case "status":
        action = { kind: "status", status: b.status };
        break;
      case "note":
        action = { kind: "note", text: b.text };
        break;
      case "update":
        action = {
          kind: "update",
          fields: {
            ...(b.title !== undefined ? { title: b.title } : {}),
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.ai_act_case ? { aiActCase: b.ai_act_case } : {}),
            ...(b.classified_at ? { classifiedAt: b.classified_at } : {}),
            ...(b.occurred_at ? { occurredAt: b.occurred_at } : {}),
            ...(b.member_states ? { memberStates: b.member_states } : {}),
            ...(b.details ? { details: b.details } : {}),
          },
        };
        break;
      case "link":
        action = { kind: "link", eventIds: b.event_ids };
        break;
      case "submission":
        action = { kind: "submission", regime: b.regime, stage: b.stage, at: b.at ?? now, ...(b.reference ? { reference: b.reference } : {}) };
        break;
      case "provider_notified":
        action = { kind: "provider_notified", at: b.at ?? now };
        break;
    }
    const r = await actOnIncident(ctx, who, c.req.param("id"), action);
    if (!r.ok) return problem(c, r.error);
    return c.json(await incidentJson(deps, r.value), 201);
  });

  // One regime's report: JSON, or the printable page. Never cached: it is regenerated from the log.
  app.get("/:id/report", async (c) => {
    const i = await loadIncident(ctx, c.req.param("id"));
    if (!i) return problem(c, new CustosError("not_found", `There is no incident ${c.req.param("id").slice(0, 80)}.`));
    const r = regime.safeParse(c.req.query("regime") ?? i.regimes[0]);
    if (!r.success || !i.regimes.includes(r.data)) return problem(c, new CustosError("invalid_request", `regime: one of this incident's regimes (${i.regimes.join(", ")}).`, { param: "regime" }));
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "html") return problem(c, new CustosError("invalid_request", "format: json or html.", { param: "format" }));
    const report = await incidentReport({ store: deps.storage.audit, sha: deps.sha256, incident: i, deadlines: deadlinesOf(i, deps.clock.now()), reporter: reporter(), now: deps.clock.now() }, r.data);
    await actOnIncident(ctx, await operatorOf(deps, c.get("principal")), i.id, { kind: "report_exported", regime: r.data, format, complete: report.complete }).catch(() => undefined);
    c.header("cache-control", "no-store");
    if (format === "html") {
      // Standalone and printable: its own inline styles, no scripts, nothing loaded.
      c.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      return c.html(renderReportHtml(report));
    }
    return c.json(report);
  });

  // Every regime's report and the evidence (linked events with inclusion proofs, the checkpoint, the key) as one tar.
  app.get("/:id/evidence", async (c) => {
    const i = await loadIncident(ctx, c.req.param("id"));
    if (!i) return problem(c, new CustosError("not_found", `There is no incident ${c.req.param("id").slice(0, 80)}.`));
    const pkg = await evidencePackage({ store: deps.storage.audit, sha: deps.sha256, incident: i, deadlines: deadlinesOf(i, deps.clock.now()), reporter: reporter(), now: deps.clock.now(), ...(deps.logKey ? { logKey: deps.logKey } : {}) });
    const who = await operatorOf(deps, c.get("principal"));
    for (const rep of pkg.reports) await actOnIncident(ctx, who, i.id, { kind: "report_exported", regime: rep.regime as Regime, format: "evidence", complete: rep.complete }).catch(() => undefined);
    return new Response(pkg.tar as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/x-tar", "content-disposition": `attachment; filename="incident-${i.id}.tar"`, "cache-control": "no-store", "x-request-id": c.get("requestId") },
    });
  });
  return app;
}
