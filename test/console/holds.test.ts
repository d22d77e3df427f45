// The console's Legal holds view over HTTP (no browser): placing a hold from the form is the
// same hold as /api/holds shows and the same hold.place event, with the console user as the
// actor; releasing needs a reason and is hold.release; a scope-less hold, a range that ends
// before it starts and an unknown event are refused in words. Auditors only; every form
// needs the session's CSRF token; a reason with markup shows as text. And the Retention
// view (mounted on its own until it is registered): read-only for auditors, purge for admins.
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import type { ConsoleEnv } from "../../src/console/layout.tsx";
import { retentionPage } from "../../src/console/pages/retention.tsx";
import type { Role } from "../../src/identity/principal.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

const XSS = "<img src=x onerror=alert(1)>";
const ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";
type Json = Record<string, unknown>;
type Hold = { id: string; reason: string; scope: Json; active: boolean; released?: { reason: string } };

let custos: TestCustos;
let db: FreshDb | undefined;
let ann: ConsoleClient; // auditor
let carla: ConsoleClient; // auditor_content
let auditorToken: string;
let eventId: string;

beforeAll(async () => {
  // On Postgres when DATABASE_URL is set (a fresh database), else PGlite in memory.
  db = DATABASE_URL ? await freshDatabase("custos_console_holds") : undefined;
  const pg: Record<string, string> = db ? { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url"), CUSTOS_KEK: randomBytes(32).toString("hex"), CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()) } : {};
  custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: pg });
  ann = await signInWithLink(custos, "ann", ["auditor"]);
  carla = await signInWithLink(custos, "carla", ["auditor_content"]);
  auditorToken = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  const res = await fetch(`${custos.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${await custos.token("alice", ["demo"])}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "Hello" }] }),
  });
  expect(res.status).toBe(200);
  eventId = res.headers.get("x-request-id")!;
  await custos.server.deps.audit.flush();
}, 120_000);

afterAll(async () => {
  await custos?.close();
  await db?.drop();
});

const apiHolds = async (): Promise<Hold[]> => ((await (await fetch(`${custos.url}/api/holds?all=1`, { headers: { authorization: `Bearer ${auditorToken}` } })).json()) as { holds: Hold[] }).holds;

async function events(type: string): Promise<{ entry: Json & { actor: { subject: string } } }[]> {
  await custos.server.deps.audit.flush();
  const res = await fetch(`${custos.url}/api/audit/events?type=${type}`, { headers: { authorization: `Bearer ${auditorToken}` } });
  return ((await res.json()) as { events: { entry: Json & { actor: { subject: string } } }[] }).events;
}

const pseudonymOf = async (client: ConsoleClient) => /Your audit pseudonym<\/dt><dd class="mono">([^<]+)</.exec(await (await client.get("/console/session")).text())?.[1];

describe("the Legal holds view", () => {
  let held: Hold;

  it("places a hold from the form: /api/holds shows it, hold.place names the console user, the page lists it with its scope in words and the reason as text", async () => {
    const placed = await ann.post("/console/holds", { reason: `Matter 2026-17 ${XSS}`, team: "demo", from: "2026-01-01T00:00", to: "2036-01-01T00:00", event_ids: "" });
    expect(placed.status).toBe(303);
    expect(placed.headers.get("location")).toBe("/console/holds?done=placed");
    const holds = await apiHolds();
    held = holds.find((h) => h.reason === `Matter 2026-17 ${XSS}`)!;
    expect(held).toMatchObject({ active: true, scope: { team: "demo", from: "2026-01-01T00:00:00.000Z", to: "2036-01-01T00:00:00.000Z" } });

    const me = await pseudonymOf(ann);
    const place = await eventually(async () => (await events("hold.place")).find((e) => (e.entry.hold as Json).id === held.id));
    expect(place!.entry).toMatchObject({ actor: { subject: me }, hold: { id: held.id, scope: { team: "demo" } } });

    const page = await (await ann.get("/console/holds?done=placed")).text();
    expect(page).toContain("Legal hold placed.");
    const row = new RegExp(`<tr id="${held.id}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? "";
    expect(row).toContain(`Matter 2026-17 ${ESCAPED}`);
    expect(row).toContain("team demo");
    expect(row).toContain("received from 2026-01-01T00:00:00.000Z until 2036-01-01T00:00:00.000Z");
    expect(row).toMatch(/<li class="count">[1-9]\d* events? at present<\/li>/);
    expect(row).toContain(`action="/console/holds/${held.id}/release"`);
    expect(page).not.toContain(XSS);

    // By event id: the count is the list's, each a link to the event.
    expect((await ann.post("/console/holds", { reason: "Ticket 88", event_ids: `${eventId}\n${eventId.toUpperCase()}` })).status).toBe(303);
    const byId = (await apiHolds()).find((h) => h.reason === "Ticket 88")!;
    expect(byId.scope).toEqual({ event_ids: [eventId] });
    const again = await (await ann.get("/console/holds")).text();
    expect(new RegExp(`<tr id="${byId.id}"[\\s\\S]*?</tr>`).exec(again)?.[0]).toContain(`1 listed event: <a class="mono" href="/console/events/${eventId}">`);
  });

  it("refuses a hold without a scope, with a range that ends before it starts, naming an unknown event or a bad pseudonym, in words, placing nothing", async () => {
    const before = (await apiHolds()).length;
    const cases: [Record<string, string>, number, string][] = [
      [{ reason: "no scope" }, 400, "A legal hold needs a scope"],
      [{ reason: "bad range", from: "2026-03-01T00:00", to: "2026-02-01T00:00" }, 400, "The hold&#39;s time range ends before it starts"],
      [{ reason: "unknown event", event_ids: "0190a5b2-0000-7000-8000-000000000000" }, 404, "There is no audit event 0190a5b2-0000-7000-8000-000000000000."],
      [{ reason: "not an id", event_ids: "nope" }, 400, "is not an event id"],
      [{ reason: "bad subject", subject: "<b>x</b>" }, 400, "subject: a pseudonym"],
      [{ reason: "bad time", from: "yesterday" }, 400, "from: a date and time"],
      [{ reason: "  ", team: "demo" }, 400, "A legal hold needs a reason"],
    ];
    for (const [form, status, words] of cases) {
      const r = await ann.post("/console/holds", form);
      expect(r.status, JSON.stringify(form)).toBe(status);
      const html = await r.text();
      expect(html).toContain('<p class="flash bad" id="flash">');
      expect(html).toContain(words);
    }
    // What was typed is kept in the form (as text).
    const kept = await (await ann.post("/console/holds", { reason: `keep ${XSS}` })).text();
    expect(kept).toContain(`value="keep ${ESCAPED}"`);
    expect(kept).not.toContain(XSS);
    expect((await apiHolds()).length).toBe(before);
  });

  it("releases a hold with a required reason: hold.release by the console user, listed as released; a second release is a conflict", async () => {
    const noReason = await carla.post(`/console/holds/${held.id}/release`, { reason: " " });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Releasing a legal hold needs a reason");
    expect((await apiHolds()).find((h) => h.id === held.id)!.active).toBe(true);

    const r = await carla.post(`/console/holds/${held.id}/release`, { reason: `Matter settled ${XSS}` });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/console/holds?done=released");
    expect((await apiHolds()).find((h) => h.id === held.id)).toMatchObject({ active: false, released: { reason: `Matter settled ${XSS}` } });
    const me = await pseudonymOf(carla);
    const release = await eventually(async () => (await events("hold.release")).find((e) => (e.entry.hold as Json).id === held.id));
    expect(release!.entry).toMatchObject({ actor: { subject: me }, hold: { id: held.id } });

    const page = await (await ann.get("/console/holds?done=released")).text();
    const released = /<table id="released">[\s\S]*?<\/table>/.exec(page)?.[0] ?? "";
    expect(released).toContain(`<tr id="${held.id}"`);
    expect(released).toContain(`Matter settled ${ESCAPED}`);
    expect(/<table id="holds">[\s\S]*?<\/table>/.exec(page)?.[0]).not.toContain(held.id);
    expect(page).not.toContain(XSS);

    const twice = await ann.post(`/console/holds/${held.id}/release`, { reason: "again" });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("was released already");
    expect((await ann.post("/console/holds/hold_nosuch/release", { reason: "x" })).status).toBe(404);
  });

  it("is for auditors: no session is sent to sign in (GET) or refused (POST); a user-only account gets no session; every form needs the CSRF token", async () => {
    expect((await carla.get("/console/holds")).status).toBe(200);
    const admin = await signInWithLink(custos, "root", ["admin"]);
    expect((await admin.get("/console/holds")).status).toBe(200);
    expect(await (await ann.get("/console/holds")).text()).toContain('href="/console/holds"');

    const anon = await fetch(`${custos.url}/console/holds`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/console\/login/);
    for (const path of ["/console/holds", "/console/holds/hold_x/release"]) expect((await fetch(`${custos.url}${path}`, { method: "POST", redirect: "manual" })).status).toBe(401);
    // A bearer token is not a console session.
    const bearer = await fetch(`${custos.url}/console/holds`, { headers: { authorization: `Bearer ${auditorToken}` }, redirect: "manual" });
    expect(bearer.status).toBe(302);
    const userOnly = await fetch(await custos.consoleLink("uma", ["user"]), { redirect: "manual" });
    expect(userOnly.status).toBe(403);
    expect(userOnly.headers.getSetCookie()).toEqual([]);

    const before = await apiHolds();
    const active = before.find((h) => h.active)!;
    for (const [path, form] of [
      ["/console/holds", { reason: "csrf", team: "demo" }],
      [`/console/holds/${active.id}/release`, { reason: "csrf" }],
    ] as const) {
      const r = await ann.post(path, form, { csrf: false });
      expect(r.status, path).toBe(403);
      expect(r.headers.get("x-custos-error-code")).toBe("csrf_rejected");
    }
    expect(await apiHolds()).toEqual(before);
  });
});

