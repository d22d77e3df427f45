// /console/holds (role auditor): legal holds in force and released, a form to place one and a
// form per hold to release it. The forms call the same services as /api/holds
// (src/compliance/holds.ts), so each change is the same hold.place / hold.release audit event
// with the console user as the actor. Reasons are user text: rendered as JSX text only.
import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import type { Deps } from "../../deps.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { placeHold, releaseHold, type HoldInput } from "../../compliance/holds.ts";
import { PSEUDONYM } from "../../compliance/subjects.ts";
import { CustosError } from "../../errors/errors.ts";
import { complianceCtx, operatorOf } from "../../http/operator.ts";
import type { HoldRecord } from "../../storage/compliance-types.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { sessionPrincipal } from "../session.ts";

/** What a finished form says on the page it redirects to (fixed texts). */
const DONE: Record<string, string> = {
  placed: "Legal hold placed. The events it covers can no longer be purged, shredded or erased; the change is in the audit log.",
  released: "Legal hold released. The events it covered follow their retention again; the change is in the audit log.",
};

/** At most this many events are counted per scoped hold (the page says "more than"). */
const COUNT_CAP = 10_000;

/** A form's string fields (files and repeated fields dropped). */
export async function formOf(c: Context<ConsoleEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** "2026-01-31T12:00" (a datetime-local field, read as UTC) or an RFC 3339 time; undefined when empty. */
function timeField(name: string, v: string | undefined): Date | undefined | CustosError {
  const s = (v ?? "").trim();
  if (s === "") return undefined;
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : s;
  const d = /^\d{4}-\d{2}-\d{2}/.test(t) ? new Date(t) : new Date(NaN);
  return Number.isFinite(d.getTime()) ? d : new CustosError("invalid_request", `${name}: a date and time such as 2026-01-31T12:00 (UTC) or an RFC 3339 time.`, { param: name });
}

/** The place-hold form as the service's input, or why it cannot be. */
function holdInput(f: Record<string, string>): HoldInput | CustosError {
  const from = timeField("from", f.from);
  if (from instanceof CustosError) return from;
  const to = timeField("to", f.to);
  if (to instanceof CustosError) return to;
  const team = (f.team ?? "").trim();
  const subject = (f.subject ?? "").trim();
  if (team.length > 64) return new CustosError("invalid_request", "team: at most 64 characters.", { param: "team" });
  if (subject !== "" && !PSEUDONYM.test(subject)) return new CustosError("invalid_request", "subject: a pseudonym (16–64 letters, digits, '-' or '_'), as a subject look-up shows it.", { param: "subject" });
  const eventIds = (f.event_ids ?? "").split(/[\s,]+/).filter((s) => s !== "").map((s) => s.toLowerCase());
  return {
    reason: (f.reason ?? "").slice(0, 2000),
    ...(team ? { team } : {}),
    ...(subject ? { subject } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(eventIds.length > 0 ? { eventIds } : {}),
  };
}

/** The scope of a hold in words, each part a separate line. */
function ScopeWords(props: { h: HoldRecord; count: number | undefined }) {
  const h = props.h;
  const n = props.count;
  return (
    <ul class="scope">
      {h.incidentId ? (
        <li>
          incident <a href={`/console/incidents/${encodeURIComponent(h.incidentId)}`}>{h.incidentId}</a>
        </li>
      ) : null}
      {h.team ? <li>team {h.team}</li> : null}
      {h.subject ? (
        <li>
          subject <span class="mono">{h.subject}</span>
        </li>
      ) : null}
      {h.from || h.to ? <li>received {h.from ? `from ${rfc3339Millis(h.from)}` : "any time"} {h.to ? `until ${rfc3339Millis(h.to)}` : "onwards"}</li> : null}
      {h.eventIds.length > 0 ? (
        <li>
          {h.eventIds.length} listed event{h.eventIds.length === 1 ? "" : "s"}:{" "}
          {h.eventIds.slice(0, 5).map((id) => (
            <>
              <a class="mono" href={`/console/events/${id}`}>
                {id}
              </a>{" "}
            </>
          ))}
          {h.eventIds.length > 5 ? `and ${h.eventIds.length - 5} more` : null}
        </li>
      ) : n !== undefined ? (
        <li class="count">{n > COUNT_CAP ? `more than ${COUNT_CAP} events` : `${n} event${n === 1 ? "" : "s"}`} at present</li>
      ) : null}
    </ul>
  );
}

/** Holds as a table: id, reason, scope in words, who placed it when, and one last column of the caller's. */
function HoldTable(props: { id: string; last: string; rows: { h: HoldRecord; n: number | undefined }[]; cell: (h: HoldRecord) => Child }) {
  return (
    <table id={props.id}>
      <thead>
        <tr>
          <th>Hold</th>
          <th>Reason</th>
          <th>Scope</th>
          <th>Placed</th>
          <th>{props.last}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map(({ h, n }) => (
          <tr id={h.id} data-id={h.id}>
            <td class="mono">{h.id}</td>
            <td class="reason">{h.reason}</td>
            <td>
              <ScopeWords h={h} count={n} />
            </td>
            <td>
              {rfc3339Millis(h.placedAt)} <span class="muted">{h.placedBy}</span>
            </td>
            <td>{props.cell(h)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function holdsPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const ctx = complianceCtx(deps);
  const who = (c: Context<ConsoleEnv>) => operatorOf(deps, sessionPrincipal(c.get("session")));

  /** Events a scoped hold covers now (a hold by listed ids names its count itself). */
  const countOf = (h: HoldRecord) =>
    h.eventIds.length > 0
      ? Promise.resolve(undefined)
      : deps.storage.audit.searchCount({ ...(h.team ? { team: h.team } : {}), ...(h.subject ? { subject: h.subject } : {}), ...(h.from ? { from: h.from } : {}), ...(h.to ? { to: h.to } : {}) }, COUNT_CAP);

  async function render(c: Context<ConsoleEnv>, flash: { kind: "ok" | "error"; text: string } | undefined, status: 200 | 400 | 404 | 409 = 200, kept: Record<string, string> = {}) {
    const all = await deps.storage.compliance.holds({ all: true });
    const counts = await Promise.all(all.map(countOf));
    const rows = all.map((h, i) => ({ h, n: counts[i] }));
    const active = rows.filter((r) => !r.h.released);
    const released = rows.filter((r) => r.h.released);
    const csrf = c.get("session").csrf;
    const Csrf = () => <input type="hidden" name="_csrf" value={csrf} />;
    return c.html(
      <Page title="Legal holds" active="holds" session={c.get("session")}>
        <h1>Legal holds</h1>
        {flash ? (
          <p class={`flash ${flash.kind === "ok" ? "ok" : "bad"}`} id="flash">
            {flash.text}
          </p>
        ) : null}
        <div class="card">
          <h2>In force</h2>
          <p class="muted">While a hold is in force the database refuses to purge the months, expire the content keys or erase the people it covers (reference §1.8: freeze, don't destroy).</p>
          <HoldTable
            id="holds"
            last="Release"
            rows={active}
            cell={(h) => (
              <form method="post" action={`/console/holds/${encodeURIComponent(h.id)}/release`} class="inline-form release">
                <Csrf />
                <input name="reason" required maxlength={2000} placeholder="why it is released (required)" aria-label="Reason for the release" />
                <button type="submit" class="secondary">
                  Release
                </button>
              </form>
            )}
          />
          {active.length === 0 ? <p id="no-holds">No legal hold is in force.</p> : null}
        </div>

        <div class="card">
          <h2>Place a hold</h2>
          <p class="muted">Give a reason and at least one scope. A hold by event ids covers exactly those events; otherwise it covers every event matching all the scopes given (team, subject, time range), including events still to come.</p>
          <form method="post" action="/console/holds" id="place-form" class="filters">
            <Csrf />
            <label>
              Reason
              <input name="reason" required maxlength={2000} value={kept.reason ?? ""} placeholder="the matter, case or incident it preserves evidence for" />
            </label>
            <label>
              Team
              <input name="team" maxlength={64} value={kept.team ?? ""} />
            </label>
            <label>
              Subject pseudonym
              <input name="subject" maxlength={64} value={kept.subject ?? ""} placeholder="from a subject look-up" />
            </label>
            <label>
              From (UTC)
              <input name="from" type="datetime-local" value={kept.from ?? ""} />
            </label>
            <label>
              To (UTC)
              <input name="to" type="datetime-local" value={kept.to ?? ""} />
            </label>
            <label>
              Event ids (one per line)
              <textarea name="event_ids" rows={3} cols={40}>
                {kept.event_ids ?? ""}
              </textarea>
            </label>
            <button type="submit" id="place">
              Place hold
            </button>
          </form>
        </div>

        <div class="card">
          <h2>Released</h2>
          <HoldTable
            id="released"
            last="Released"
            rows={released}
            cell={(h) => (
              <>
                {rfc3339Millis(h.released!.at)} <span class="muted">{h.released!.by}</span>
                <div class="release-reason">{h.released!.reason}</div>
              </>
            )}
          />
          {released.length === 0 ? <p class="muted">No hold has been released.</p> : null}
        </div>
      </Page>,
      status,
    );
  }

  const failed = (c: Context<ConsoleEnv>, e: CustosError, kept?: Record<string, string>) => render(c, { kind: "error", text: e.message }, e.status === 404 ? 404 : e.status === 409 ? 409 : 400, kept);

  app.get("/holds", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const done = DONE[c.req.query("done") ?? ""];
    return render(c, done === undefined ? undefined : { kind: "ok", text: done });
  });

  app.post("/holds", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const f = await formOf(c);
    const kept = { reason: f.reason ?? "", team: f.team ?? "", subject: f.subject ?? "", from: f.from ?? "", to: f.to ?? "", event_ids: f.event_ids ?? "" };
    const input = holdInput(f);
    if (input instanceof CustosError) return failed(c, input, kept);
    const r = await placeHold(ctx, await who(c), input);
    if (!r.ok) return failed(c, r.error, kept);
    return c.redirect("/console/holds?done=placed", 303);
  });

  app.post("/holds/:id/release", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const f = await formOf(c);
    const r = await releaseHold(ctx, await who(c), c.req.param("id"), f.reason ?? "");
    if (!r.ok) return failed(c, r.error);
    return c.redirect("/console/holds?done=released", 303);
  });
  return app;
}
