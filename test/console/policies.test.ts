// The Policies view (/console/policies) and /api/policy: the bundle in force with each rule
// in words, the version history from policy.activate events (a reload adds one naming the
// version it replaced), which rules denied and which shadow rules would have, with links to
// the calls; who may see it; markup from the log rendered as text.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/custos.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { POLICIES, startTraffic, stopTraffic, XSS_RULE, type Traffic } from "./stats-fixture.ts";

let t: Traffic;
let ann: ConsoleClient;

type RuleJson = { id: string; kind: string; mode: string; file: string; description: string; says: string };
type Active = { version: string; sha256: string; files: string[]; baseline: RuleJson[]; teams: { team: string; rules: RuleJson[] }[] };
type History = { current: { version: string; sha256: string }; activations: { event_id: string; at: string; version: string; sha256: string; reason: string; previous?: { version: string } }[] };
type Rules = { rules: { rule: string; applied: number; denied: number; shadow: number; clamped: number; routed: number }[]; shadow_latest: { event_id: string; team: string; model: string; type: string; shadow: { rule: string; code: string }[] }[] };

const json = async <T,>(path: string): Promise<T> => {
  const res = await ann.api("GET", path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  t = await startTraffic();
  ann = await signInWithLink(t.custos, "ann", ["auditor"]);
}, 120_000);
afterAll(() => stopTraffic(t));

describe("/api/policy", () => {
  it("gives the bundle in force, each rule with its kind, mode and what it does", async () => {
    const a = await json<Active>("/api/policy/active");
    expect(a.version).toBe(t.custos.server.deps.policies.current.version);
    expect(a.files).toEqual(expect.arrayContaining(["org.yaml", "teams/alpha.yaml", "teams/beta.yaml"]));
    expect(a.baseline.map((r) => r.id)).toEqual(["base.no-gpt41", "base.pii"]);
    expect(a.baseline[0]).toMatchObject({ kind: "models", mode: "enforce", says: "denies models gpt-4.1", description: "GPT-4.1 is not approved for use" });
    expect(a.baseline[1]).toMatchObject({ kind: "pii", says: "prompt: EMAIL → redact" });
    const alpha = a.teams.find((x) => x.team === "alpha")!;
    // The baseline is listed once, not again under each team.
    expect(alpha.rules).toEqual([expect.objectContaining({ id: "alpha.no-mini", mode: "shadow", says: "denies models gpt-4o-mini", file: "teams/alpha.yaml" })]);
    expect(a.baseline[0]!.file).toBe("org.yaml");
    expect(a.teams.find((x) => x.team === "beta")!.rules).toEqual([]);
  });

  it("counts what each rule did: denials, shadow-mode would-be denials, the calls it was enforced on", async () => {
    const r = await json<Rules>("/api/policy/rules");
    const rule = (id: string) => r.rules.find((x) => x.rule === id);
    // Three calls by alpha and beta reached the policy (the fourth was refused by it).
    expect(rule("base.no-gpt41")).toMatchObject({ denied: 1, shadow: 0, applied: 4 });
    expect(rule("alpha.no-mini")).toMatchObject({ denied: 0, shadow: 1, applied: 0 });
    expect(rule(XSS_RULE)).toMatchObject({ shadow: 1 });
    // Acting rules first.
    expect(r.rules.findIndex((x) => x.rule === "base.pii")).toBeGreaterThan(r.rules.findIndex((x) => x.rule === "base.no-gpt41"));
    const mini = r.shadow_latest.find((e) => e.shadow.some((s) => s.rule === "alpha.no-mini"))!;
    expect(mini).toMatchObject({ team: "alpha", model: "gpt-4o-mini", type: "llm.request", shadow: [{ rule: "alpha.no-mini", code: expect.any(String) }] });
    const ev = await ann.api("GET", `/api/audit/events/${mini.event_id}`);
    expect(ev.status).toBe(200);
  });

  it("lists activations newest first; a reload adds one that names the version it replaced", async () => {
    const before = await json<History>("/api/policy/history");
    expect(before.activations[0]).toMatchObject({ reason: "start", version: before.current.version });
    const dir = path.join(t.custos.dir, "policies");
    await writeFile(path.join(dir, "teams/beta.yaml"), `${POLICIES["teams/beta.yaml"]}rules:\n  - id: beta.no-mini\n    description: Beta does not use gpt-4o-mini\n    models:\n      deny: ["gpt-4o-mini"]\n`);
    await t.custos.server.reloadPolicies();
    const after = await eventually(async () => {
      const h = await json<History>("/api/policy/history");
      return h.activations.length === before.activations.length + 1 ? h : undefined;
    });
    expect(after!.current.version).not.toBe(before.current.version);
    expect(after!.activations[0]).toMatchObject({ reason: "reload", version: after!.current.version, previous: { version: before.current.version } });
    expect(after!.activations[1]!.version).toBe(before.current.version);
    const html = await (await ann.get("/console/policies")).text();
    expect(html).toMatch(/<table id="rules-beta"[\s\S]*beta\.no-mini[\s\S]*<\/table>/);
    expect((html.match(/<span class="badge ok">in force<\/span>/g) ?? []).length).toBe(1);
  });

  it("is for auditors, and checks its parameters", async () => {
    expect((await fetch(`${t.custos.url}/api/policy/active`)).status).toBe(401);
    const user = await fetch(`${t.custos.url}/api/policy/history`, { headers: { authorization: `Bearer ${await t.custos.token("u", ["alpha"])}` } });
    expect(user.status).toBe(403);
    expect((await ann.api("GET", "/api/policy/history?limit=0")).status).toBe(400);
    expect((await ann.api("GET", "/api/policy/rules?window=2d")).status).toBe(400);
  });
});

