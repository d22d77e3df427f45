// /console/admin (role admin): the kill switch (suspend and resume an endpoint, model or team)
// and Custos API keys (list, create, revoke). The forms post to the routes below, which call
// the same operations as /api/admin/suspensions and /api/admin/keys (src/routing/
// suspension-admin.ts, src/identity/key-admin.ts), so each change is the same audit event
// (routing.suspend / routing.resume, key.create / key.revoke) with the console user as actor.
// A new key is shown once, in the answer to its form, and never again.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import type { CustosError } from "../../errors/errors.ts";
import { createKey, listKeys, type KeyInfo } from "../../identity/key-admin.ts";
import { revokeKey } from "../../identity/key-admin.ts";
import { resumeTarget, suspendTarget } from "../../routing/suspension-admin.ts";
import { SUSPENSION_KINDS, type SuspensionRecord } from "../../storage/types.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { sessionPrincipal } from "../session.ts";

/** What a finished form says on the page it redirects to (fixed texts: nothing from the form is reflected). */
const DONE: Record<string, string> = {
  suspended: "Suspended. Routing refuses it within a few seconds; the change is in the audit log.",
  already: "That target was already suspended; nothing changed.",
  resumed: "Resumed. Routing serves it again within a few seconds; the change is in the audit log.",
  revoked: "The key is revoked: calls with it are refused from now on. The change is in the audit log.",
};

const iso = (d: Date | null): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "—");

type Flash = { kind: "ok" | "error"; text: string } | { kind: "key"; key: string; info: KeyInfo };

function keyState(k: KeyInfo, now: number): string {
  if (k.revokedAt) return `revoked ${iso(k.revokedAt)}`;
  if (k.expiresAt && k.expiresAt.getTime() <= now) return "expired";
  return "active";
}

