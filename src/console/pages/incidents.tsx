// /console/incidents (role auditor): the incident list with each one's next deadline, the
// form that opens one from audit events (prefilled from ?event=ID, which the event page
// links), and /console/incidents/:id with its deadlines, evidence freeze, holds, timeline and
// action forms. Forms call the same services as /api/incidents (src/incidents/service.ts),
// so each change is the same audit event with the console user as the actor.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import type { CustosError } from "../../errors/errors.ts";
import { complianceCtx, operatorOf } from "../../http/operator.ts";
import { nextDue } from "../../incidents/deadlines.ts";
import { actOnIncident, deadlinesOf, listIncidents, loadIncident, openIncident } from "../../incidents/service.ts";
import type { IncidentView } from "../../incidents/types.ts";
import { Page, Refusal, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { sessionPrincipal } from "../session.ts";
import { ActionForms, ReportLinks } from "./incidents-actions.tsx";
import { DeadlineTable, FreezeCard, HoldsCard, NextDue, Timeline, utc } from "./incidents-detail.tsx";
import { formValues, parseAction, parseOpen, type FormValues } from "./incidents-form.ts";
import { OpenForm } from "./incidents-open.tsx";

type Flash = { kind: "ok" | "error"; text: string };

/** What a finished form says on the page it redirects to (fixed texts: nothing from the form is reflected). */
const DONE: Record<string, string> = {
  opened: "Incident opened. The linked events are under a legal hold, and the evidence freeze below records the policy, configuration and checkpoint.",
  status: "Status changed.",
  note: "Note added.",
  submission: "Submission recorded; the deadlines below count it.",
  "provider-notified": "Provider notification recorded.",
  link: "Events linked and placed under a legal hold.",
  update: "Details saved.",
};
const ID = /^inc_[A-Za-z0-9_-]{1,64}$/;

function FlashLine(props: { flash: Flash | undefined }) {
  if (!props.flash) return null;
  return (
    <p class={`flash ${props.flash.kind === "ok" ? "ok" : "bad"}`} id="flash">
      {props.flash.text}
    </p>
  );
}

export function incidentsPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const ctx = complianceCtx(deps);
  const who = (c: Context<ConsoleEnv>) => operatorOf(deps, sessionPrincipal(c.get("session")));
  const form = async (c: Context<ConsoleEnv>) => formValues(await c.req.parseBody({ all: true }).catch(() => ({})));
  const statusOf = (e: CustosError) => (e.status === 404 ? 404 : e.status === 409 ? 409 : 400);

  async function renderList(c: Context<ConsoleEnv>, flash?: Flash, values?: FormValues, status: 200 | 400 | 404 | 409 = 200) {
    const now = deps.clock.now();
    const list = await listIncidents(ctx);
    const rows = list.map((i) => {
      const d = deadlinesOf(i, now);
      return { i, next: nextDue(d), overdue: d.filter((x) => x.status === "overdue").length };
    });
    const prefill = values ?? { event_ids: c.req.queries("event")?.join("\n") ?? "" };
    return c.html(
      <Page title="Incidents" active="incidents" session={c.get("session")}>
        <h1>Incidents</h1>
        <FlashLine flash={flash} />
        <div class="card">
          <table id="incidents">
            <thead>
              <tr>
                <th>Title</th>
                <th>Status</th>
                <th>Regimes</th>
                <th>Aware at (UTC)</th>
                <th>Next deadline</th>
                <th class="num">Overdue</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-id={r.i.id} class={r.overdue > 0 ? "has-overdue" : undefined}>
                  <td>
                    <a href={`/console/incidents/${r.i.id}`}>{r.i.title}</a>
                    <div class="mono small muted">{r.i.id}</div>
                  </td>
                  <td>
                    <span class="badge">{r.i.status}</span>
                  </td>
                  <td class="mono small">{r.i.regimes.join(", ")}</td>
                  <td class="mono">{utc(r.i.awareAt)}</td>
                  <td>
                    <NextDue d={r.next} zone={r.i.timeZone} now={now} />
                  </td>
                  <td class={r.overdue > 0 ? "num bad overdue-count" : "num overdue-count"}>{String(r.overdue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <p id="no-incidents">No incidents yet.</p> : null}
        </div>
        <OpenForm csrf={c.get("session").csrf} values={prefill} defaultZone={deps.config.server.compliance.incident_time_zone} now={now} />
      </Page>,
      status,
    );
  }

  async function renderIncident(c: Context<ConsoleEnv>, i: IncidentView, flash?: Flash, status: 200 | 400 | 404 | 409 = 200) {
    const now = deps.clock.now();
    const deadlines = deadlinesOf(i, now);
    const overdue = deadlines.filter((d) => d.status === "overdue").length;
    const holds = await deps.storage.compliance.holds({ all: true, incidentId: i.id });
    return c.html(
      <Page title={`Incident ${i.title}`} active="incidents" session={c.get("session")}>
        <p>
          <a href="/console/incidents">← Incidents</a>
        </p>
        <h1 id="incident-title">{i.title}</h1>
        <FlashLine flash={flash} />
        <div class="card">
          <dl class="fields" id="summary">
            <dt>Incident</dt>
            <dd class="mono">{i.id}</dd>
            <dt>Status</dt>
            <dd>
              <span class="badge" id="incident-status">
                {i.status}
              </span>
            </dd>
            <dt>Regimes</dt>
            <dd class="mono" id="incident-regimes">
              {i.regimes.join(", ")}
              {i.aiActCase ? ` (AI Act case: ${i.aiActCase})` : ""}
            </dd>
            <dt>Description</dt>
            <dd class="text" id="incident-description">
              {i.description}
            </dd>
            <dt>Aware at</dt>
            <dd>
              {utc(i.awareAt)} <span class="muted">(time zone {i.timeZone})</span>
            </dd>
            {i.classifiedAt ? (
              <>
                <dt>Classified at</dt>
                <dd>{utc(i.classifiedAt)}</dd>
              </>
            ) : null}
            {i.occurredAt ? (
              <>
                <dt>Occurred at</dt>
                <dd>{utc(i.occurredAt)}</dd>
              </>
            ) : null}
            <dt>Team</dt>
            <dd id="incident-team">{i.team ?? ""}</dd>
            <dt>Member states</dt>
            <dd>{i.memberStates.join(", ")}</dd>
            <dt>Opened</dt>
            <dd>
              {utc(i.openedAt)} <span class="mono muted">{i.openedBy}</span>
            </dd>
          </dl>
        </div>
        <div class="card">
          <h2>Deadlines</h2>
          <p id="next-due">
            Next: <NextDue d={nextDue(deadlines)} zone={i.timeZone} now={now} />
            {overdue > 0 ? <strong class="bad" id="overdue-count">{` · ${overdue} overdue`}</strong> : null}
          </p>
          <DeadlineTable i={i} deadlines={deadlines} now={now} />
        </div>
        <ReportLinks i={i} />
        <ActionForms i={i} csrf={c.get("session").csrf} />
        <Timeline i={i} />
        <FreezeCard i={i} />
        <HoldsCard holds={holds} />
      </Page>,
      status,
    );
  }

  const notFound = (c: Context<ConsoleEnv>) => c.html(<Refusal title="No such incident" message="There is no incident with that id." session={c.get("session")} />, 404);

  app.get("/incidents", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    return renderList(c);
  });

  app.post("/incidents", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const f = await form(c);
    const input = parseOpen(f);
    if (!input.ok) return renderList(c, { kind: "error", text: input.error.message }, f, 400);
    const r = await openIncident(
      { ...ctx, policy: deps.policies.current, configSha256: deps.config.sha256, defaultTimeZone: deps.config.server.compliance.incident_time_zone, ...(deps.checkpointNow ? { checkpointNow: deps.checkpointNow } : {}) },
      await who(c),
      input.value,
    );
    if (!r.ok) return renderList(c, { kind: "error", text: r.error.message }, f, statusOf(r.error));
    return c.redirect(`/console/incidents/${r.value.id}?done=opened`, 303);
  });

  app.get("/incidents/:id", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const id = c.req.param("id");
    const i = ID.test(id) ? await loadIncident(ctx, id) : undefined;
    if (!i) return notFound(c);
    const done = DONE[c.req.query("done") ?? ""];
    return renderIncident(c, i, done === undefined ? undefined : { kind: "ok", text: done });
  });

  app.post("/incidents/:id/:action", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const id = c.req.param("id");
    const i = ID.test(id) ? await loadIncident(ctx, id) : undefined;
    if (!i) return notFound(c);
    const action = parseAction(c.req.param("action"), await form(c), i, new Date(deps.clock.now()));
    if (!action) return notFound(c);
    if (!action.ok) return renderIncident(c, i, { kind: "error", text: action.error.message }, 400);
    const r = await actOnIncident(ctx, await who(c), i.id, action.value);
    if (!r.ok) return renderIncident(c, i, { kind: "error", text: r.error.message }, statusOf(r.error));
    return c.redirect(`/console/incidents/${i.id}?done=${c.req.param("action")}`, 303);
  });
  return app;
}
