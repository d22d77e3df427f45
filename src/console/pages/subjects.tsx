// /console/subjects (role auditor_content): data-subject requests. A look-up by email or
// subject id (with a typed justification, itself an audit event naming only the pseudonyms
// found) lists each pseudonym's calls and the holds covering them; an erase form per
// pseudonym destroys their content keys and mapping, refused while a hold covers them. The
// same services as /api/subjects (src/compliance/subjects.ts). Nothing here may be cached.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import { eraseSubject, findSubject, justificationOf, type FoundSubject } from "../../compliance/subjects.ts";
import { CustosError } from "../../errors/errors.ts";
import { complianceCtx, operatorOf } from "../../http/operator.ts";
import { issuersOf } from "../../http/routes/subjects.ts";
import type { HoldRecord } from "../../storage/compliance-types.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { sessionPrincipal } from "../session.ts";
import { formOf } from "./holds.tsx";
import { revealRoutes } from "./reveal.tsx";

type Flash = { kind: "ok" | "error"; text: string };
type Found = FoundSubject & { holds: HoldRecord[] };

export const noStore = async (c: Context<ConsoleEnv>, next: () => Promise<void>) => {
  await next();
  c.res.headers.set("cache-control", "no-store");
};

export function subjectsPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const ctx = complianceCtx(deps);
  const who = (c: Context<ConsoleEnv>) => operatorOf(deps, sessionPrincipal(c.get("session")));
  app.use("/subjects", noStore);
  app.use("/subjects/*", noStore);

  function render(c: Context<ConsoleEnv>, o: { flash?: Flash; found?: Found[]; erased?: { pseudonym: string; keys: number }; kept?: Record<string, string> }, status: 200 | 400 | 409 | 503 = 200) {
    const csrf = c.get("session").csrf;
    const kept = o.kept ?? {};
    const Csrf = () => <input type="hidden" name="_csrf" value={csrf} />;
    return c.html(
      <Page title="Data subjects" active="subjects" session={c.get("session")}>
        <h1>Data-subject requests</h1>
        {o.flash ? (
          <p class={`flash ${o.flash.kind === "ok" ? "ok" : "bad"}`} id="flash">
            {o.flash.text}
          </p>
        ) : null}
        {o.erased ? (
          <div class="flash ok" id="erased">
            <p>
              Erased <span class="mono">{o.erased.pseudonym}</span>: {o.erased.keys} content key{o.erased.keys === 1 ? "" : "s"} destroyed, so their stored prompts and answers can no longer be decrypted, and the pseudonym mapping destroyed, so their events can no longer be tied to them. The events themselves stay in the log, which still verifies. The erasure is in the audit log.
            </p>
          </div>
        ) : null}
        <div class="card">
          <h2>Look a person up</h2>
          <p class="muted">Finds the pseudonyms a person's calls are recorded under (GDPR Art. 15). The look-up is recorded in the audit log with your justification and the pseudonyms it found — never the email or subject id.</p>
          <form method="post" action="/console/subjects/lookup" id="lookup-form" class="filters">
            <Csrf />
            <label>
              Email
              <input name="email" type="email" maxlength={320} value={kept.email ?? ""} />
            </label>
            <label>
              or subject id
              <input name="sub" maxlength={512} value={kept.sub ?? ""} />
            </label>
            <label>
              Issuer (optional)
              <input name="iss" maxlength={512} value={kept.iss ?? ""} placeholder="every trusted issuer" />
            </label>
            <label>
              Justification
              <input name="justification" required minlength={10} maxlength={2000} value={kept.justification ?? ""} placeholder="the request, ticket or legal basis (required)" />
            </label>
            <button type="submit" id="lookup">
              Look up
            </button>
          </form>
        </div>
        {o.found !== undefined && o.found.length === 0 ? (
          <p class="card" id="none-found">
            No pseudonym is recorded for that person (never seen, or erased).
          </p>
        ) : null}
        {(o.found ?? []).map((s) => (
          <div class="card subject" id={`subject-${s.pseudonym}`} data-pseudonym={s.pseudonym}>
            <h2>
              <span class="mono">{s.pseudonym}</span> <span class="muted">found by {s.via}</span>
            </h2>
            <p>
              {s.events}
              {s.more ? "+" : ""} event{s.events === 1 ? "" : "s"} in {s.calls.length} call{s.calls.length === 1 ? "" : "s"}.
            </p>
            <table class="calls">
              <thead>
                <tr>
                  <th>Call</th>
                  <th>At</th>
                  <th>Team</th>
                  <th>Model</th>
                  <th>Status</th>
                  <th>Events</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {s.calls.map((call) => (
                  <tr>
                    <td>
                      <a class="mono" href={`/console/events/${call.requestId}`}>
                        {call.requestId}
                      </a>
                    </td>
                    <td>{call.at}</td>
                    <td>{call.team ?? ""}</td>
                    <td>{call.model ?? ""}</td>
                    <td>{call.status ?? ""}</td>
                    <td>{call.events.join(", ")}</td>
                    <td>
                      <a href={`/console/subjects/reveal?event=${call.requestId}`}>Reveal content</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Legal holds covering this person</h3>
            {s.holds.length === 0 ? (
              <p class="muted holds-none">None: erasure is possible.</p>
            ) : (
              <ul class="holds">
                {s.holds.map((h) => (
                  <li>
                    <a class="mono" href={`/console/holds#${h.id}`}>
                      {h.id}
                    </a>{" "}
                    — {h.reason}
                  </li>
                ))}
              </ul>
            )}
            <form method="post" action={`/console/subjects/${encodeURIComponent(s.pseudonym)}/erase`} class="erase-form inline-form">
              <Csrf />
              <label>
                Justification for the erasure
                <input name="justification" required minlength={10} maxlength={2000} placeholder="the erasure request (GDPR Art. 17) it answers" />
              </label>
              <label class="check">
                <input type="checkbox" name="confirm" value="yes" required /> I understand this destroys this person's stored content and pseudonym mapping for good
              </label>
              <button type="submit" class="danger">
                Erase
              </button>
            </form>
          </div>
        ))}
        <p class="muted">
          To read a call's stored prompt and answer, use <a href="/console/subjects/reveal">Reveal content</a>.
        </p>
      </Page>,
      status,
    );
  }

  const holdsOf = async (pseudonym: string) => {
    const ids = await deps.storage.compliance.holdsOnSubject(pseudonym);
    const rows = await Promise.all(ids.map((id) => deps.storage.compliance.hold(id)));
    return rows.filter((h): h is HoldRecord => h !== undefined);
  };
  const failed = (c: Context<ConsoleEnv>, e: CustosError, kept?: Record<string, string>) => render(c, { flash: { kind: "error", text: e.message }, ...(kept ? { kept } : {}) }, e.status === 409 ? 409 : e.status === 503 ? 503 : 400);

  app.get("/subjects", async (c) => needRole(c, "auditor_content") ?? render(c, {}));

  app.post("/subjects/lookup", async (c) => {
    const denied = needRole(c, "auditor_content");
    if (denied) return denied;
    const f = await formOf(c);
    const email = (f.email ?? "").trim();
    const sub = (f.sub ?? "").trim();
    const iss = (f.iss ?? "").trim();
    // The email is not echoed back into the page: the look-up's answer names pseudonyms only.
    const kept = { sub, iss, justification: f.justification ?? "" };
    if ((email === "") === (sub === "")) return failed(c, new CustosError("invalid_request", "Give an email or a subject id (one of them)."), kept);
    const why = justificationOf(f.justification);
    if (!why.ok) return failed(c, why.error, kept);
    if (!deps.subjectLookup) return failed(c, new CustosError("unavailable", "This server cannot look subjects up (no key for the pseudonym mapping)."));
    const found = await findSubject(ctx, deps.subjectLookup, await who(c), { ...(email ? { email } : { sub }), issuers: issuersOf(deps, iss || undefined) }, why.value);
    return render(c, { found: await Promise.all(found.map(async (s) => ({ ...s, holds: await holdsOf(s.pseudonym) }))), kept });
  });

  app.post("/subjects/:pseudonym/erase", async (c) => {
    const denied = needRole(c, "auditor_content");
    if (denied) return denied;
    const f = await formOf(c);
    if (f.confirm !== "yes") return failed(c, new CustosError("invalid_request", "Erasure needs the confirmation box ticked."));
    const why = justificationOf(f.justification);
    if (!why.ok) return failed(c, why.error);
    const r = await eraseSubject(ctx, await who(c), c.req.param("pseudonym"), why.value);
    if (!r.ok) return failed(c, r.error);
    return render(c, { erased: { pseudonym: r.value.pseudonym, keys: r.value.keysDestroyed } });
  });

  app.route("/subjects/reveal", revealRoutes(deps));
  return app;
}