export function adminPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  /** The console user as the admin API records an operator: actor fields and the `by` name. */
  async function who(c: Context<ConsoleEnv>) {
    const p = sessionPrincipal(c.get("session"));
    const pseudonym = c.get("pseudonym");
    return { by: `${p.issuerName}:${pseudonym}`, actor: { subject: pseudonym, iss: p.issuer, kind: p.kind, auth: { method: p.credential } } };
  }

  async function render(c: Context<ConsoleEnv>, flash: Flash | undefined, status: 200 | 201 | 400 | 404 = 200) {
    const [suspensions, keys] = await Promise.all([deps.storage.listSuspensions(), listKeys(deps.storage)]);
    const csrf = c.get("session").csrf;
    const now = deps.clock.now();
    const Csrf = () => <input type="hidden" name="_csrf" value={csrf} />;
    return c.html(
      <Page title="Admin" active="admin" session={c.get("session")}>
        <h1>Admin</h1>
        {flash?.kind === "ok" ? (
          <p class="flash ok" id="flash">
            {flash.text}
          </p>
        ) : null}
        {flash?.kind === "error" ? (
          <p class="flash bad" id="flash">
            {flash.text}
          </p>
        ) : null}
        {flash?.kind === "key" ? (
          <div class="flash ok" id="flash">
            <p>
              API key <strong>{flash.info.name}</strong> for team <strong>{flash.info.team}</strong> created. Copy it now: it is shown only this once and is not stored.
            </p>
            <pre id="new-key">{flash.key}</pre>
          </div>
        ) : null}

        <div class="card">
          <h2>Kill switch</h2>
          <p class="muted">A suspended endpoint is skipped by routing (a call fails over or gets 503 suspended); a suspended model or team is refused with 503 suspended.</p>
          <table id="suspensions">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Name</th>
                <th>Reason</th>
                <th>By</th>
                <th>Since</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {suspensions.map((s: SuspensionRecord) => (
                <tr data-kind={s.kind} data-name={s.name}>
                  <td>{s.kind}</td>
                  <td class="mono">{s.name}</td>
                  <td>{s.reason ?? ""}</td>
                  <td class="mono">{s.suspendedBy}</td>
                  <td>{iso(s.suspendedAt)}</td>
                  <td>
                    <form method="post" action="/console/admin/resume">
                      <Csrf />
                      <input type="hidden" name="kind" value={s.kind} />
                      <input type="hidden" name="name" value={s.name} />
                      <button type="submit" class="secondary">
                        Resume
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {suspensions.length === 0 ? <p id="no-suspensions">Nothing is suspended.</p> : null}
          <h2>Suspend</h2>
          <form method="post" action="/console/admin/suspend" class="filters" id="suspend-form">
            <Csrf />
            <label>
              Kind
              <select name="kind">
                {SUSPENSION_KINDS.map((k) => (
                  <option value={k}>{k}</option>
                ))}
              </select>
            </label>
            <label>
              Name
              <input name="name" required maxlength={200} placeholder="an endpoint id, model or team" />
            </label>
            <label>
              Reason
              <input name="reason" maxlength={500} placeholder="why (recorded in the audit log)" />
            </label>
            <button type="submit" id="suspend">
              Suspend
            </button>
          </form>
        </div>

        <div class="card">
          <h2>API keys</h2>
          <table id="keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Team</th>
                <th>Prefix</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>State</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => {
                const state = keyState(k, now);
                return (
                  <tr data-id={k.id}>
                    <td>{k.name}</td>
                    <td>{k.team}</td>
                    <td class="mono">{k.prefix}…</td>
                    <td>
                      {iso(k.createdAt)} <span class="muted">{k.createdBy}</span>
                    </td>
                    <td>{k.expiresAt ? iso(k.expiresAt) : "never"}</td>
                    <td>{k.lastUsedAt ? iso(k.lastUsedAt) : "never"}</td>
                    <td class={state === "active" ? "ok" : "muted"}>{state}</td>
                    <td>
                      {k.revokedAt ? null : (
                        <form method="post" action="/console/admin/keys/revoke">
                          <Csrf />
                          <input type="hidden" name="id" value={k.id} />
                          <button type="submit" class="secondary">
                            Revoke
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {keys.length === 0 ? <p>No API keys yet.</p> : null}
          <h2>Create a key</h2>
          <form method="post" action="/console/admin/keys" class="filters" id="create-key-form">
            <Csrf />
            <label>
              Team
              <input name="team" required maxlength={64} />
            </label>
            <label>
              Name
              <input name="name" required maxlength={100} placeholder="what uses it" />
            </label>
            <label>
              Expires in days
              <input name="expires_in_days" type="number" min="1" max="3650" placeholder="never" />
            </label>
            <button type="submit">Create key</button>
          </form>
        </div>
      </Page>,
      status,
    );
  }

  const form = async (c: Context<ConsoleEnv>): Promise<Record<string, string>> => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
  };
  const failed = (c: Context<ConsoleEnv>, e: CustosError) => render(c, { kind: "error", text: e.message }, e.status === 404 ? 404 : 400);

  app.get("/admin", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    const done = DONE[c.req.query("done") ?? ""];
    return render(c, done === undefined ? undefined : { kind: "ok", text: done });
  });

  app.post("/admin/suspend", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    const f = await form(c);
    const w = await who(c);
    const r = await suspendTarget(deps.storage, { kind: (f.kind ?? "") as never, name: (f.name ?? "").trim(), ...(f.reason ? { reason: f.reason } : {}), by: w.by }, { now: deps.clock.now(), audit: deps.audit, actor: w.actor });
    if (!r.ok) return failed(c, r.error);
    return c.redirect(`/console/admin?done=${r.value.created ? "suspended" : "already"}`, 303);
  });

  app.post("/admin/resume", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    const f = await form(c);
    const w = await who(c);
    const r = await resumeTarget(deps.storage, { kind: (f.kind ?? "") as never, name: f.name ?? "", by: w.by }, { now: deps.clock.now(), audit: deps.audit, actor: w.actor });
    if (!r.ok) return failed(c, r.error);
    return c.redirect("/console/admin?done=resumed", 303);
  });

  app.post("/admin/keys/revoke", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    const f = await form(c);
    const r = await revokeKey(deps.storage, f.id ?? "", deps.clock.now(), { audit: deps.audit, actor: (await who(c)).actor });
    if (!r.ok) return failed(c, r.error);
    return c.redirect("/console/admin?done=revoked", 303);
  });

  app.post("/admin/keys", async (c) => {
    const denied = needRole(c, "admin");
    if (denied) return denied;
    const f = await form(c);
    const w = await who(c);
    const days = f.expires_in_days?.trim() ? Number(f.expires_in_days) : undefined;
    const created = await createKey(deps.storage, deps.apiKeys.hash, { team: (f.team ?? "").trim(), name: f.name ?? "", createdBy: w.by, ...(days === undefined ? {} : { expiresInDays: days }) }, { now: deps.clock.now(), newId: deps.newId, audit: deps.audit, actor: w.actor });
    if (!created.ok) return failed(c, created.error);
    // Shown in this answer only (no redirect: a reload must not show it again from a URL).
    return render(c, { kind: "key", key: created.value.key, info: created.value.info }, 201);
  });
  return app;
}
