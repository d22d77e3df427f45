// The compliance workflows end to end through /api on a running server (embedded database;
// real Postgres in CI through DATABASE_URL in the storage suites): an incident opened from
// real calls freezes its evidence (hold, policy snapshot, a checkpoint signed and anchored
// now); a month is purged only after its records expired, no hold touches it and an
// anchored checkpoint covers it, and the log still verifies, the month reported as purged;
// erasure is refused under the incident's hold and, once released, leaves the content
// unreadable and the log verifiable; content reveal needs auditor_content and a
// justification, and is itself recorded.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

const ORG = `description: Test baseline.
rules:
  - id: audit.encrypted
    description: Prompts and answers are kept encrypted under the caller's key.
    audit:
      content: encrypted
retention:
  default: standard
  classes:
    standard: { events: 13 months, content: 90 days }
    short: { events: 1 day, content: 1 day }
`;

const PROMPT = "My account number is 4711; please summarise the ticket.";
type Json = Record<string, unknown>;

let custos: TestCustos;
let admin: string;
let auditor: string;
let content: string;
let requestEventId: string;

const api = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; code: string | null; json: Json }> => {
  const res = await fetch(`${custos.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, code: res.headers.get("x-custos-error-code"), json: text.startsWith("{") ? (JSON.parse(text) as Json) : { text } };
};

async function events(type: string): Promise<{ event_id: string; entry: Json }[]> {
  await custos.server.deps.audit.flush();
  return (await api("GET", `/api/audit/events?type=${type}&limit=100`, auditor)).json.events as { event_id: string; entry: Json }[];
}

async function verify(): Promise<{ ok: boolean; checks: { name: string; ok: boolean; detail: string }[]; first?: { why: string } }> {
  await custos.server.deps.audit.flush();
  await custos.server.deps.checkpointNow!();
  const res = await fetch(`${custos.url}/api/audit/verify`, { method: "POST", headers: { authorization: `Bearer ${auditor}` } });
  expect(res.status).toBe(200);
  const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as Json);
  return lines.at(-1)!.result as never;
}

const monthsAgo = (n: number) => {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 10, 12);
};
const monthName = (ms: number) => new Date(ms).toISOString().slice(0, 7);

beforeAll(async () => {
  custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), policies: { "org.yaml": ORG, "teams/demo.yaml": "team: demo\ndescription: Demo team.\n" }, env: { CUSTOS_RETENTION_SCHEDULE_HOURS: "0" } });
  admin = custos.server.deps.adminToken!;
  auditor = await custos.token("olivia", ["demo"], { roles: ["auditor"] });
  content = await custos.token("carla", ["demo"], { roles: ["auditor_content"] });
  const client = new OpenAI({ apiKey: await custos.token("alice", ["demo"]), baseURL: `${custos.url}/v1`, maxRetries: 0 });
  const r = await client.chat.completions.create({ model: "custos-echo", messages: [{ role: "user", content: PROMPT }] }).withResponse();
  requestEventId = r.response.headers.get("x-request-id")!;
  await custos.server.deps.audit.flush();
}, 120_000);

afterAll(async () => {
  await custos?.close();
});

describe("incidents through /api", () => {
  let incident: Json;

  it("opening one freezes the evidence: a hold on the events, the policy snapshot, a checkpoint signed and anchored now", async () => {
    const before = (await custos.server.deps.storage.audit.latestCheckpoint())?.size ?? 0;
    const awareAt = new Date(Date.now() - 3_600_000).toISOString();
    const r = await api("POST", "/api/incidents", auditor, { title: "Customer data in a prompt", description: "An agent pasted an account number.", regimes: ["gdpr_art33", "ai_act_art73"], ai_act_case: "fundamental_rights", aware_at: awareAt, event_ids: [requestEventId], member_states: ["de"] });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    incident = r.json.incident as Json;
    const freeze = incident.freeze as { holdId: string; policy: { version: string; sha256: string }; configSha256: string; checkpoint: { size: number; rootHex: string; anchors: { kind: string; ref: string }[] } };
    expect(freeze.policy.version).toBe(custos.server.deps.policies.current.version);
    expect(freeze.configSha256).toBe(custos.server.deps.config.sha256);
    expect(freeze.checkpoint.size).toBeGreaterThan(before);
    expect(freeze.checkpoint.anchors.map((a) => a.kind)).toContain("file");
    const cp = (await custos.server.deps.storage.audit.checkpoints(freeze.checkpoint.size, freeze.checkpoint.size))[0]!;
    expect(Buffer.from(cp.root).toString("hex")).toBe(freeze.checkpoint.rootHex);
    // The incident.open event itself is inside that checkpoint.
    const open = (await events("incident.open"))[0]!;
    expect((await custos.server.deps.storage.audit.leafIndexOf(open.event_id))!).toBeLessThan(freeze.checkpoint.size);
    expect(open.entry.incident).toMatchObject({ id: incident.id, regimes: ["gdpr_art33", "ai_act_art73"], events: [requestEventId], hold: freeze.holdId });
    expect(JSON.stringify(open.entry)).not.toContain("account number");
    // The hold is in force and covers the event; the policy files are kept as they were.
    const hold = await api("GET", `/api/holds/${freeze.holdId}`, auditor);
    expect(hold.json.hold).toMatchObject({ active: true, scope: { incident: incident.id, event_ids: [requestEventId] } });
    const row = await custos.server.deps.storage.compliance.incident(incident.id as string);
    expect((row!.opening.policy_snapshot as { files: Record<string, string> }).files["org.yaml"]).toBe(ORG);
    // Deadlines: GDPR 72 h from awareness exactly; AI Act (fundamental rights) 15 days.
    const deadlines = r.json.deadlines as { regime: string; stage: string; due: string; status: string }[];
    expect(deadlines.find((d) => d.regime === "gdpr_art33")).toMatchObject({ stage: "notification", due: new Date(Date.parse(awareAt) + 72 * 3_600_000).toISOString(), status: "due" });
    expect(deadlines.find((d) => d.regime === "ai_act_art73")!.stage).toBe("report");
  });

  it("actions change it only by new rows and events; a submission meets its deadline; bad input changes nothing", async () => {
    const id = incident.id as string;
    expect((await api("POST", `/api/incidents/${id}/actions`, auditor, { kind: "note", text: "Called the team lead." })).status).toBe(201);
    const sub = await api("POST", `/api/incidents/${id}/actions`, auditor, { kind: "submission", regime: "gdpr_art33", stage: "notification", reference: "SA-2026-118" });
    expect(sub.status).toBe(201);
    expect((sub.json.deadlines as { regime: string; status: string }[]).find((d) => d.regime === "gdpr_art33")!.status).toBe("met");
    expect((await api("POST", `/api/incidents/${id}/actions`, auditor, { kind: "submission", regime: "nis2_art23", stage: "final" })).code).toBe("invalid_request");
    expect((await api("POST", `/api/incidents/${id}/actions`, auditor, { kind: "status", status: "gone" })).code).toBe("invalid_request");
    const now = await api("GET", `/api/incidents/${id}`, auditor);
    expect((now.json.incident as { timeline: { kind: string }[] }).timeline.map((t) => t.kind)).toEqual(["opened", "note", "submission"]);
    const notes = await events("incident.note");
    expect(notes[0]!.entry.incident).toMatchObject({ id, text_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(notes[0]!.entry)).not.toContain("team lead");
  });

  it("refuses an incident without a regime, an AI Act one without its case, a future awareness time, an unknown event; a plain user is refused", async () => {
    const base = { title: "t", regimes: ["gdpr_art33"], aware_at: new Date().toISOString(), event_ids: [requestEventId] };
    const count = (await api("GET", "/api/incidents", auditor)).json.incidents as unknown[];
    expect((await api("POST", "/api/incidents", auditor, { ...base, regimes: [] })).code).toBe("invalid_request");
    expect((await api("POST", "/api/incidents", auditor, { ...base, regimes: ["ai_act_art73"] })).json.detail).toMatch(/needs its case/);
    expect((await api("POST", "/api/incidents", auditor, { ...base, aware_at: new Date(Date.now() + 86_400_000).toISOString() })).json.detail).toMatch(/aware_at is in the future/);
    expect((await api("POST", "/api/incidents", auditor, { ...base, event_ids: ["01900000-0000-7000-8000-000000000000"] })).code).toBe("not_found");
    expect((await api("POST", "/api/incidents", await custos.token("bob", ["demo"]), base)).code).toBe("forbidden");
    expect(((await api("GET", "/api/incidents", auditor)).json.incidents as unknown[]).length).toBe(count.length);
  });
});

describe("content reveal", () => {
  it("needs auditor_content and a justification, returns the stored prompt uncached, and is recorded", async () => {
    expect((await api("POST", `/api/audit/events/${requestEventId}/reveal`, auditor, { justification: "DSAR 2026-17 from the customer" })).code).toBe("forbidden");
    expect((await api("POST", `/api/audit/events/${requestEventId}/reveal`, content, { justification: "" })).code).toBe("invalid_request");
    const res = await fetch(`${custos.url}/api/audit/events/${requestEventId}/reveal`, { method: "POST", headers: { authorization: `Bearer ${content}`, "content-type": "application/json" }, body: JSON.stringify({ justification: "DSAR 2026-17 from the customer" }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const parts = ((await res.json()) as { parts: { part: string; state: string; text?: string }[] }).parts;
    const input = parts.find((p) => p.part === "input")!;
    expect(input.state).toBe("revealed");
    expect(JSON.parse(input.text!).messages[0].content).toBe(PROMPT);
    const access = (await events("audit.access")).find((e) => (e.entry.access as Json).kind === "content_reveal")!;
    expect(access.entry.access).toMatchObject({ event_id: requestEventId, justification: "DSAR 2026-17 from the customer", parts: expect.arrayContaining(["input:revealed"]) });
  });
});

describe("retention purge", () => {
  const old = monthsAgo(2);
  it("refuses while events are not integrated, while a hold covers the month, and for the current month; purges after; verify reports the month as purged", async () => {
    const emit = (i: number) => custos.server.deps.audit.emit({ type: "test.old", ts: old + i, fields: { actor: { team: "demo" }, retention: { class: "short" } } });
    for (let i = 0; i < 3; i++) emit(i);
    await custos.server.deps.audit.flush();
    const dry = async () => ((await api("POST", "/api/audit/purge", admin, { month: monthName(old), dry_run: true })).json as { detail?: string; months?: { outcome: string }[] });
    // Not integrated yet (the integrator may win the race: then it is already anchored-pending).
    const first = await dry();
    expect(first.detail ?? first.months![0]!.outcome).toMatch(/not_anchored|eligible/);
    await custos.server.deps.checkpointNow!();
    expect((await dry()).months![0]!.outcome).toBe("eligible");
    // A range hold over the month stops it, naming the hold.
    const hold = await api("POST", "/api/holds", auditor, { reason: "Litigation hold 2026/4", from: new Date(old - 86_400_000).toISOString(), to: new Date(old + 86_400_000).toISOString() });
    const refused = await api("POST", "/api/audit/purge", admin, { month: monthName(old) });
    expect(refused.code).toBe("purge_refused");
    expect(refused.json.detail).toContain((hold.json.hold as Json).id as string);
    // The current month never goes; only admins purge.
    expect((await api("POST", "/api/audit/purge", admin, { month: new Date().toISOString().slice(0, 7) })).json.detail).toMatch(/has not ended/);
    expect((await api("POST", "/api/audit/purge", auditor, {})).code).toBe("forbidden");
    expect((await api("POST", `/api/holds/${(hold.json.hold as Json).id}/release`, auditor, { reason: "Settled" })).status).toBe(200);
    const done = await api("POST", "/api/audit/purge", admin, { month: monthName(old) });
    expect(done.json.months).toEqual([expect.objectContaining({ month: monthName(old), outcome: "purged", events: 3 })]);
    const announce = (await events("retention.purge"))[0]!;
    expect(announce.entry.purge).toMatchObject({ month: monthName(old), events: 3 });
    const v = await verify();
    expect(v.ok, JSON.stringify(v.first)).toBe(true);
    expect(v.checks.find((c) => c.name === "completeness")!.detail).toContain(`the months purged by retention: ${monthName(old)} (3 entries`);
  });
});

describe("erasure", () => {
  it("is refused while the incident's hold covers the person, then destroys their keys; their content is unreadable and the log verifies", async () => {
    const look = await api("POST", "/api/subjects/lookup", content, { sub: "alice", justification: "Erasure request ER-88 received by mail" });
    const subjects = look.json.subjects as { pseudonym: string; events: number; holds: string[] }[];
    expect(subjects).toHaveLength(1);
    const p = subjects[0]!.pseudonym;
    // The incident's hold covers her call, and the look-up says so.
    expect(subjects[0]!.holds).toEqual([((await api("GET", "/api/holds", auditor)).json.holds as { id: string; scope: { incident?: string } }[]).find((h) => h.scope.incident !== undefined)!.id]);
    expect((await api("POST", `/api/subjects/${p}/erase`, content, { justification: "Erasure request ER-88" })).code).toBe("legal_hold");
    expect((await api("POST", `/api/audit/events/${requestEventId}/reveal`, content, { justification: "check before erasure" })).json.parts).toEqual(expect.arrayContaining([expect.objectContaining({ part: "input", state: "revealed" })]));
    const holds = (await api("GET", "/api/holds", auditor)).json.holds as { id: string }[];
    for (const h of holds) expect((await api("POST", `/api/holds/${h.id}/release`, auditor, { reason: "Incident closed" })).status).toBe(200);
    const erased = await api("POST", `/api/subjects/${p}/erase`, content, { justification: "Erasure request ER-88" });
    expect(erased.status, JSON.stringify(erased.json)).toBe(200);
    expect((erased.json.erased as Json).keys_destroyed).toBeGreaterThan(0);
    const after = await api("POST", `/api/audit/events/${requestEventId}/reveal`, content, { justification: "check after erasure" });
    expect((after.json.parts as { state: string }[]).every((x) => x.state === "shredded")).toBe(true);
    expect(((await api("POST", "/api/subjects/lookup", content, { sub: "alice", justification: "Erasure request ER-88 follow-up" })).json.subjects as unknown[]).length).toBe(0);
    const types = (await events("erasure.refused")).length + (await events("erasure.completed")).length;
    expect(types).toBe(2);
    const v = await verify();
    expect(v.ok, JSON.stringify(v.first)).toBe(true);
  });
});

describe("a purge the log does not announce", () => {
  // Last: it tampers with the log as a superuser would (triggers off), to show that deleted
  // entries cannot be passed off as purged.
  it("is caught: entries deleted under a forged purged-month row fail completeness, naming the month", async () => {
    const old = monthsAgo(3);
    for (let i = 0; i < 2; i++) custos.server.deps.audit.emit({ type: "test.older", ts: old + i, fields: { retention: { class: "short" } } });
    await custos.server.deps.audit.flush();
    await custos.server.deps.checkpointNow!();
    const month = monthName(old);
    const leaves = await custos.server.deps.storage.compliance.monthLeaves(new Date(`${month}-01T00:00:00Z`));
    const sql = (s: string) => custos.server.deps.storage.unsafeExecute(s);
    await sql("SET session_replication_role = replica");
    await sql("DELETE FROM audit.event WHERE event_type = 'test.older'");
    await sql(`INSERT INTO audit.purged (month, to_ts, events, first_index, last_index, purge_event) VALUES ('${month}-01T00:00:00Z', '${month}-01T00:00:00Z'::timestamptz + interval '1 month', 2, ${leaves.firstIndex}, ${leaves.lastIndex}, '${requestEventId}')`);
    await sql("SET session_replication_role = origin");
    const forged = await verify();
    expect(forged.ok).toBe(false);
    expect(forged.first!.why).toContain(`bundle.json says month "${month}" was purged (2 entries, log indices ${leaves.firstIndex}–${leaves.lastIndex}), but no retention.purge entry in the log announces exactly that`);
  });
});
