// /console/subjects/reveal (role auditor_content): an event's stored prompt and answer,
// decrypted for the officer who types a justification, through the same service as
// /api/audit/events/:id/reveal (src/compliance/reveal.ts). With reveal_approval
// second_person the officer first asks, another auditor_content approves from the pending
// list here, and the officer then reveals with their approved request. Content is user
// text: shown as JSX text in <pre>, never as markup, and the page is never cached.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { approveReveal, requestReveal, revealContent, type RevealedPart } from "../../compliance/reveal.ts";
import { justificationOf } from "../../compliance/subjects.ts";
import type { CustosError } from "../../errors/errors.ts";
import { complianceCtx, operatorOf } from "../../http/operator.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { sessionPrincipal } from "../session.ts";
import { formOf } from "./holds.tsx";

const EVENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST = /^rev_[A-Za-z0-9_-]{1,40}$/;
const PART_NAMES: Record<string, string> = { input: "Prompt (input)", output: "Answer (output)" };

interface View {
  flash?: { kind: "ok" | "error"; text: string };
  event?: string;
  request?: string;
  /** `others`: the call's other events, whose content is revealed on its own (the answer is on llm.response). */
  revealed?: { event: string; parts: RevealedPart[]; others: { id: string; type: string }[] };
}

