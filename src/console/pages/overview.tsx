// /console (the landing page): calls, denials, redactions and tokens over a window, by team,
// model and region; PII types; the latest checkpoint and the last verification. The numbers
// are /api/audit/stats's (overviewOf), so a script sees exactly what the page shows.
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { isWindowName, overviewOf, WINDOWS, type Overview, type WindowName } from "../../http/routes/stats.ts";
import type { Breakdown } from "../../storage/audit-stats.ts";
import { BarChart, compact, ShareBar } from "../charts.tsx";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";

export const VIEW_ROLES = ["auditor", "auditor_content"] as const;

const WINDOW_LABEL: Record<WindowName, string> = { "24h": "Last 24 hours (hourly)", "7d": "Last 7 days (daily)", "30d": "Last 30 days (daily)" };

/** A bucket's label in UTC: the hour for hourly buckets, the date for daily ones. */
function bucketLabel(at: Date, bucketSeconds: number): string {
  const iso = at.toISOString();
  return bucketSeconds < 86_400 ? `${iso.slice(11, 16)}` : iso.slice(5, 10);
}

/** A search of the same window, narrowed to one team, model or region (the Search view's parameters). */
function searchHref(o: Overview, key: "team" | "model" | "region", name: string | null): string | undefined {
  if (name === null) return undefined;
  const q = new URLSearchParams({ from: o.range.from.toISOString(), to: o.range.to.toISOString(), [key]: name });
  return `/console/search?${q.toString()}`;
}

