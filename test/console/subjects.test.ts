// The console's Data subjects and Reveal content views over HTTP (no browser), on a server
// whose hr team keeps prompts and answers encrypted: a look-up needs a justification and is
// an audit.access event naming the pseudonyms found (never the email); erasure is refused
// under a hold (naming it) and works once it is released, after which the person is not
// found and their content shows as destroyed; a reveal needs auditor_content and a
// justification, is recorded, and shows markup as text; with reveal_approval second_person
// a second person approves (never the requester). Every answer is no-store; every form
// needs the CSRF token.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { mintDevToken } from "../../src/identity/dev-issuer.ts";
import { devIssuerKey } from "../../src/runtime/node-files.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { eventually, openPolicies, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";
import { XSS, ESCAPED, EMAIL, PROMPT, HR } from "./compliance-fixture.ts";

type Json = Record<string, unknown>;

interface Server {
  custos: TestCustos;
  db?: FreshDb;
  /** x-request-id of erin's hr call. */
  call: string;
}

/** A server (on a fresh Postgres database when DATABASE_URL is set) with one hr call by erin, whose token carries her email. */
async function start(env: Record<string, string> = {}): Promise<Server> {
  const db = DATABASE_URL ? await freshDatabase("custos_console_subjects") : undefined;
  const pg: Record<string, string> = db ? { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url"), CUSTOS_KEK: randomBytes(32).toString("hex"), CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()) } : {};
  const custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), policies: { ...openPolicies(["demo"]), "teams/hr.yaml": HR }, env: { ...env, ...pg } });
  const key = await devIssuerKey(path.join(custos.dir, ".custos"), () => {});
  const token = await mintDevToken(key, { sub: "erin-0042", teams: ["hr"], roles: ["user"], ttl: 600, email: EMAIL });
  const res = await fetch(`${custos.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: PROMPT }] }) });
  expect(res.status).toBe(200);
  const call = res.headers.get("x-request-id")!;
  await custos.server.deps.audit.flush();
  expect(await eventually(async () => (await custos.server.deps.storage.audit.content(call)).length > 0, { timeoutMs: 10_000 })).toBe(true);
  return { custos, call, ...(db ? { db } : {}) };
}

let s: Server;
let carla: ConsoleClient; // auditor_content
let ann: ConsoleClient; // auditor only

beforeAll(async () => {
  s = await start();
  carla = await signInWithLink(s.custos, "carla", ["auditor_content"]);
  ann = await signInWithLink(s.custos, "ann", ["auditor"]);
}, 120_000);

afterAll(async () => {
  await s?.custos.close();
  await s?.db?.drop();
});

async function events(c: TestCustos, type: string): Promise<{ event_id: string; entry: Json & { actor: { subject: string } } }[]> {
  await c.server.deps.audit.flush();
  const res = await fetch(`${c.url}/api/audit/events?type=${type}&limit=100`, { headers: { authorization: `Bearer ${await c.token("olivia", ["compliance"], { roles: ["auditor"] })}` } });
  return ((await res.json()) as { events: { event_id: string; entry: Json & { actor: { subject: string } } }[] }).events;
}

const pseudonymOf = async (client: ConsoleClient) => /Your audit pseudonym<\/dt><dd class="mono">([^<]+)</.exec(await (await client.get("/console/session")).text())?.[1];
const lookup = (justification = "DSAR ticket 2026-0042 (GDPR Art. 15)") => carla.post("/console/subjects/lookup", { email: EMAIL, sub: "", iss: "", justification });

describe("the Data subjects view", () => {
  let erin: string;

  it("a look-up needs a justification; it lists each pseudonym's calls (links to the call) and is an audit.access event naming the pseudonyms, never the email", async () => {
    const lookups = async () => (await events(s.custos, "audit.access")).filter((e) => (e.entry.access as Json).kind === "subject_lookup").length;
    const before = await lookups();
    for (const justification of ["", "too short"]) {
      const r = await lookup(justification);
      expect(r.status).toBe(400);
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(await r.text()).toContain("A justification is required");
    }
    const both = await carla.post("/console/subjects/lookup", { email: EMAIL, sub: "erin-0042", justification: "DSAR ticket 2026-0042" });
    expect(both.status).toBe(400);
    expect(await both.text()).toContain("Give an email or a subject id (one of them).");
    expect(await lookups()).toBe(before);

    const r = await lookup();
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const html = await r.text();
    erin = /<div class="card subject" id="subject-([A-Za-z0-9_-]+)"/.exec(html)?.[1] ?? "";
    expect(erin).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(html).toContain("found by email");
    expect(html).toContain(`<a class="mono" href="/console/events/${s.call}">${s.call}</a>`);
    expect(html).toContain("None: erasure is possible.");
    expect(html).not.toContain(EMAIL);

    const me = await pseudonymOf(carla);
    const access = (await events(s.custos, "audit.access")).map((e) => e.entry).find((e) => (e.access as Json).kind === "subject_lookup");
    expect(access).toMatchObject({ actor: { subject: me }, access: { kind: "subject_lookup", by: "email", found: [erin], justification: "DSAR ticket 2026-0042 (GDPR Art. 15)" } });
    expect(JSON.stringify(access)).not.toContain(EMAIL);

    // By subject id and issuer: the same pseudonym.
    const bySub = await carla.post("/console/subjects/lookup", { sub: "erin-0042", iss: "", justification: "DSAR ticket 2026-0042" });
    expect(await bySub.text()).toContain(`id="subject-${erin}"`);
  });

  it("erasure is refused under a hold, naming it; it works once the hold is released (what was destroyed is said), and a new look-up finds nothing", async () => {
    const placed = await carla.api("POST", "/api/holds", { reason: `Litigation ${XSS}`, subject: erin });
    expect(placed.status).toBe(201);
    const hold = ((await placed.json()) as { hold: { id: string } }).hold.id;
    const listed = await (await lookup()).text();
    expect(listed).toContain(`<a class="mono" href="/console/holds#${hold}">${hold}</a> — Litigation ${ESCAPED}`);
    expect(listed).not.toContain(XSS);

    const erase = (form: Record<string, string>) => carla.post(`/console/subjects/${erin}/erase`, form);
    expect((await erase({ justification: "Art. 17 request 2026-0042" })).status).toBe(400); // no confirmation
    const noWhy = await erase({ justification: "", confirm: "yes" });
    expect(noWhy.status).toBe(400);
    expect(await noWhy.text()).toContain("A justification is required");

    const refused = await erase({ justification: "Art. 17 request 2026-0042", confirm: "yes" });
    expect(refused.status).toBe(409);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect(await refused.text()).toContain(`Legal hold ${hold} covers this person&#39;s events: erasure is deferred`);
    expect((await events(s.custos, "erasure.refused"))[0]!.entry).toMatchObject({ erasure: { subject: erin, holds: [hold] } });
    expect(await s.custos.server.deps.sealer.open((await s.custos.server.deps.storage.audit.content(s.call))[0]!.jwe)).toBeDefined();

    expect((await carla.api("POST", `/api/holds/${hold}/release`, { reason: "Litigation closed" })).status).toBe(200);
    const done = await erase({ justification: "Art. 17 request 2026-0042", confirm: "yes" });
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toMatch(new RegExp(`Erased <span class="mono">${erin}</span>: [1-9]\\d* content keys? destroyed`));
    expect(html).toContain("the pseudonym mapping destroyed");
    expect((await events(s.custos, "erasure.completed"))[0]!.entry).toMatchObject({ erasure: { subject: erin, mapping_destroyed: true } });

    const again = await lookup();
    expect(await again.text()).toContain('id="none-found"');
    const reveal = await carla.post("/console/subjects/reveal", { event: s.call, justification: "Check the erasure took effect" });
    expect(reveal.status).toBe(200);
    expect(await reveal.text()).toMatch(/data-part="input" data-state="shredded"><h3>Prompt \(input\)<\/h3><p class="warn destroyed">destroyed \(erasure or retention\)<\/p>/);
  });

  it("is for auditor_content: an auditor, an admin and no session are refused on every route; every form needs the CSRF token; all of it is no-store", async () => {
    const admin = await signInWithLink(s.custos, "root", ["admin"]);
    const gets = ["/console/subjects", "/console/subjects/reveal"];
    const posts = ["/console/subjects/lookup", "/console/subjects/AAAAAAAAAAAAAAAAAAAA/erase", "/console/subjects/reveal", "/console/subjects/reveal/request", "/console/subjects/reveal/approve"];
    for (const who of [ann, admin]) {
      for (const p of gets) expect((await who.get(p)).status, p).toBe(403);
      for (const p of posts) {
        const r = await who.post(p, { justification: "a good long reason", confirm: "yes", email: EMAIL, event: s.call });
        expect(r.status, p).toBe(403);
        expect(r.headers.get("x-custos-error-code")).toBe("forbidden");
        expect(r.headers.get("cache-control")).toBe("no-store");
      }
    }
    for (const p of gets) {
      const r = await fetch(`${s.custos.url}${p}`, { redirect: "manual" });
      expect(r.status).toBe(302);
      expect(r.headers.get("location")).toMatch(/^\/console\/login/);
    }
    for (const p of posts) expect((await fetch(`${s.custos.url}${p}`, { method: "POST", redirect: "manual" })).status, p).toBe(401);
    for (const p of posts) {
      const r = await carla.post(p, { justification: "a good long reason", confirm: "yes", email: EMAIL, event: s.call }, { csrf: false });
      expect(r.status, p).toBe(403);
      expect(r.headers.get("x-custos-error-code")).toBe("csrf_rejected");
    }
    for (const p of gets) expect((await carla.get(p)).headers.get("cache-control")).toBe("no-store");
    expect(await (await ann.get("/console/holds")).text()).not.toContain('href="/console/subjects"');
  });
});

