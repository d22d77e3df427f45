// /console/retention: the retention classes from org.yaml, each month's fate (eligible, or
// refused with the database's reason) and the months already purged (role auditor); an
// admin may also purge (a dry run first, by default) and destroy expired content keys. The
// same services as /api/audit/retention, /purge and /shred (src/compliance/purge.ts).
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { showPeriod } from "../../audit/retention.ts";
import { parseMonth, purgeMonths, purgeOneMonth, shredExpiredContent, type MonthOutcome } from "../../compliance/purge.ts";
import { CustosError } from "../../errors/errors.ts";
import { hasRole } from "../../identity/principal.ts";
import { complianceCtx, operatorOf } from "../../http/operator.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { sessionPrincipal } from "../session.ts";
import { formOf } from "./holds.tsx";

interface Outcome {
  title: string;
  months?: MonthOutcome[];
  shredded?: { class: string; destroyed: number }[];
  error?: string;
}

function MonthsTable(props: { id: string; months: MonthOutcome[] }) {
  return (
    <table id={props.id}>
      <thead>
        <tr>
          <th>Month</th>
          <th>Outcome</th>
          <th class="num">Events</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {props.months.map((m) => (
          <tr data-month={m.month} data-outcome={m.outcome}>
            <td class="mono">{m.month}</td>
            <td>
              <span class={`badge ${m.outcome === "refused" ? "warn" : "ok"}`}>{m.outcome}</span>
            </td>
            <td class="num">{m.events ?? ""}</td>
            <td>{m.outcome === "refused" ? `${m.reason ?? ""} (${m.code ?? "refused"})` : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function retentionPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const ctx = complianceCtx(deps);
  const who = (c: Context<ConsoleEnv>) => operatorOf(deps, sessionPrincipal(c.get("session")));

  async function render(c: Context<ConsoleEnv>, outcome?: Outcome, status: 200 | 400 | 409 = 200) {
    const r = deps.policies.current.retention;
    const months = await purgeMonths(ctx, await who(c), { dryRun: true });
    const purged = await deps.storage.compliance.purged();
    const admin = hasRole(c.get("roles"), "admin");
    const csrf = c.get("session").csrf;
    return c.html(
      <Page title="Retention" active="retention" session={c.get("session")}>
        <h1>Retention</h1>
        {outcome ? (
          <div class={`flash ${outcome.error ? "bad" : "ok"}`} id="flash">
            <p>{outcome.error ?? outcome.title}</p>
            {outcome.months ? <MonthsTable id="outcome" months={outcome.months} /> : null}
            {outcome.shredded ? <p id="shredded">{outcome.shredded.length === 0 ? "No content key had expired." : outcome.shredded.map((s) => `${s.class}: ${s.destroyed} key(s) destroyed`).join("; ")}</p> : null}
          </div>
        ) : null}
        <div class="card">
          <h2>Classes</h2>
          <p class="muted">From org.yaml. Content keys are destroyed when a class's content period ends (the events stay); a month of events goes only when every record in it has expired, no legal hold touches it and an anchored checkpoint covers it. Purges run every {deps.config.server.compliance.retention_schedule_hours} hours.</p>
          <table id="classes">
            <thead>
              <tr>
                <th>Class</th>
                <th>Events kept</th>
                <th>Content kept</th>
                <th>Description</th>
                <th>Legal basis</th>
              </tr>
            </thead>
            <tbody>
              {[...r.classes.values()].map((k) => (
                <tr data-class={k.name}>
                  <td class="mono">
                    {k.name}
                    {k.name === r.default ? <span class="muted"> (default)</span> : null}
                    {k.name === r.audit ? <span class="muted"> (audit records)</span> : null}
                  </td>
                  <td>{showPeriod(k.events)}</td>
                  <td>{showPeriod(k.content)}</td>
                  <td>{k.description ?? ""}</td>
                  <td>{k.legalBasis ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="card">
          <h2>Months in the log</h2>
          <MonthsTable id="months" months={months} />
          {months.length === 0 ? <p class="muted">The log holds no month yet.</p> : null}
          {admin ? (
            <>
              <form method="post" action="/console/retention/purge" class="filters" id="purge-form">
                <input type="hidden" name="_csrf" value={csrf} />
                <label>
                  Month (YYYY-MM, empty for every eligible month)
                  <input name="month" pattern="\d{4}-\d{2}" maxlength={7} />
                </label>
                <label class="check">
                  <input type="checkbox" name="dry_run" value="yes" checked /> Dry run (say what would go)
                </label>
                <button type="submit" class="danger" id="purge">
                  Purge
                </button>
              </form>
              <form method="post" action="/console/retention/shred" class="inline" id="shred-form">
                <input type="hidden" name="_csrf" value={csrf} />
                <button type="submit" class="secondary" id="shred">
                  Destroy expired content keys
                </button>
              </form>
            </>
          ) : (
            <p class="muted">Purging and destroying content keys need the admin role.</p>
          )}
        </div>
        <div class="card">
          <h2>Purged months</h2>
          <table id="purged">
            <thead>
              <tr>
                <th>Month</th>
                <th class="num">Events</th>
                <th>Log indices</th>
                <th>Announced by</th>
                <th>Purged at</th>
              </tr>
            </thead>
            <tbody>
              {purged.map((p) => (
                <tr>
                  <td class="mono">{p.month.toISOString().slice(0, 7)}</td>
                  <td class="num">{p.events}</td>
                  <td>{p.firstIndex !== undefined ? `${p.firstIndex}–${p.lastIndex ?? ""}` : ""}</td>
                  <td>
                    <a class="mono" href={`/console/events/${p.purgeEvent}`}>
                      {p.purgeEvent}
                    </a>
                  </td>
                  <td>{rfc3339Millis(p.purgedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {purged.length === 0 ? <p class="muted">No month has been purged.</p> : null}
        </div>
      </Page>,
      status,
    );
  }

  app.get("/retention", async (c) => needRole(c, "auditor") ?? render(c));

  app.post("/retention/purge", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    const f = await formOf(c);
    const dryRun = f.dry_run === "yes";
    const title = dryRun ? "Dry run: nothing was purged. This is what a purge would do." : "Purge done; each purged month is announced in the audit log.";
    const named = (f.month ?? "").trim();
    if (named === "") return render(c, { title, months: await purgeMonths(ctx, await who(c), { dryRun }) });
    const month = parseMonth(named);
    if (!month) return render(c, { title, error: "month: YYYY-MM, e.g. 2026-01." }, 400);
    const r = await purgeOneMonth(ctx, await who(c), month, dryRun);
    if (r instanceof CustosError) return render(c, { title, error: r.message }, 409);
    return render(c, { title, months: [r] });
  });

  app.post("/retention/shred", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    return render(c, { title: "Expired content keys destroyed.", shredded: await shredExpiredContent(ctx, await who(c)) });
  });
  return app;
}