function BreakdownTable(props: { o: Overview; id: string; title: string; field: "team" | "model" | "region"; rows: Breakdown[] }) {
  const max = Math.max(0, ...props.rows.map((r) => r.requests));
  return (
    <div class="card">
      <h2>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p class="muted">No calls in this window.</p>
      ) : (
        <table id={props.id}>
          <thead>
            <tr>
              <th>{props.field}</th>
              <th class="num">Requests</th>
              <th></th>
              <th class="num">Denials</th>
              <th class="num">Redactions</th>
              <th class="num">Tokens (in / out)</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => {
              const href = searchHref(props.o, props.field, r.name);
              return (
                <tr>
                  <td class="name">{href ? <a href={href}>{r.name}</a> : <span class="muted">(none)</span>}</td>
                  <td class="num">{r.requests}</td>
                  <td class="share-cell">
                    <ShareBar value={r.requests} max={max} />
                  </td>
                  <td class="num">{r.denials}</td>
                  <td class="num">{r.redactions}</td>
                  <td class="num">
                    {compact(r.tokensInput)} / {compact(r.tokensOutput)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The GET form that picks the time window (Overview and Policies). */
export function WindowForm(props: { action: string; label: string; selected: WindowName }) {
  return (
    <form class="inline" method="get" action={props.action} id="window-form">
      <label>
        {props.label}
        <select name="window" id="window">
          {(Object.keys(WINDOWS) as WindowName[]).map((w) => (
            <option value={w} selected={w === props.selected}>
              {WINDOW_LABEL[w]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Show</button>
    </form>
  );
}

export function OverviewView(props: { o: Overview }) {
  const { o } = props;
  const s = o.stats;
  const labels = s.series.map((b) => bucketLabel(b.at, o.range.bucketSeconds));
  const tokens = s.totals.tokensInput + s.totals.tokensOutput;
  const v = o.lastVerify;
  return (
    <>
      <div class="page-head">
        <h1>Overview</h1>
        <WindowForm action="/console" label="Window" selected={o.window} />
      </div>
      <p class="muted">
        {o.range.from.toISOString()} to {o.range.to.toISOString()} (UTC), computed {o.computedAt.toISOString()}. Requests are calls received (forwarded or refused); redactions are call events in which PII was found. Also as JSON:{" "}
        <a href={`/api/audit/stats?window=${o.window}`}>/api/audit/stats?window={o.window}</a>
      </p>
      <div class="grid">
        <div class="card stat" id="total-requests">
          <div class="n">{s.totals.requests}</div>
          <div class="l">requests</div>
        </div>
        <div class="card stat" id="total-denials">
          <div class={s.totals.denials > 0 ? "n bad" : "n"}>{s.totals.denials}</div>
          <div class="l">denials</div>
        </div>
        <div class="card stat" id="total-redactions">
          <div class="n">{s.totals.redactions}</div>
          <div class="l">redactions</div>
        </div>
        <div class="card stat" id="total-tokens">
          <div class="n" title={`${tokens}`}>
            {compact(tokens)}
          </div>
          <div class="l">
            tokens ({compact(s.totals.tokensInput)} in, {compact(s.totals.tokensOutput)} out)
          </div>
        </div>
        <div class="card stat" id="latest-checkpoint">
          {o.checkpoint ? (
            <>
              <div class="n">{o.checkpoint.size}</div>
              <div class="l">
                entries in the latest checkpoint, signed {o.checkpoint.createdAt.toISOString()}; root <code>{o.checkpoint.root.slice(0, 16)}…</code>
              </div>
            </>
          ) : (
            <>
              <div class="n muted">none</div>
              <div class="l">no checkpoint signed yet</div>
            </>
          )}
        </div>
        <div class="card stat" id="last-verify">
          {v ? (
            <>
              <div class={v.ok ? "n ok" : "n bad"}>{v.ok ? "verified" : "FAILED"}</div>
              <div class="l">
                last verification {v.at.toISOString()}
                {v.treeSize === undefined ? "" : `, ${v.treeSize} entries`}
                {v.durationMs === undefined ? "" : `, ${v.durationMs} ms`}
                {v.problems === undefined || v.problems === 0 ? "" : `, ${v.problems} problems`} · <a href="/console/integrity">Integrity</a>
              </div>
            </>
          ) : (
            <>
              <div class="n warn">never verified</div>
              <div class="l">
                run a verification on the <a href="/console/integrity">Integrity</a> page
              </div>
            </>
          )}
        </div>
      </div>
      <div class="card charts">
        <BarChart
          id="chart-requests"
          title="Requests and denials"
          labels={labels}
          series={[
            { name: "requests", cls: "bar", values: s.series.map((b) => b.requests) },
            { name: "denials", cls: "bar-deny", values: s.series.map((b) => b.denials) },
          ]}
        />
        <BarChart id="chart-redactions" title="Redactions" labels={labels} series={[{ name: "redactions", cls: "bar-pii", values: s.series.map((b) => b.redactions) }]} />
        <BarChart id="chart-tokens" title="Tokens" labels={labels} series={[{ name: "tokens", cls: "bar-tokens", values: s.series.map((b) => b.tokensInput + b.tokensOutput) }]} />
      </div>
      <div class="columns">
        <BreakdownTable o={o} id="by-team" title="By team" field="team" rows={s.byTeam} />
        <BreakdownTable o={o} id="by-model" title="By model" field="model" rows={s.byModel} />
        <BreakdownTable o={o} id="by-region" title="By region" field="region" rows={s.byRegion} />
        <div class="card">
          <h2>PII found, by type</h2>
          {s.pii.length === 0 ? (
            <p class="muted">No PII found in this window.</p>
          ) : (
            <table id="by-pii">
              <thead>
                <tr>
                  <th>Type</th>
                  <th class="num">Events</th>
                </tr>
              </thead>
              <tbody>
                {s.pii.map((p) => (
                  <tr>
                    <td>
                      <a href={`/console/search?${new URLSearchParams({ from: o.range.from.toISOString(), to: o.range.to.toISOString(), pii: p.type }).toString()}`}>{p.type}</a>
                    </td>
                    <td class="num">{p.events}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </>
  );
}

export function overviewPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get("/", async (c) => {
    const refused = needRole(c, ...VIEW_ROLES);
    if (refused) return refused;
    const asked = c.req.query("window");
    const window: WindowName = isWindowName(asked) ? asked : "24h";
    const o = await overviewOf(deps, window);
    return c.html(
      <Page title="Overview" active="overview" session={c.get("session")}>
        {asked !== undefined && asked !== window ? <p class="flash bad">Unknown window; showing the last 24 hours.</p> : null}
        <OverviewView o={o} />
      </Page>,
    );
  });
  return app;
}
