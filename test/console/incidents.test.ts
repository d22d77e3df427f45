// The console's Incidents views over HTTP: auditors only; every form needs the session's CSRF
// token; opening from the form places the hold and records the freeze (seen through /api and
// in storage); each action form lands in the timeline as its audit event; refused forms say
// why and create nothing; markup typed by users renders as text. Runs on Postgres when
// DATABASE_URL is set, else on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

const XSS = "<img src=x onerror=alert(1)>";
const ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";

let fake: FakeProvider;
let custos: TestCustos;
let db: FreshDb | undefined;
let ann: ConsoleClient;
let root: ConsoleClient;
const calls: string[] = [];

async function chat(): Promise<string> {
  const res = await fetch(`${custos.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${await custos.token("alice", ["demo"])}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Hello" }] }),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get("x-request-id")!;
}

beforeAll(async () => {
  fake = await startFakeProvider();
  db = DATABASE_URL ? await freshDatabase("console_incidents") : undefined;
  const pg: Record<string, string> = db
    ? { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: "console-incidents-pepper-0123456789abcdef", CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()) }
    : {};
  custos = await startCustos({ providers: testProviders(fake.url), env: { CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "100", CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "20", ...pg } });
  for (let n = 0; n < 3; n++) calls.push(await chat());
  const store = custos.server.deps.storage.audit;
  await eventually(async () => (await Promise.all(calls.map((id) => store.event(id)))).every(Boolean), { timeoutMs: 30_000 });
  ann = await signInWithLink(custos, "ann", ["auditor"]);
  root = await signInWithLink(custos, "root", ["admin"]);
}, 120_000);

afterAll(async () => {
  await custos?.close();
  await fake?.close();
  await db?.drop();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().slice(0, 16);
const openForm = (over: Record<string, string> = {}) => ({ title: "Leak", description: "", regimes: "gdpr_art33", aware_at: minutesAgo(30), event_ids: calls[0]!, ...over });

/** Opens an incident from the form; returns its id. */
async function open(form: Record<string, string> | URLSearchParams): Promise<string> {
  const res =
    form instanceof URLSearchParams
      ? await fetch(`${custos.url}/console/incidents`, { method: "POST", headers: { cookie: ann.cookie, "content-type": "application/x-www-form-urlencoded", origin: custos.url }, body: form, redirect: "manual" })
      : await ann.post("/console/incidents", form);
  expect(res.status, await res.clone().text()).toBe(303);
  const m = /^\/console\/incidents\/(inc_[\w-]+)\?done=opened$/.exec(res.headers.get("location") ?? "");
  expect(m).toBeTruthy();
  return m![1]!;
}

const apiIncident = async (id: string) => (await (await ann.api("GET", `/api/incidents/${id}`)).json()) as { incident: { status: string; title: string; details: Record<string, string>; eventIds: string[]; timeline: { kind: string; eventId?: string; detail: Record<string, unknown> }[]; freeze: { holdId: string; checkpoint: { size: number; rootHex: string }; configSha256: string } }; deadlines: { regime: string; stage: string; status: string }[]; holds: { id: string; active: boolean }[] };
const counts = async () => ({ incidents: (await custos.server.deps.storage.compliance.incidents(1000)).length, holds: (await custos.server.deps.storage.compliance.holds({ all: true })).length });

describe("the Incidents views", () => {
  it("is for auditors: the nav links it, a plain user is refused, no session is sent to sign in", async () => {
    const page = await ann.get("/console/incidents");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<a href="/console/incidents" class="active">Incidents</a>');
    expect(html).toContain('href="/console/holds"');
    expect(html).not.toContain('href="/console/subjects"'); // auditor_content only
    expect(html).toContain('<form method="post" action="/console/incidents" class="stack" id="open-form">');
    expect(await (await root.get("/console/incidents")).text()).toContain('href="/console/incidents"');

    const user = await fetch(await custos.consoleLink("uma", ["user"]), { redirect: "manual" });
    expect(user.status).toBe(403);
    expect(await user.text()).toContain("none of the console roles");

    const anon = await fetch(`${custos.url}/console/incidents`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toBe("/console/login?return_to=%2Fconsole%2Fincidents");
    expect((await fetch(`${custos.url}/console/incidents`, { method: "POST", redirect: "manual" })).status).toBe(401);
    expect((await ann.get("/console/incidents/inc_nothing")).status).toBe(404);
    expect((await ann.get("/console/incidents/%3Cb%3E")).status).toBe(404);
  });

  it("prefills the event ids from ?event= (the event page's link)", async () => {
    const html = await (await ann.get(`/console/incidents?event=${calls[0]}&event=${calls[1]}`)).text();
    expect(html).toMatch(new RegExp(`<textarea name="event_ids" id="o-events" rows="3" required="">${calls[0]}\n${calls[1]}</textarea>`));
  });

  it("opens an incident from the form: the hold, the freeze and the audit event exist (via /api and in storage); markup is text", async () => {
    const before = await counts();
    const form = new URLSearchParams({ _csrf: ann.csrf, title: `Leak ${XSS}`, description: `What happened ${XSS}`, aware_at: minutesAgo(60), classified_at: "", occurred_at: minutesAgo(120), time_zone: "Europe/Berlin", team: `ops ${XSS}`, member_states: "de, FR", event_ids: `${calls[0]}\r\n${calls[1]}`, ai_act_case: "health" });
    form.append("regimes", "gdpr_art33");
    form.append("regimes", "ai_act_art73");
    const id = await open(form);
    expect(await counts()).toEqual({ incidents: before.incidents + 1, holds: before.holds + 1 });

    const api = await apiIncident(id);
    expect(api.incident).toMatchObject({ title: `Leak ${XSS}`, status: "open", eventIds: [calls[0], calls[1]], timeZone: "Europe/Berlin", team: `ops ${XSS}`, memberStates: ["DE", "FR"], aiActCase: "health" });
    expect(api.incident.freeze.checkpoint.size).toBeGreaterThan(0);
    expect(api.incident.freeze.configSha256).toBe(custos.server.deps.config.sha256);
    expect(api.holds).toEqual([expect.objectContaining({ id: api.incident.freeze.holdId, active: true })]);
    const [hold] = await custos.server.deps.storage.compliance.holds({ incidentId: id });
    expect(hold).toMatchObject({ id: api.incident.freeze.holdId, eventIds: [calls[0], calls[1]] });
    const row = await custos.server.deps.storage.compliance.incident(id);
    expect(row?.openedBy).toMatch(/:/);
    const opened = await custos.server.deps.storage.audit.event(api.incident.timeline[0]!.eventId!);
    expect(opened?.type).toBe("incident.open");

    const res = await ann.get(`/console/incidents/${id}?done=opened`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const t of [`Leak ${ESCAPED}`, `What happened ${ESCAPED}`, `ops ${ESCAPED}`]) expect(html).toContain(t);
    expect(html).not.toContain(XSS);
    expect(html).toContain("Incident opened.");
    expect(html).toContain(`<dd class="mono" id="freeze-hold">${api.incident.freeze.holdId}</dd>`);
    expect(html).toContain(api.incident.freeze.checkpoint.rootHex);
    expect(html).toContain(`<a href="/console/events/${calls[1]}">${calls[1]}</a>`);
    expect(html).toContain(`<a href="/console/events/${api.incident.timeline[0]!.eventId}">audit event</a>`);
    expect(html).toMatch(/<tr data-regime="gdpr_art33" data-stage="notification" data-status="due"/);
    expect(html).toMatch(/<tr data-regime="ai_act_art73" data-stage="report" data-status="due"/);
    expect(html).toContain(`/api/incidents/${id}/report?regime=gdpr_art33&amp;format=html`);
    expect(html).toContain(`href="/api/incidents/${id}/evidence"`);
    // The manual report fields of both regimes, each asked once.
    expect(html).toContain('name="detail.causal_link"');
    expect(html).toContain('name="detail.likely_consequences"');
    expect(html.match(/name="detail\.likely_consequences"/g)).toHaveLength(1);
    // The list shows it with its next deadline.
    const list = await (await ann.get("/console/incidents")).text();
    expect(list).toMatch(new RegExp(`<tr data-id="${id}">[\\s\\S]*?Leak ${ESCAPED.replace(/[()]/g, "\\$&")}</a>[\\s\\S]*?GDPR Art. 33 notification`));
    expect(list).not.toContain(XSS);
  });

  it("marks what is overdue, in the list and on the incident", async () => {
    const id = await open(openForm({ title: "Old breach", aware_at: minutesAgo(5 * 24 * 60) }));
    const list = await (await ann.get("/console/incidents")).text();
    const row = new RegExp(`<tr data-id="${id}" class="has-overdue">[\\s\\S]*?</tr>`).exec(list)?.[0];
    expect(row).toContain('<span class="badge bad dl-overdue">OVERDUE</span>');
    expect(row).toContain('<td class="num bad overdue-count">1</td>');
    const html = await (await ann.get(`/console/incidents/${id}`)).text();
    expect(html).toMatch(/<tr data-regime="gdpr_art33" data-stage="notification" data-status="overdue"/);
    expect(html).toContain('id="overdue-count"> · 1 overdue</strong>');
  });

  it("runs each action form; each shows up in the timeline with its audit event", async () => {
    const id = await open(openForm({ title: "Actions", regimes: "gdpr_art33" }));
    const steps: [string, Record<string, string>, string][] = [
      ["status", { status: "investigating" }, "status"],
      ["note", { text: `Called the DPO ${XSS}` }, "note"],
      ["submission", { regime: "gdpr_art33", stage: "notification", at: minutesAgo(5), reference: `REF-1 ${XSS}` }, "submission"],
      ["provider-notified", { at: "" }, "provider_notified"],
      ["link", { event_ids: `${calls[2]}\n` }, "link"],
      ["update", { title: `Actions ${XSS}`, "detail.likely_consequences": `Exposure ${XSS}`, "detail.measures": "Rotated keys" }, "update"],
    ];
    for (const [path, form, kind] of steps) {
      const res = await ann.post(`/console/incidents/${id}/${path}`, form);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(303);
      expect(res.headers.get("location")).toBe(`/console/incidents/${id}?done=${path}`);
      const api = await apiIncident(id);
      const last = api.incident.timeline.at(-1)!;
      expect(last.kind).toBe(kind);
      expect((await custos.server.deps.storage.audit.event(last.eventId!))?.type).toBe(`incident.${kind}`);
      const html = await (await ann.get(`/console/incidents/${id}?done=${path}`)).text();
      expect(html).toContain(`<tr data-kind="${kind}">`);
      expect(html).toContain(`<a href="/console/events/${last.eventId}">audit event</a>`);
      expect(html).toContain('<p class="flash ok" id="flash">');
    }
    const api = await apiIncident(id);
    expect(api.incident).toMatchObject({ status: "investigating", title: `Actions ${XSS}`, details: { likely_consequences: `Exposure ${XSS}`, measures: "Rotated keys" }, eventIds: [calls[0], calls[2]] });
    expect(api.deadlines.find((d) => d.stage === "notification")?.status).toBe("met");
    expect(api.holds.filter((h) => h.active)).toHaveLength(2);
    const html = await (await ann.get(`/console/incidents/${id}`)).text();
    for (const t of [`Called the DPO ${ESCAPED}`, `REF-1 ${ESCAPED}`, `Exposure ${ESCAPED}`, `Actions ${ESCAPED}`]) expect(html).toContain(t);
    expect(html).not.toContain(XSS);
    expect(html).toMatch(/<tr data-regime="gdpr_art33" data-stage="notification" data-status="met"/);

    // An update that changes nothing, a bad action and a closed incident are refused with a reason.
    const same = await ann.post(`/console/incidents/${id}/update`, { title: `Actions ${XSS}` });
    expect(same.status).toBe(400);
    expect(await same.text()).toContain("An update needs at least one field.");
    expect((await ann.post(`/console/incidents/${id}/explode`, {})).status).toBe(404);
    expect((await ann.post(`/console/incidents/${id}/status`, { status: "closed" })).status).toBe(303);
    const closed = await ann.post(`/console/incidents/${id}/note`, { text: "late" });
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain("is closed; reopen it");
  });

  it("refuses every form without the CSRF token, and changes nothing", async () => {
    const id = await open(openForm({ title: "CSRF" }));
    const before = { ...(await counts()), timeline: (await apiIncident(id)).incident.timeline.length };
    const posts: [string, Record<string, string>][] = [
      ["/console/incidents", openForm()],
      [`/console/incidents/${id}/status`, { status: "investigating" }],
      [`/console/incidents/${id}/note`, { text: "x" }],
      [`/console/incidents/${id}/submission`, { regime: "gdpr_art33", stage: "notification" }],
      [`/console/incidents/${id}/provider-notified`, {}],
      [`/console/incidents/${id}/link`, { event_ids: calls[2]! }],
      [`/console/incidents/${id}/update`, { title: "changed" }],
    ];
    for (const [path, form] of posts) {
      const res = await ann.post(path, form, { csrf: false });
      expect(res.status, path).toBe(403);
      expect(res.headers.get("x-custos-error-code")).toBe("csrf_rejected");
      const wrong = await ann.post(path, { ...form, _csrf: "not-the-token" }, { csrf: false });
      expect(wrong.headers.get("x-custos-error-code")).toBe("csrf_rejected");
    }
    expect({ ...(await counts()), timeline: (await apiIncident(id)).incident.timeline.length }).toEqual(before);
  });

  it("refuses a form with no regime, AI Act without its case, a future awareness time or an unknown event, says why, keeps what was typed, creates nothing", async () => {
    const before = await counts();
    const cases: [Record<string, string>, number, string][] = [
      [{ regimes: "" }, 400, "Name at least one regime"],
      [{ regimes: "ai_act_art73" }, 400, "An AI Act Art. 73 incident needs its case"],
      [{ aware_at: new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 16) }, 400, "aware_at is in the future."],
      [{ event_ids: "00000000-0000-4000-8000-000000000000" }, 404, "There is no audit event 00000000-0000-4000-8000-000000000000."],
      [{ event_ids: "not-an-id" }, 400, "&#39;not-an-id&#39; is not an audit event id"],
      [{ aware_at: "yesterday" }, 400, "aware_at: a time such as"],
      [{ time_zone: "Mars/Olympus" }, 400, "Unknown time zone"],
    ];
    for (const [over, status, message] of cases) {
      const form = openForm({ title: `Refused ${XSS}`, ...over });
      if (form.regimes === "") delete (form as Record<string, string>).regimes;
      const res = await ann.post("/console/incidents", form);
      expect(res.status, message).toBe(status);
      const html = await res.text();
      expect(html).toContain('<p class="flash bad" id="flash">');
      expect(html).toContain(message);
      expect(html).toContain(`value="Refused ${ESCAPED}"`);
      expect(html).not.toContain(XSS);
    }
    expect(await counts()).toEqual(before);
  });
});
