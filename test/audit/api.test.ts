// /api/audit: auditors search the log and get proofs they can check themselves; nobody
// else can read it; every read is itself recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCheckpointBody } from "../../src/audit/checkpoint.ts";
import { verifyConsistency, verifyInclusion } from "../../src/audit/merkle.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

let custos: TestCustos;
let auditor: string;
const ids: string[] = [];

const b64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const get = (path: string, token = auditor) => fetch(`${custos.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: { CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "100", CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "20" } });
  auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  for (const [team, model] of [["demo", "custos-echo"], ["research", "custos-echo"], ["demo", "custos-echo"]] as const) {
    const res = await fetch(`${custos.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await custos.token("alice", [team])}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "the secret plan" }] }),
    });
    expect(res.status).toBe(200);
    ids.push(res.headers.get("x-request-id")!);
  }
  // Until a checkpoint covers the last call's response.
  await eventually(async () => {
    const r = await get(`/api/audit/requests/${ids.at(-1)}`);
    const body = (await r.json()) as { events: { event_id: string }[] };
    if (body.events?.length !== 2) return undefined;
    const p = (await (await get(`/api/audit/events/${body.events[1]!.event_id}`)).json()) as { proof?: unknown };
    return p.proof;
  });
});

afterAll(async () => {
  await custos?.close();
});

describe("/api/audit", () => {
  it("searches by team, type and model, newest first, with a cursor, and never shows prompt text", async () => {
    const res = await get("/api/audit/events?team=demo&type=llm.request&model=custos-echo");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("the secret plan");
    const body = JSON.parse(text) as { events: { event_id: string; entry: { actor: { team: string } } }[] };
    expect(body.events.map((e) => e.event_id)).toEqual([ids[2], ids[0]]);
    expect(body.events.every((e) => e.entry.actor.team === "demo")).toBe(true);
    const page = (await (await get("/api/audit/events?type=llm.request&limit=1")).json()) as { events: { event_id: string }[]; next_before: string };
    expect(page.events[0]!.event_id).toBe(ids[2]);
    const next = (await (await get(`/api/audit/events?type=llm.request&limit=1&before=${page.next_before}`)).json()) as { events: { event_id: string }[] };
    expect(next.events[0]!.event_id).toBe(ids[1]);
  });

  it("gives one event with an inclusion proof that verifies against the signed checkpoint", async () => {
    const body = (await (await get(`/api/audit/events/${ids[0]}`)).json()) as { event: { leaf: string }; log_index: number; proof: { tree_size: number; hashes: string[]; checkpoint: { note: string } }; tlog_proof: string };
    const cp = parseCheckpointBody(body.proof.checkpoint.note.slice(0, body.proof.checkpoint.note.indexOf("\n\n") + 1));
    expect(cp.ok).toBe(true);
    if (!cp.ok) return;
    expect(verifyInclusion(nodeSha256, body.log_index, body.proof.tree_size, b64u(body.event.leaf), body.proof.hashes.map(b64u), cp.value.root)).toBe(true);
    expect(body.tlog_proof.startsWith(`c2sp.org/tlog-proof@v1\nindex ${body.log_index}\n`)).toBe(true);
  });

  it("shows a call as its request and response events, and the latest checkpoint with consistency proofs that verify", async () => {
    const call = (await (await get(`/api/audit/requests/${ids[1]}`)).json()) as { summary: Record<string, unknown>; events: unknown[] };
    expect(call.summary).toMatchObject({ team: "research", model: "custos-echo", status: 200, events: ["llm.request", "llm.response"] });
    const cps = (await (await get("/api/audit/checkpoints")).json()) as { checkpoints: { size: number; root: string }[] };
    expect(cps.checkpoints.length).toBeGreaterThanOrEqual(1);
    const latest = (await (await get("/api/audit/checkpoint")).json()) as { size: number; root: string };
    const first = cps.checkpoints[0]!;
    const proof = (await (await get(`/api/audit/consistency?from_size=${first.size}&to_size=${latest.size}`)).json()) as { hashes: string[] };
    expect(verifyConsistency(nodeSha256, first.size, latest.size, b64u(first.root), b64u(latest.root), proof.hashes.map(b64u))).toBe(true);
  });

  it("signs a checkpoint on demand covering everything integrated so far", async () => {
    // Everything written before the request is queued or integrated by now.
    await custos.server.deps.audit.flush();
    const before = (await custos.server.deps.storage.audit.treeState()).size + (await custos.server.deps.storage.audit.pendingStats()).count;
    const res = await fetch(`${custos.url}/api/audit/checkpoint`, { method: "POST", headers: { authorization: `Bearer ${auditor}` } });
    expect(res.status).toBe(201);
    const cp = (await res.json()) as { size: number };
    expect(cp.size).toBeGreaterThanOrEqual(before);
    expect(cp.size).toBeLessThanOrEqual((await custos.server.deps.storage.audit.treeState()).size);
    const user = await fetch(`${custos.url}/api/audit/checkpoint`, { method: "POST", headers: { authorization: `Bearer ${await custos.token("alice", ["demo"])}` } });
    expect(user.status).toBe(403);
  });

  it("refuses callers without the auditor role (403) and bad queries (400), as problem+json", async () => {
    const user = await get("/api/audit/events", await custos.token("alice", ["demo"]));
    expect(user.status).toBe(403);
    expect(user.headers.get("content-type")).toBe("application/problem+json");
    for (const q of ["limit=0", "limit=5000", "status=abc", "from=yesterday", "before=not-a-uuid", "pii=email", "surprise=1"]) {
      const r = await get(`/api/audit/events?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.headers.get("x-custos-error-code")).toBe("invalid_request");
    }
    expect((await get("/api/audit/events/not-a-uuid")).status).toBe(400);
    expect((await get("/api/audit/events/01936b5e-8c1a-7d0e-9f3a-2b6c1d4e5f60")).status).toBe(404);
    expect((await get("/api/audit/consistency?from_size=5&to_size=2")).status).toBe(400);
  });

  it("records every read as an audit.access event naming the reader by pseudonym", async () => {
    await get("/api/audit/events?team=research");
    const reads = await eventually(async () => {
      await custos.server.deps.audit.flush();
      const rows = await custos.server.deps.storage.audit.search({ type: "audit.access", limit: 100 });
      return rows.length > 0 ? rows : undefined;
    });
    const entries = reads!.map((r) => JSON.parse(new TextDecoder().decode(r.entry)) as { actor: { subject: string; roles: string[] }; access: { path: string; query?: Record<string, string>; status: number } });
    const search = entries.find((e) => e.access.query?.team === "research")!;
    expect(search.access).toMatchObject({ path: "/api/audit/events", status: 200 });
    expect(search.actor.roles).toEqual(["auditor"]);
    expect(JSON.stringify(entries)).not.toContain("olivia");
  });
});