describe("the Policies page", () => {
  it("shows the version, each rule readable with its mode, rule activity and shadow would-be denials linking to the events", async () => {
    const res = await ann.get("/console/policies");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`id="policy-version">${t.custos.server.deps.policies.current.version}<`);
    expect(html).toMatch(/<tr data-rule="base.no-gpt41">[\s\S]*?denies models gpt-4.1[\s\S]*?<\/tr>/);
    expect(html).toMatch(/<tr data-rule="alpha.no-mini">[\s\S]*?<span class="badge warn">shadow<\/span>[\s\S]*?<\/tr>/);
    const outcomes = html.slice(html.indexOf('id="rule-outcomes"'));
    expect(outcomes).toMatch(/<tr data-rule="base.no-gpt41">[\s\S]*?<td class="num bad">1<\/td>/);
    expect(html).toMatch(/<ul id="shadow-rules">[\s\S]*alpha\.no-mini<\/span>: 1 call/);
    const rules = await json<Rules>("/api/policy/rules");
    const mini = rules.shadow_latest.find((e) => e.team === "alpha")!;
    expect(html).toContain(`href="/console/events/${mini.event_id}"`);
    expect(html).toMatch(/<table id="policy-history">[\s\S]*start[\s\S]*<\/table>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it("renders markup from the log as text", async () => {
    const html = await (await ann.get("/console/policies")).text();
    expect(html).not.toContain(XSS_RULE);
    expect(html).toContain("&lt;svg onload=alert(2)&gt;");
  });

  it("needs a session and an auditor role", async () => {
    const anon = await fetch(`${t.custos.url}/console/policies`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toContain("/console/login");
    // Administrators include the auditor's rights; a user-only token is refused by the API.
    const admin = await signInWithLink(t.custos, "adam", ["admin"]);
    expect((await admin.get("/console/policies")).status).toBe(200);
    const user = await fetch(`${t.custos.url}/api/policy/active`, { headers: { authorization: `Bearer ${await t.custos.token("uma", ["alpha"], { roles: ["user"] })}` } });
    expect(user.status).toBe(403);
    const post = await ann.post("/console/policies", {}, { csrf: false });
    expect(post.status).toBe(403);
    expect(post.headers.get("x-custos-error-code")).toBe("csrf_rejected");
  });
});