export function revealRoutes(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const ctx = complianceCtx(deps);
  const approval = deps.config.server.console.reveal_approval;
  const who = (c: Context<ConsoleEnv>) => operatorOf(deps, sessionPrincipal(c.get("session")));

  async function render(c: Context<ConsoleEnv>, v: View, status: 200 | 201 | 400 | 403 | 404 | 409 = 200) {
    const csrf = c.get("session").csrf;
    const Csrf = () => <input type="hidden" name="_csrf" value={csrf} />;
    const pending = approval === "second_person" ? await deps.storage.compliance.pendingRevealRequests() : [];
    const me = (await who(c)).by;
    return c.html(
      <Page title="Reveal content" active="subjects" session={c.get("session")}>
        <p>
          <a href="/console/subjects">← Data subjects</a>
        </p>
        <h1>Reveal content</h1>
        {v.flash ? (
          <p class={`flash ${v.flash.kind === "ok" ? "ok" : "bad"}`} id="flash">
            {v.flash.text}
          </p>
        ) : null}
        {v.revealed ? (
          <div class="card" id="revealed" data-event-id={v.revealed.event}>
            <h2>
              Content of <a class="mono" href={`/console/events/${v.revealed.event}`}>{v.revealed.event}</a>
            </h2>
            {v.revealed.parts.length === 0 ? <p class="muted">This event has no stored content (its team's audit level does not keep prompts and answers).</p> : null}
            {v.revealed.parts.map((p) => (
              <section class={`part ${p.state}`} data-part={p.part} data-state={p.state}>
                <h3>{PART_NAMES[p.part] ?? p.part}</h3>
                {p.state === "revealed" ? <pre class="content">{p.text ?? ""}</pre> : <p class="warn destroyed">destroyed (erasure or retention)</p>}
              </section>
            ))}
            {v.revealed.others.length > 0 ? (
              <p id="other-events">
                Each event's content is revealed on its own:{" "}
                {v.revealed.others.map((o) => (
                  <>
                    <a href={`/console/subjects/reveal?event=${o.id}`}>{o.type === "llm.response" ? "the answer" : o.type}</a>{" "}
                  </>
                ))}
              </p>
            ) : null}
            <p class="muted">This reveal is recorded in the audit log with your justification.</p>
          </div>
        ) : null}
        <div class="card">
          <h2>Reveal an event's prompt and answer</h2>
          <p class="muted">
            {approval === "second_person"
              ? "This server needs a second person's approval: ask for it below, have another auditor_content approve it, then reveal within an hour of the approval."
              : "Type why you need to read it; the reveal is recorded in the audit log with your justification."}
          </p>
          <form method="post" action="/console/subjects/reveal" id="reveal-form" class="filters">
            <Csrf />
            <label>
              Event id
              <input name="event" required maxlength={40} value={v.event ?? ""} class="mono" />
            </label>
            {approval === "second_person" ? (
              <label>
                Approved request
                <input name="request" maxlength={48} value={v.request ?? ""} class="mono" placeholder="rev_…" />
              </label>
            ) : null}
            <label>
              Justification
              <input name="justification" required minlength={10} maxlength={2000} placeholder="the request, ticket or legal basis (required)" />
            </label>
            <button type="submit" id="reveal">
              Reveal
            </button>
          </form>
        </div>
        {approval === "second_person" ? (
          <div class="card" id="approvals">
            <h2>Ask for approval</h2>
            <form method="post" action="/console/subjects/reveal/request" id="request-form" class="filters">
              <Csrf />
              <label>
                Event id
                <input name="event" required maxlength={40} value={v.event ?? ""} class="mono" />
              </label>
              <label>
                Justification
                <input name="justification" required minlength={10} maxlength={2000} />
              </label>
              <button type="submit" id="ask">
                Ask for approval
              </button>
            </form>
            <h2>Pending requests</h2>
            <table id="pending">
              <thead>
                <tr>
                  <th>Request</th>
                  <th>Event</th>
                  <th>Asked by</th>
                  <th>Justification</th>
                  <th>At</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {pending.map((r) => (
                  <tr data-id={r.id}>
                    <td class="mono">{r.id}</td>
                    <td>
                      <a class="mono" href={`/console/events/${r.eventId}`}>
                        {r.eventId}
                      </a>
                    </td>
                    <td class="mono">{r.requestedBy}</td>
                    <td>{r.justification}</td>
                    <td>{rfc3339Millis(r.requestedAt)}</td>
                    <td>
                      {r.requestedBy === me ? (
                        <span class="muted">yours: another person approves</span>
                      ) : (
                        <form method="post" action="/console/subjects/reveal/approve" class="inline">
                          <Csrf />
                          <input type="hidden" name="id" value={r.id} />
                          <button type="submit" class="secondary">
                            Approve
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {pending.length === 0 ? <p class="muted">No request is waiting for approval.</p> : null}
          </div>
        ) : null}
      </Page>,
      status,
    );
  }

  const failed = (c: Context<ConsoleEnv>, e: CustosError, v: View = {}) => render(c, { ...v, flash: { kind: "error", text: e.message } }, e.status as 400 | 403 | 404 | 409);
  const eventOf = (s: string | undefined) => (s !== undefined && EVENT.test(s.trim()) ? s.trim().toLowerCase() : undefined);
  const requestOf = (s: string | undefined) => (s !== undefined && REQUEST.test(s.trim()) ? s.trim() : undefined);
  const keep = (event: string | undefined, request: string | undefined): View => ({ ...(event ? { event } : {}), ...(request ? { request } : {}) });

  app.get("/", async (c) => {
    const denied = needRole(c, "auditor_content");
    if (denied) return denied;
    const done = c.req.query("done") === "approved" ? { flash: { kind: "ok" as const, text: "Approved. Whoever asked may now reveal that event's content, within an hour; the approval is in the audit log." } } : {};
    return render(c, { ...keep(eventOf(c.req.query("event")), requestOf(c.req.query("request"))), ...done });
  });

  app.post("/", async (c) => {
    const denied = needRole(c, "auditor_content");
    if (denied) return denied;
    const f = await formOf(c);
    const event = eventOf(f.event);
    const request = requestOf(f.request);
    const why = justificationOf(f.justification);
    if (!why.ok) return failed(c, why.error, keep(event, request));
    const r = await revealContent(ctx, deps.sealer, await who(c), event ?? (f.event ?? "").slice(0, 40), why.value, { approval, ...(request ? { requestId: request } : {}) });
    if (!r.ok) return failed(c, r.error, keep(event, request));
    const call = (await deps.storage.audit.event(event!))?.requestEventId ?? event!;
    const others = (await deps.storage.audit.eventsOfRequest(call)).filter((e) => e.eventId !== event).map((e) => ({ id: e.eventId, type: e.type }));
    return render(c, { ...keep(event, request), revealed: { event: event!, parts: r.value, others } });
  });

  app.post("/request", async (c) => {
    const denied = needRole(c, "auditor_content");
    if (denied) return denied;
    const f = await formOf(c);
    const event = eventOf(f.event);
    const why = justificationOf(f.justification);
    if (!why.ok) return failed(c, why.error, keep(event, undefined));
    const r = await requestReveal(ctx, await who(c), event ?? (f.event ?? "").slice(0, 40), why.value);
    if (!r.ok) return failed(c, r.error, keep(event, undefined));
    const text = `Asked: request ${r.value.id}. Another auditor_content must approve it on this page; then reveal with it (it is filled in below).`;
    return render(c, { ...keep(event, r.value.id), flash: { kind: "ok", text } }, 201);
  });

  app.post("/approve", async (c) => {
    const denied = needRole(c, "auditor_content");
    if (denied) return denied;
    const f = await formOf(c);
    const r = await approveReveal(ctx, await who(c), (f.id ?? "").slice(0, 80));
    if (!r.ok) return failed(c, r.error);
    return c.redirect("/console/subjects/reveal?done=approved", 303);
  });
  return app;
}
