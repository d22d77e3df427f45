// The console's Admin view: the kill switch and API keys through forms (with the session's
// CSRF token), calling the same operations as /api/admin — a model suspended from the page
// makes proxied calls for it fail with 503 `suspended` until it is resumed; a key revoked
// from the page gets 401; each change is the same audit event, with the console user as the
// actor. Admin only; stored markup (a reason, a key name) renders as text.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";

const XSS = "<img src=x onerror=alert(1)>";
const ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";

let fake: FakeProvider;
let custos: TestCustos;
let root: ConsoleClient;
let ann: ConsoleClient;
let auditorToken: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  custos = await startCustos({ providers: testProviders(fake.url) });
  root = await signInWithLink(custos, "root", ["admin"]);
  ann = await signInWithLink(custos, "ann", ["auditor"]);
  auditorToken = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
}, 120_000);

afterAll(async () => {
  await custos?.close();
  await fake?.close();
});

async function call(model: string, apiKey?: string): Promise<{ status: number; code: string | null }> {
  const client = new OpenAI({ apiKey: apiKey ?? (await custos.token("alice", ["demo"])), baseURL: `${custos.url}/v1`, maxRetries: 0 });
  try {
    await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }] });
    return { status: 200, code: null };
  } catch (e) {
    if (e instanceof OpenAI.APIError) return { status: e.status ?? 0, code: (e.headers as Headers | undefined)?.get("x-custos-error-code") ?? null };
    throw e;
  }
}

async function events(type: string): Promise<{ entry: Record<string, unknown> & { actor: { subject: string } } }[]> {
  const res = await fetch(`${custos.url}/api/audit/events?type=${type}`, { headers: { authorization: `Bearer ${auditorToken}` } });
  return ((await res.json()) as { events: { entry: Record<string, unknown> & { actor: { subject: string } } }[] }).events;
}

const pseudonymOf = async (client: ConsoleClient) => /Your audit pseudonym<\/dt><dd class="mono">([^<]+)</.exec(await (await client.get("/console/session")).text())?.[1];

