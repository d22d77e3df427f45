// /console/policies: the policy bundle in force, every rule in words (enforced or shadow),
// the version history from the log's policy.activate events, which rules acted most in a
// window, and the calls shadow-mode rules would have refused. The data is /api/policy's.
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { activations, bundleView, ruleActivity, type Activation, type RuleView } from "../../http/routes/policy.ts";
import { isWindowName, type WindowName } from "../../http/routes/stats.ts";
import type { RuleOutcomes, ShadowEvent } from "../../storage/audit-stats.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { VIEW_ROLES, WindowForm } from "./overview.tsx";

const WINDOW_LABEL: Record<WindowName, string> = { "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days" };

function RulesTable(props: { id: string; rules: RuleView[] }) {
  if (props.rules.length === 0) return <p class="muted">No rules.</p>;
  return (
    <table id={props.id} class="rules">
      <thead>
        <tr>
          <th>Rule</th>
          <th>Kind</th>
          <th>Mode</th>
          <th>What it does</th>
          <th>Description</th>
          <th>File</th>
        </tr>
      </thead>
      <tbody>
        {props.rules.map((r) => (
          <tr data-rule={r.id}>
            <td class="mono">{r.id}</td>
            <td>{r.kind}</td>
            <td>{r.mode === "shadow" ? <span class="badge warn">shadow</span> : <span class="badge">enforced</span>}</td>
            <td>{r.says}</td>
            <td>{r.description}</td>
            <td class="mono muted">{r.file}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function searchRule(rule: string, from: Date, to: Date): string {
  return `/console/search?${new URLSearchParams({ rule, from: from.toISOString(), to: to.toISOString() }).toString()}`;
}

function Outcomes(props: { rules: RuleOutcomes[]; from: Date; to: Date }) {
  if (props.rules.length === 0) return <p class="muted">No call in this window named a policy rule.</p>;
  return (
    <table id="rule-outcomes">
      <thead>
        <tr>
          <th>Rule</th>
          <th class="num">Denied</th>
          <th class="num">Would deny (shadow)</th>
          <th class="num">Clamped output</th>
          <th class="num">Restricted routing</th>
          <th class="num">Enforced on</th>
        </tr>
      </thead>
      <tbody>
        {props.rules.map((r) => (
          <tr data-rule={r.rule}>
            <td class="mono">
              <a href={searchRule(r.rule, props.from, props.to)}>{r.rule}</a>
            </td>
            <td class={r.denied > 0 ? "num bad" : "num"}>{r.denied}</td>
            <td class={r.shadow > 0 ? "num warn" : "num"}>{r.shadow}</td>
            <td class="num">{r.clamped}</td>
            <td class="num">{r.routed}</td>
            <td class="num">{r.applied}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ShadowLatest(props: { events: ShadowEvent[] }) {
  if (props.events.length === 0) return <p class="muted">No shadow-mode rule would have refused a call in this window.</p>;
  return (
    <table id="shadow-latest">
      <thead>
        <tr>
          <th>When (UTC)</th>
          <th>Team</th>
          <th>Model</th>
          <th>Would have been refused by</th>
          <th>Outcome</th>
          <th>Event</th>
        </tr>
      </thead>
      <tbody>
        {props.events.map((e) => (
          <tr>
            <td>{e.receivedAt.toISOString()}</td>
            <td>{e.team ?? ""}</td>
            <td>{e.model ?? ""}</td>
            <td>
              {e.shadow.map((s) => (
                <div>
                  <span class="mono">{s.rule}</span> <span class="muted">({s.code})</span>
                </div>
              ))}
            </td>
            <td>{e.type === "llm.denied" ? <span class="badge deny">refused by another rule</span> : <span class="badge allow">allowed</span>}</td>
            <td>
              <a class="mono" href={`/console/events/${e.eventId}`}>
                {e.eventId.slice(0, 13)}…
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History(props: { list: Activation[]; current: string }) {
  if (props.list.length === 0) return <p class="muted">No policy.activate event in the log yet.</p>;
  return (
    <table id="policy-history">
      <thead>
        <tr>
          <th>Activated (UTC)</th>
          <th>Version</th>
          <th>Why</th>
          <th>Replaced</th>
          <th>Teams</th>
          <th>Event</th>
        </tr>
      </thead>
      <tbody>
        {props.list.map((a) => (
          <tr>
            <td>{a.at.toISOString()}</td>
            <td class="mono">
              {a.version} {a.sha256 === props.current ? <span class="badge ok">in force</span> : null}
            </td>
            <td>{a.reason}</td>
            <td class="mono">{a.previous?.version ?? ""}</td>
            <td>{a.teams.join(", ")}</td>
            <td>
              <a class="mono" href={`/console/events/${a.eventId}`}>
                {a.eventId.slice(0, 13)}…
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function policiesPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get("/policies", async (c) => {
    const refused = needRole(c, ...VIEW_ROLES);
    if (refused) return refused;
    const asked = c.req.query("window");
    const window: WindowName = isWindowName(asked) ? asked : "24h";
    const bundle = bundleView(deps.policies.current);
    const history = await activations(deps, 50);
    const activity = await ruleActivity(deps, window);
    const shadowRules = activity.rules.filter((r) => r.shadow > 0).sort((a, b) => b.shadow - a.shadow);
    return c.html(
      <Page title="Policies" active="policies" session={c.get("session")}>
        <div class="page-head">
          <h1>Policies</h1>
          <WindowForm action="/console/policies" label="Window for rule activity" selected={window} />
        </div>
        <div class="card" id="active-bundle">
          <h2>Policy in force</h2>
          <dl class="fields">
            <dt>Version</dt>
            <dd class="mono" id="policy-version">
              {bundle.version}
            </dd>
            <dt>SHA-256 of the files</dt>
            <dd class="mono">{bundle.sha256}</dd>
            <dt>Files</dt>
            <dd class="mono">{bundle.files.join(", ")}</dd>
            <dt>Teams</dt>
            <dd>{bundle.teams.map((t) => t.team).join(", ") || "none (every call is refused)"}</dd>
          </dl>
          <p class="muted">
            Also as JSON: <a href="/api/policy/active">/api/policy/active</a>, <a href="/api/policy/history">/api/policy/history</a>, <a href={`/api/policy/rules?window=${window}`}>/api/policy/rules</a>
          </p>
        </div>
        <div class="card">
          <h2>Baseline rules (apply to every team)</h2>
          <RulesTable id="rules-baseline" rules={bundle.baseline} />
        </div>
        <div class="card">
          <h2>Team rules (in addition to the baseline)</h2>
          {bundle.teams.map((t) => (
            <details class="team" open id={`team-${t.team}`}>
              <summary>
                <strong>{t.team}</strong> <span class="muted">· {t.rules.length} rules</span>
                {t.aiSystem ? <span class="muted"> · AI system {t.aiSystem.id}{t.aiSystem.high_risk ? " (high risk)" : ""}</span> : null}
              </summary>
              <RulesTable id={`rules-${t.team}`} rules={t.rules} />
            </details>
          ))}
        </div>
        <div class="card">
          <h2>What the rules did ({WINDOW_LABEL[window].toLowerCase()})</h2>
          <p class="muted">Computed {activity.computedAt.toISOString()}. Shadow-mode rules only observe: they are counted when they would have refused a call.</p>
          <Outcomes rules={activity.rules} from={activity.range.from} to={activity.range.to} />
        </div>
        <div class="card">
          <h2>Shadow mode: calls that would have been refused</h2>
          {shadowRules.length > 0 ? (
            <ul id="shadow-rules">
              {shadowRules.map((r) => (
                <li>
                  <span class="mono">{r.rule}</span>: {r.shadow} {r.shadow === 1 ? "call" : "calls"}
                </li>
              ))}
            </ul>
          ) : null}
          <ShadowLatest events={activity.shadow} />
        </div>
        <div class="card">
          <h2>Version history</h2>
          <History list={history} current={bundle.sha256} />
        </div>
      </Page>,
    );
  });
  return app;
}