describe("Reveal content", () => {
  let other: Server;

  beforeAll(async () => {
    other = await start();
  }, 120_000);
  afterAll(async () => {
    await other?.custos.close();
    await other?.db?.drop();
  });

  it("needs auditor_content and a justification; shows the prompt and answer as text; is an audit.access content_reveal; no-store", async () => {
    const c = await signInWithLink(other.custos, "carla", ["auditor_content"]);
    const auditor = await signInWithLink(other.custos, "ann", ["auditor"]);
    expect((await auditor.post("/console/subjects/reveal", { event: other.call, justification: "Complaint 2026-9 review" })).status).toBe(403);
    const noWhy = await c.post("/console/subjects/reveal", { event: other.call, justification: "" });
    expect(noWhy.status).toBe(400);
    expect(await noWhy.text()).toContain("A justification is required");
    expect((await c.post("/console/subjects/reveal", { event: "0190a5b2-0000-7000-8000-000000000000", justification: "Complaint 2026-9 review" })).status).toBe(404);

    const r = await c.post("/console/subjects/reveal", { event: other.call, justification: "Complaint 2026-9 review" });
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const html = await r.text();
    expect(html).toContain(`<pre class="content">`);
    expect(html).toContain(`Summarise ticket 4711 for Erin ${ESCAPED}`);
    expect(html).not.toContain(XSS);
    const me = await pseudonymOf(c);
    const access = (await events(other.custos, "audit.access")).map((e) => e.entry).find((e) => (e.access as Json).kind === "content_reveal");
    expect(access).toMatchObject({ actor: { subject: me }, access: { kind: "content_reveal", event_id: other.call, justification: "Complaint 2026-9 review", parts: ["input:revealed"] } });
    expect(JSON.stringify(access)).not.toContain("4711");
  });
});