/** The retention page on its own, with a session of these roles (routing and CSRF are the console's, tested above). */
function retentionApp(roles: Role[]): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const now = new Date();
  app.use("*", async (c, next) => {
    c.set("session", { idHash: "x", csrf: "t0k", issuer: "custos-dev", issuerName: "dev", subject: "rita", email: null, teams: [], roles, method: "link", createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 3_600_000) });
    c.set("roles", roles);
    c.set("pseudonym", "p-rita");
    await next();
  });
  app.route("/console", retentionPage(custos.server.deps));
  return app;
}

describe("the Retention view", () => {
  const post = (roles: Role[], path: string, form: Record<string, string>) => retentionApp(roles).request(path, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded" } });

  it("shows auditors the classes, each month's outcome with the reason, and no purge form", async () => {
    const res = await retentionApp(["auditor"]).request("/console/retention");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<tr data-class="standard"><td class="mono">standard<span class="muted"> \(default\)<\/span>/);
    const month = new Date().toISOString().slice(0, 7);
    // This month's records have not expired: refused, with the database's reason.
    expect(html).toMatch(new RegExp(`<tr data-month="${month}" data-outcome="refused">[\\s\\S]*?\\(retention\\)</td>`));
    expect(html).not.toContain('id="purge-form"');
    expect(html).toContain("Purging and destroying content keys need the admin role.");
    expect((await post(["auditor"], "/console/retention/purge", { dry_run: "yes" })).status).toBe(403);
    expect((await post(["auditor_content"], "/console/retention/shred", {})).status).toBe(403);
  });

  it("lets an admin dry-run a purge (nothing goes), and refuses a month that may not go, naming why", async () => {
    const page = await (await retentionApp(["admin"]).request("/console/retention")).text();
    expect(page).toContain('id="purge-form"');
    expect(page).toContain('<input type="checkbox" name="dry_run" value="yes" checked=""/>');
    const dry = await post(["admin"], "/console/retention/purge", { dry_run: "yes" });
    expect(dry.status).toBe(200);
    expect(await dry.text()).toContain("Dry run: nothing was purged.");
    const month = new Date().toISOString().slice(0, 7);
    const refused = await post(["admin"], "/console/retention/purge", { month });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(`${month} cannot be purged`);
    expect((await post(["admin"], "/console/retention/purge", { month: "2026-13" })).status).toBe(400);
    expect(await custos.server.deps.storage.compliance.purged()).toEqual([]);
    const shred = await post(["admin"], "/console/retention/shred", {});
    expect(await shred.text()).toContain("No content key had expired.");
  });
});
