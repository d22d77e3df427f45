// Hot reload on Node: a valid change to the policy files is in force within moments, for the
// next call, and is an audit event naming the version it replaced; an invalid change is
// refused loudly and the version in force stays.
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

let custos: TestCustos;
let token: string;
let teamFile: string;

beforeAll(async () => {
  custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), policies: "examples" });
  token = await custos.token("alice", ["demo"]);
  teamFile = path.join(custos.dir, "policies", "teams", "demo.yaml");
});

afterAll(async () => {
  await custos?.close();
});

const call = () =>
  fetch(`${custos.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "hi" }] }),
  });

async function activations(): Promise<{ policy: { version: string; previous?: { version: string } }; reason: string }[]> {
  const auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  const r = await fetch(`${custos.url}/api/audit/events?type=policy.activate`, { headers: { authorization: `Bearer ${auditor}` } });
  return ((await r.json()) as { events: { entry: { policy: { version: string; previous?: { version: string } }; reason: string } }[] }).events.map((e) => e.entry);
}

describe("policy hot reload", () => {
  it("swaps in a valid change, audits the activation, refuses an invalid one and keeps the version in force", async () => {
    const first = await call();
    expect(first.status).toBe(200);
    const v1 = first.headers.get("x-custos-policy-version")!;
    const original = await readFile(teamFile, "utf8");

    // A new rule: echo is off limits for demo.
    await writeFile(teamFile, `${original}rules:\n  - id: demo.no-echo\n    description: No echo for demo.\n    models:\n      deny: [custos-echo]\n`);
    const denied = await eventually(async () => {
      const r = await call();
      return r.status === 403 ? r : undefined;
    });
    expect(denied?.headers.get("x-custos-error-code")).toBe("model_not_allowed");
    const v2 = denied!.headers.get("x-custos-policy-version")!;
    expect(v2).not.toBe(v1);
    expect(custos.logs.some((l) => l.includes('"msg":"policy activated"') && l.includes(v2)), custos.logs.filter((l) => l.includes("polic")).join("\n")).toBe(true);
    const events = await eventually(async () => {
      const a = await activations();
      return a.some((e) => e.reason === "reload") ? a : undefined;
    });
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "start", policy: expect.objectContaining({ version: v1 }) }), expect.objectContaining({ reason: "reload", policy: expect.objectContaining({ version: v2, previous: expect.objectContaining({ version: v1 }) }) })]));

    // Broken YAML, then a team trying to loosen the baseline: both refused, v2 stays.
    for (const bad of [`${original}rules: [unclosed\n`, `${original}rules:\n  - id: demo.previews\n    description: Previews please.\n    models:\n      allow: ["gpt-4o-preview"]\n`]) {
      const refusedBefore = custos.logs.filter((l) => l.includes("policy reload REFUSED")).length;
      await writeFile(teamFile, bad);
      await eventually(() => custos.logs.filter((l) => l.includes("policy reload REFUSED")).length > refusedBefore);
      const still = await call();
      expect(still.status).toBe(403);
      expect(still.headers.get("x-custos-policy-version")).toBe(v2);
    }
    const refusal = custos.logs.filter((l) => l.includes("policy reload REFUSED")).at(-1)!;
    expect(refusal).toMatch(/teams\/demo\.yaml:\d+:\d+: models allow 'gpt-4o-preview' is denied by baseline rule 'models\.approved'/);

    // Back to the original text: v1 again (the version is the files' hash).
    await writeFile(teamFile, original);
    const back = await eventually(async () => {
      const r = await call();
      return r.status === 200 ? r : undefined;
    });
    expect(back?.headers.get("x-custos-policy-version")).toBe(v1);
  });

  it("a removed team file takes effect too: the team is no longer configured", async () => {
    const original = await readFile(teamFile, "utf8");
    await rm(teamFile);
    try {
      const r = await eventually(async () => {
        const res = await call();
        return res.status === 403 ? res : undefined;
      });
      expect(r?.headers.get("x-custos-error-code")).toBe("team_not_configured");
    } finally {
      await writeFile(teamFile, original);
    }
    await eventually(async () => (await call()).status === 200);
  });
});