describe("Reveal content with a second person's approval", () => {
  let two: Server;

  beforeAll(async () => {
    two = await start({ CUSTOS_REVEAL_APPROVAL: "second_person" });
  }, 120_000);
  afterAll(async () => {
    await two?.custos.close();
    await two?.db?.drop();
  });

  it("refuses a reveal without an approved request; the requester cannot approve their own; another person's approval lets the requester reveal", async () => {
    const c = await signInWithLink(two.custos, "carla", ["auditor_content"]);
    const d = await signInWithLink(two.custos, "dora", ["auditor_content"]);
    const why = "Complaint 2026-9 review";
    const direct = await c.post("/console/subjects/reveal", { event: two.call, justification: why });
    expect(direct.status).toBe(403);
    expect(await direct.text()).toContain("needs a second person&#39;s approval");

    const asked = await c.post("/console/subjects/reveal/request", { event: two.call, justification: why });
    expect(asked.status).toBe(201);
    const html = await asked.text();
    const request = /Asked: request (rev_[A-Za-z0-9_-]+)\./.exec(html)?.[1] ?? "";
    expect(request).not.toBe("");
    expect(html).toContain(`name="request" maxlength="48" value="${request}"`);
    expect(html).toMatch(new RegExp(`<tr data-id="${request}">[\\s\\S]*?yours: another person approves`));

    const self = await c.post("/console/subjects/reveal/approve", { id: request });
    expect(self.status).toBe(403);
    expect(await self.text()).toContain("approved by a second person, not by whoever asked for it");
    expect((await c.post("/console/subjects/reveal", { event: two.call, request, justification: why })).status).toBe(403);

    const pending = await (await d.get("/console/subjects/reveal")).text();
    expect(pending).toMatch(new RegExp(`<tr data-id="${request}">[\\s\\S]*?<input type="hidden" name="id" value="${request}"/>`));
    const approved = await d.post("/console/subjects/reveal/approve", { id: request });
    expect(approved.status).toBe(303);
    expect(approved.headers.get("location")).toBe("/console/subjects/reveal?done=approved");
    // Dora's approval is for Carla's request: Dora herself still may not reveal with it.
    expect((await d.post("/console/subjects/reveal", { event: two.call, request, justification: why })).status).toBe(403);

    const shown = await c.post("/console/subjects/reveal", { event: two.call, request, justification: why });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain(`Summarise ticket 4711 for Erin ${ESCAPED}`);
    const kinds = (await events(two.custos, "audit.access")).map((e) => (e.entry.access as Json).kind);
    expect(kinds).toEqual(expect.arrayContaining(["reveal_request", "reveal_approve", "content_reveal"]));
    const reveal = (await events(two.custos, "audit.access")).map((e) => e.entry).find((e) => (e.access as Json).kind === "content_reveal");
    expect(reveal).toMatchObject({ access: { request } });
  });
});
