// The console's audit search: the page and /api/audit/events show the same events for the
// same filters, page the same way, and refuse a bad filter with the same words; saved
// searches belong to their owner alone and change only with the CSRF token; the page needs
// a session and the auditor role; markup stored in the log renders as text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { startLog, stopLog, XSS_MODEL, XSS_TEAM, type Log } from "./search-fixture.ts";

let log: Log;
let ann: ConsoleClient;
let bob: ConsoleClient;

/** The event ids a search page lists, in order. */
const listed = (html: string) => [...html.matchAll(/href="\/console\/events\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
const apiIds = async (c: ConsoleClient, query: string) => ((await (await c.api("GET", `/api/audit/events?${query}`)).json()) as { events: { event_id: string }[] }).events.map((e) => e.event_id);

beforeAll(async () => {
  log = await startLog("console_search");
  ann = await signInWithLink(log.custos, "ann", ["auditor"]);
  bob = await signInWithLink(log.custos, "bob", ["auditor"]);
}, 180_000);

afterAll(async () => {
  await stopLog(log);
});

describe("the search page", () => {
  it("shows exactly the events the API finds, for each filter", async () => {
    const cases = ["team=alpha", "team=beta&type=llm.request", "model=gpt-4o", "decision=deny", "rule=base.no-gpt41", "rule=alpha.no-mini", "pii=EMAIL", "endpoint=fake-openai&region=eu-west-1&jurisdiction=EU", "status=403", "type=llm.response&team=alpha"];
    for (const q of cases) {
      const res = await ann.get(`/console/search?${q}`);
      expect(res.status, q).toBe(200);
      const page = listed(await res.text());
      const api = await apiIds(ann, q);
      expect(page, q).toEqual(api);
      expect(page.length, q).toBeGreaterThan(0);
    }
    // The filters select what they say.
    expect(await apiIds(ann, "rule=base.no-gpt41&type=llm.denied")).toEqual([log.calls[2]]);
    expect(await apiIds(ann, "pii=EMAIL&type=llm.request")).toEqual([log.calls[1]]);
    const version = log.custos.server.deps.policies.current.version;
    const byVersion = listed(await (await ann.get(`/console/search?policy_version=${encodeURIComponent(version)}&type=llm.request`)).text());
    expect(byVersion.sort()).toEqual([log.calls[0], log.calls[1], log.calls[3]].sort());
    const subject = ((await (await ann.api("GET", `/api/audit/events/${log.calls[0]}`)).json()) as { event: { entry: { actor: { subject: string } } } }).event.entry.actor.subject;
    expect(listed(await (await ann.get(`/console/search?subject=${subject}&type=llm.request`)).text())).toHaveLength(4 - 1); // alice's calls (llm.denied is another type)
  });

  it("pages newest first with Older → (before = the last event of the page), as the API does", async () => {
    const all = await apiIds(ann, "type=llm.request");
    expect(all).toHaveLength(3);
    let url = "/console/search?type=llm.request&limit=1";
    const seen: string[] = [];
    for (;;) {
      const html = await (await ann.get(url)).text();
      seen.push(...listed(html));
      const older = /<a id="older" href="([^"]+)"/.exec(html)?.[1];
      if (!older) break;
      url = older.replace(/&amp;/g, "&");
      expect(url).toContain(`before=${seen.at(-1)}`);
    }
    expect(seen).toEqual(all);
  });

  it("turns the form's empty fields and datetime-local values into a shareable RFC 3339 URL", async () => {
    const res = await ann.get("/console/search?from=2020-01-02T03%3A04&to=&team=alpha&model=&pii=");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/console/search?from=2020-01-02T03%3A04%3A00Z&team=alpha");
    const html = await (await ann.get(res.headers.get("location")!)).text();
    expect(html).toContain('value="2020-01-02T03:04:00"');
    expect(listed(html)).toEqual(await apiIds(ann, "from=2020-01-02T03:04:00Z&team=alpha"));
  });

  it("refuses a bad filter with the API's message", async () => {
    for (const q of ["status=abc", "pii=email", "before=nope", "rule=Bad Rule", "from=yesterday", "colour=red"]) {
      const api = (await (await ann.api("GET", `/api/audit/events?${q}`)).json()) as { detail: string };
      const res = await ann.get(`/console/search?${q}`);
      expect(res.status, q).toBe(400);
      const html = await res.text();
      const shown = /<p class="flash bad" id="search-error">([^<]*)<\/p>/.exec(html)?.[1];
      expect(shown, q).toBe(api.detail.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    }
  });

  it("offers the export of the current filters", async () => {
    const html = await (await ann.get("/console/search?team=alpha&model=gpt-4o")).text();
    expect(html).toContain('id="export-jsonl" href="/api/audit/export?team=alpha&amp;model=gpt-4o&amp;format=jsonl"');
    expect(html).toContain('id="export-csv" href="/api/audit/export?team=alpha&amp;model=gpt-4o&amp;format=csv"');
    expect(html).toContain("completeness can be proven");
  });

  it("renders markup from the log as text", async () => {
    const html = await (await ann.get(`/console/search?team=${encodeURIComponent(XSS_TEAM)}`)).text();
    expect(listed(html)).toEqual([log.xss]);
    expect(html).not.toContain(XSS_TEAM);
    expect(html).not.toContain(XSS_MODEL);
    expect(html).toContain("&lt;b id=&quot;xss-team&quot;&gt;t&lt;/b&gt;");
    expect(html).toContain("&lt;img src=x id=&quot;xss-model&quot; onerror=alert(1)&gt;");
    // The filter echoed back into the form is an attribute value, escaped too.
    expect(html).not.toMatch(/<b id="xss-team">/);
  });

  it("needs a session and the auditor role", async () => {
    const anon = await fetch(`${log.custos.url}/console/search?team=alpha`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/console\/login\?(error=expired&)?return_to=%2Fconsole%2Fsearch/);
    // Administrators include the auditor's rights; a user-only token is refused.
    const admin = await signInWithLink(log.custos, "root", ["admin"]);
    expect((await admin.get("/console/search")).status).toBe(200);
    expect((await admin.get(`/console/events/${log.calls[0]}`)).status).toBe(200);
    expect((await fetch(`${log.custos.url}/api/audit/saved-searches`)).status).toBe(401);
    const user = await fetch(`${log.custos.url}/api/audit/saved-searches`, { headers: { authorization: `Bearer ${await log.custos.token("uma", ["alpha"], { roles: ["user"] })}` } });
    expect(user.status).toBe(403);
    expect(user.headers.get("x-custos-error-code")).toBe("forbidden");
  });
});

describe("saved searches", () => {
  it("saves with the CSRF token only, lists them for their owner alone, and deletes them", async () => {
    const noCsrf = await ann.post("/console/search/saved", { name: "alpha denials", query: "team=alpha&decision=deny" }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.get("x-custos-error-code")).toBe("csrf_rejected");

    const saved = await ann.post("/console/search/saved", { name: "alpha denials", query: "team=alpha&decision=deny&before=0190aaaa-0000-7000-8000-000000000000" });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/console/search?team=alpha&decision=deny&saved=alpha+denials");
    const page = await (await ann.get("/console/search")).text();
    expect(page).toContain('<a href="/console/search?team=alpha&amp;decision=deny" class="saved-link">alpha denials</a>');

    // Bob sees none of Ann's, by page or API, and cannot delete hers.
    expect(await (await bob.get("/console/search")).text()).not.toContain("alpha denials");
    const list = (await (await ann.api("GET", "/api/audit/saved-searches")).json()) as { saved_searches: { id: string; name: string; query: string }[] };
    expect(list.saved_searches).toEqual([expect.objectContaining({ name: "alpha denials", query: "team=alpha&decision=deny" })]);
    const id = list.saved_searches[0]!.id;
    expect(((await (await bob.api("GET", "/api/audit/saved-searches")).json()) as { saved_searches: unknown[] }).saved_searches).toEqual([]);
    expect((await bob.api("DELETE", `/api/audit/saved-searches/${id}`)).status).toBe(404);
    expect((await bob.post(`/console/search/saved/${id}/delete`)).status).toBe(404);
    expect((await ann.post(`/console/search/saved/${id}/delete`, {}, { csrf: false })).status).toBe(403);
    expect(((await (await ann.api("GET", "/api/audit/saved-searches")).json()) as { saved_searches: unknown[] }).saved_searches).toHaveLength(1);

    const del = await ann.post(`/console/search/saved/${id}/delete`);
    expect(del.status).toBe(303);
    expect(((await (await ann.api("GET", "/api/audit/saved-searches")).json()) as { saved_searches: unknown[] }).saved_searches).toEqual([]);
  });

  it("has a JSON API for scripts: create (validated), list, replace by name, delete", async () => {
    const bad = await ann.api("POST", "/api/audit/saved-searches", { name: "x", query: "status=abc" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toBe("query: status: Invalid input: expected number, received NaN");
    const noCsrf = await fetch(`${log.custos.url}/api/audit/saved-searches`, { method: "POST", headers: { cookie: ann.cookie, "content-type": "application/json" }, body: JSON.stringify({ name: "x", query: "" }) });
    expect(noCsrf.status).toBe(403);

    const a = await ann.api("POST", "/api/audit/saved-searches", { name: "emails", query: "pii=EMAIL" });
    expect(a.status).toBe(201);
    const created = (await a.json()) as { id: string; name: string; query: string };
    expect(created).toMatchObject({ name: "emails", query: "pii=EMAIL" });
    const again = (await (await ann.api("POST", "/api/audit/saved-searches", { name: "emails", query: "pii=EMAIL&team=alpha" })).json()) as { id: string; query: string };
    expect(again).toMatchObject({ id: created.id, query: "team=alpha&pii=EMAIL" }); // kept in the filters' order
    expect((await ann.api("DELETE", `/api/audit/saved-searches/${created.id}`)).status).toBe(204);
    expect((await ann.api("DELETE", `/api/audit/saved-searches/${created.id}`)).status).toBe(404);
  });
});