describe("the Admin view", () => {
  it("suspends a model from the form (proxied calls get 503 suspended) and resumes it (calls work again); both are audit events by the console user", async () => {
    expect(await call("gpt-4o-mini")).toEqual({ status: 200, code: null });
    const s = await root.post("/console/admin/suspend", { kind: "model", name: "gpt-4o-mini", reason: `incident ${XSS}` });
    expect(s.status).toBe(303);
    expect(s.headers.get("location")).toBe("/console/admin?done=suspended");
    expect(await eventually(async () => ((await call("gpt-4o-mini")).status === 503 ? call("gpt-4o-mini") : undefined), { timeoutMs: 8000 })).toEqual({ status: 503, code: "suspended" });

    // Listed, with the reason as text.
    const page = await (await root.get("/console/admin?done=suspended")).text();
    expect(page).toContain('<tr data-kind="model" data-name="gpt-4o-mini">');
    expect(page).toContain(`incident ${ESCAPED}`);
    expect(page).not.toContain(XSS);
    expect(page).toContain("Suspended. Routing refuses it");

    const me = await pseudonymOf(root);
    expect(me).toBeTruthy();
    const suspend = await eventually(async () => (await events("routing.suspend"))[0]);
    expect(suspend!.entry).toMatchObject({ actor: { subject: me }, suspension: { kind: "model", name: "gpt-4o-mini", reason: `incident ${XSS}`, by: expect.stringContaining(me!) } });

    const r = await root.post("/console/admin/resume", { kind: "model", name: "gpt-4o-mini" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/console/admin?done=resumed");
    expect(await eventually(async () => ((await call("gpt-4o-mini")).status === 200 ? call("gpt-4o-mini") : undefined), { timeoutMs: 8000 })).toEqual({ status: 200, code: null });
    const resume = await eventually(async () => (await events("routing.resume"))[0]);
    expect(resume!.entry).toMatchObject({ actor: { subject: me }, suspension: { kind: "model", name: "gpt-4o-mini" } });
    expect(await (await root.get("/console/admin")).text()).toContain('id="no-suspensions"');

    // A bad target is refused with the reason, nothing suspended.
    const bad = await root.post("/console/admin/suspend", { kind: "planet", name: "mars" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("kind must be one of endpoint, model, team.");
    const again = await root.post("/console/admin/resume", { kind: "model", name: "gpt-4o-mini" });
    expect(again.status).toBe(404);
  }, 30_000);

  it("creates a key (shown once), lists it without its hash, revokes it from the form: the key then gets 401", async () => {
    const created = await root.post("/console/admin/keys", { team: "demo", name: `batch ${XSS}`, expires_in_days: "30" });
    expect(created.status).toBe(201);
    const html = await created.text();
    const key = /<pre id="new-key">(cst_[^<]+)<\/pre>/.exec(html)?.[1];
    expect(key).toBeTruthy();
    expect(html).toContain(`batch ${ESCAPED}`);
    expect(html).not.toContain(XSS);
    expect(await call("gpt-4o-mini", key!)).toEqual({ status: 200, code: null });

    const page = await (await root.get("/console/admin")).text();
    expect(page).not.toContain(key!); // shown once only
    const stored = (await custos.server.deps.storage.listApiKeys()).find((k) => k.name === `batch ${XSS}`)!;
    expect(page).not.toContain(stored.hash);
    expect(page).toContain(`<tr data-id="${stored.id}">`);
    expect(page).toContain(`${stored.prefix}…`);
    expect(page).not.toContain(XSS);

    const r = await root.post("/console/admin/keys/revoke", { id: stored.id });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/console/admin?done=revoked");
    // Validations are cached for a few seconds.
    expect(await eventually(async () => ((await call("gpt-4o-mini", key!)).status === 401 ? call("gpt-4o-mini", key!) : undefined), { timeoutMs: 10_000, intervalMs: 250 })).toMatchObject({ status: 401 });
    const me = await pseudonymOf(root);
    const revoke = await eventually(async () => (await events("key.revoke"))[0]);
    expect(revoke!.entry).toMatchObject({ actor: { subject: me, team: "demo" }, key: { id: stored.id, prefix: stored.prefix } });
    expect(JSON.stringify(revoke)).not.toContain(stored.hash);
    const after = await (await root.get("/console/admin")).text();
    expect(after).toMatch(new RegExp(`<tr data-id="${stored.id}">[\\s\\S]*?revoked `));
    expect((await root.post("/console/admin/keys/revoke", { id: "no-such-key" })).status).toBe(404);
  }, 30_000);

  it("is for admins only: an auditor gets 403 on the page and the forms; no session is sent to sign in; a form without the CSRF token is refused", async () => {
    expect((await ann.get("/console/admin")).status).toBe(403);
    const post = await ann.post("/console/admin/suspend", { kind: "model", name: "gpt-4o" });
    expect(post.status).toBe(403);
    expect(post.headers.get("x-custos-error-code")).toBe("forbidden");
    expect((await ann.post("/console/admin/keys/revoke", { id: "x" })).status).toBe(403);
    expect((await ann.post("/console/admin/keys", { team: "demo", name: "n" })).status).toBe(403);
    expect(await (await ann.get("/console/integrity")).text()).not.toContain('href="/console/admin"');
    expect(await (await root.get("/console/admin")).text()).toContain('href="/console/admin"');

    const anon = await fetch(`${custos.url}/console/admin`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/console\/login/);
    expect((await fetch(`${custos.url}/console/admin/suspend`, { method: "POST", redirect: "manual" })).status).toBe(401);

    const noCsrf = await root.post("/console/admin/suspend", { kind: "model", name: "gpt-4o" }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.get("x-custos-error-code")).toBe("csrf_rejected");
    // A browser's own form post under Referrer-Policy: no-referrer carries "Origin: null"
    // with Sec-Fetch-Site: same-origin: accepted with the token; refused from anywhere else.
    const nullOrigin = (site?: string) =>
      fetch(`${custos.url}/console/admin/resume`, {
        method: "POST",
        headers: { cookie: root.cookie, "content-type": "application/x-www-form-urlencoded", origin: "null", ...(site ? { "sec-fetch-site": site } : {}) },
        body: new URLSearchParams({ _csrf: root.csrf, kind: "model", name: "nothing-suspended" }),
        redirect: "manual",
      });
    expect((await nullOrigin("same-origin")).status).toBe(404); // past the CSRF check: that model is not suspended
    expect((await nullOrigin()).headers.get("x-custos-error-code")).toBe("csrf_rejected");
    expect((await nullOrigin("cross-site")).headers.get("x-custos-error-code")).toBe("csrf_rejected");
    expect(await custos.server.deps.storage.listSuspensions()).toEqual([]);
    expect(await call("gpt-4o")).toEqual({ status: 200, code: null });
  });
});
