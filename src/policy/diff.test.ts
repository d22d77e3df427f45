// The policy diff: rule changes per scope by id and field, sample lines of both shapes, and
// decisions compared under two versions of the example set (edited in memory).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../config/yaml-file.ts";
import { compilePolicies, type PolicyBundle, type PolicyTexts } from "./compile.ts";
import { compareDecision, diffRules, policyFilesOf, sampleOf, summaryLine, type PolicyFiles, type Sample } from "./diff.ts";
import { policyRequestOf } from "./request.ts";

const dir = new URL("../../policies/", import.meta.url);
const EXAMPLE: Record<string, string> = { "org.yaml": readFileSync(new URL("org.yaml", dir), "utf8") };
for (const f of readdirSync(new URL("teams/", dir))) EXAMPLE[`teams/${f}`] = readFileSync(new URL(`teams/${f}`, dir), "utf8");

/** The example set with `edit` applied to one file's text (undefined removes the file). */
function edited(file: string, edit: (text: string) => string | undefined): Record<string, string> {
  const texts = { ...EXAMPLE };
  const next = edit(texts[file] ?? "");
  if (next === undefined) delete texts[file];
  else texts[file] = next;
  return texts;
}
function replaced(file: string, from: string, to: string): Record<string, string> {
  return edited(file, (t) => {
    if (!t.includes(from)) throw new Error(`${file} does not contain ${from}`);
    return t.replace(from, to);
  });
}

async function side(texts: PolicyTexts): Promise<{ bundle: PolicyBundle; files: PolicyFiles }> {
  const bundle = await compilePolicies(texts, {});
  const files = policyFilesOf(texts, {}, "policies");
  if (!bundle.ok) throw new Error(bundle.error.map(formatProblem).join("\n"));
  if (!files.ok) throw new Error(files.error.map(formatProblem).join("\n"));
  return { bundle: bundle.value, files: files.value };
}

const request = (team: string, body: Record<string, unknown>): Sample => ({
  team,
  api: "chat",
  request: policyRequestOf("chat", body, JSON.stringify(body).length),
  estimated: false,
});

describe("diffRules", () => {
  it("finds nothing between a set and itself", async () => {
    const a = await side(EXAMPLE);
    expect(diffRules(a.files, (await side({ ...EXAMPLE })).files)).toEqual([]);
  });

  it("names rules added, removed and changed field by field, with the mode and the description", async () => {
    const a = await side(EXAMPLE);
    let org = EXAMPLE["org.yaml"]!.replace('"gpt-4.1*", ', "").replace("Only approved model families", "Approved families");
    org = org.replace("  - id: pii.secrets\n", "  - id: pii.secrets\n    mode: shadow\n").replace(/ {2}- id: providers\.approved\n(?: {4}.*\n)+/, "");
    org = org.replace("aliases:\n", "  - id: limits.no-stream\n    description: No streaming.\n    limits: { streaming: false }\naliases:\n");
    const b = await side({ ...EXAMPLE, "org.yaml": org });
    const [base, ...teams] = diffRules(a.files, b.files);
    expect(teams).toEqual([]);
    expect(base!.scope).toBe("baseline");
    expect(base!.rules).toEqual([
      {
        id: "models.approved",
        change: "changed",
        kind: "models",
        fields: ["description changed", 'models.allow: ["custos-echo","gpt-4o*","gpt-4.1*","gpt-5*","o4-mini*","text-embedding-3-*","claude-*"] → ["custos-echo","gpt-4o*","gpt-5*","o4-mini*","text-embedding-3-*","claude-*"]'],
      },
      { id: "providers.approved", change: "removed", kind: "providers", fields: [] },
      { id: "pii.secrets", change: "changed", kind: "pii", fields: ["mode: enforce → shadow"] },
      { id: "limits.no-stream", change: "added", kind: "limits", fields: [] },
    ]);
  });

  it("an explicit mode: enforce is no change; a field that appears or goes is shown as unset", async () => {
    const a = await side(EXAMPLE);
    const b = await side(replaced("org.yaml", "  - id: limits.baseline\n", "  - id: limits.baseline\n    mode: enforce\n"));
    expect(diffRules(a.files, b.files)).toEqual([]);
    const c = await side(replaced("org.yaml", "      output_over_limit: clamp\n", "      output_over_limit: clamp\n      streaming: false\n"));
    expect(diffRules(a.files, c.files)[0]!.rules[0]!.fields).toEqual(["limits.streaming: (unset) → false"]);
  });

  it("reports teams added and removed, and a team's mode, aliases and ai_system", async () => {
    const a = await side(EXAMPLE);
    const texts = edited("teams/demo.yaml", () => undefined);
    texts["teams/ops.yaml"] = "team: ops\ndescription: Ops.\nrules:\n  - id: ops.small\n    description: Small answers.\n    limits: { max_output_tokens: 100 }\n";
    texts["teams/support.yaml"] = texts["teams/support.yaml"]!.replace("high_risk: false", "high_risk: true").replace("rules:\n", "mode: shadow\naliases: { quick: gpt-4o-mini }\nrules:\n");
    const changes = diffRules(a.files, (await side(texts)).files);
    expect(changes.map((c) => [c.scope, c.status])).toEqual([
      ["demo", "removed"],
      ["ops", "added"],
      ["support", "changed"],
    ]);
    expect(changes[1]!.rules).toEqual([{ id: "ops.small", change: "added", kind: "limits", fields: [] }]);
    expect(changes[2]!.settings).toEqual(["mode: enforce → shadow", "ai_system.high_risk: false → true", "aliases.quick: (unset) → gpt-4o-mini"]);
    expect(changes[2]!.rules).toEqual([]);
  });
});

describe("compareDecision", () => {
  it("newly denied, with the code and rule; newly allowed, with what denied it before", async () => {
    const a = await side(EXAMPLE);
    const b = await side(replaced("teams/research.yaml", "    mode: shadow\n", ""));
    const big = request("research", { model: "gpt-4o", max_tokens: 2000, messages: [] });
    expect(compareDecision(a.bundle, b.bundle, big)).toEqual({ kind: "newly_denied", summary: "newly denied: output_too_large by research.output-ceiling", details: [] });
    expect(compareDecision(b.bundle, a.bundle, big)).toEqual({ kind: "newly_allowed", summary: "newly allowed (was output_too_large by research.output-ceiling)", details: [] });
    expect(compareDecision(a.bundle, b.bundle, request("research", { model: "gpt-4o", max_tokens: 500 }))).toBeUndefined();
  });

  it("a team whose file goes is denied team_not_configured; a different denial is named both ways", async () => {
    const a = await side(EXAMPLE);
    const gone = await side(edited("teams/demo.yaml", () => undefined));
    expect(compareDecision(a.bundle, gone.bundle, request("demo", { model: "gpt-4o" }))?.summary).toBe("newly denied: team_not_configured (no teams/demo.yaml)");
    const b = await side(replaced("teams/hr.yaml", "      streaming: false\n", "      streaming: false\n      operations: [embeddings]\n"));
    expect(compareDecision(a.bundle, b.bundle, request("hr", { model: "gpt-4o", stream: true }))).toEqual({
      kind: "denied_differently",
      summary: "denied differently: stream_not_allowed by hr.no-streaming → endpoint_not_allowed by hr.no-streaming",
      details: [],
    });
  });

  it("an allowed call held to other terms lists each: shadow denial, model, PII action, audit level, clamp", async () => {
    const a = await side(EXAMPLE);
    const org = EXAMPLE["org.yaml"]!.replace("max_output_tokens: 16384", "max_output_tokens: 8192").replace("content: hashes", "content: encrypted").replace("fast: gpt-4o-mini", "fast: gpt-4.1-mini");
    const research = EXAMPLE["teams/research.yaml"]!.replace("prompt: { default: redact }", "prompt: { default: redact, EMAIL: block }").replace("output_over_limit: refuse", "output_over_limit: clamp");
    const b = await side({ ...EXAMPLE, "org.yaml": org, "teams/research.yaml": research });
    const c = compareDecision(a.bundle, b.bundle, request("research", { model: "fast", max_tokens: 10_000 }));
    expect(c?.kind).toBe("obligations");
    expect(c?.summary).toBe("allowed, obligations changed");
    expect(c?.details).toEqual([
      "shadow: research.output-ceiling (output_too_large) → (none)",
      "model: gpt-4o-mini → gpt-4.1-mini",
      "pii.prompt.EMAIL: redact → block",
      "audit.content: hashes → encrypted",
      "clamp: (none) → 8192 by limits.baseline",
    ]);
  });

  it("a denied call whose shadow denials change is reported as such", async () => {
    const a = await side(EXAMPLE);
    const b = await side(replaced("teams/research.yaml", "output_over_limit: refuse", "output_over_limit: clamp"));
    const c = compareDecision(a.bundle, b.bundle, request("research", { model: "gpt-4o-preview", max_tokens: 10_000 }));
    expect(c).toEqual({
      kind: "obligations",
      summary: "denied as before (model_not_allowed by models.approved), shadow denials changed",
      details: ["shadow: research.output-ceiling (output_too_large) → (none)"],
    });
  });

  it("says when a change may come from the estimated input size of a recorded request", async () => {
    const a = await side(EXAMPLE);
    const b = await side(replaced("org.yaml", "max_request_bytes: 1048576", "max_request_bytes: 1048576\n      max_input_tokens: 10"));
    const s = sampleOf(JSON.stringify({ type: "llm.request", actor: { team: "demo" }, request: { op: "chat", model: "gpt-4o", stream: false, input: { bytes: 400 } } }));
    expect(s.ok && s.value && compareDecision(a.bundle, b.bundle, s.value)?.summary).toBe("newly denied: input_too_large by limits.baseline (input size estimated from recorded bytes)");
  });
});

describe("sampleOf", () => {
  it("reads a request line as a policy test gives it", () => {
    const body = { model: "gpt-4o", max_completion_tokens: 50, stream: true, messages: [{ role: "user", content: "hello" }] };
    expect(sampleOf(JSON.stringify({ team: "hr", api: "chat", body }))).toEqual({
      ok: true,
      value: { team: "hr", api: "chat", estimated: false, request: { operation: "chat", model: "gpt-4o", stream: true, bodyBytes: JSON.stringify(body).length, inputChars: 5, maxOutputTokens: 50 } },
    });
  });

  it("rebuilds a request from an audit entry, bare or as an export bundle's line, and passes over other entry types", () => {
    const entry = { type: "llm.denied", actor: { team: "hr" }, request: { op: "responses", model: "gpt-4o", stream: true, params: { max_output_tokens: 900, temperature: "0.2" }, input: { bytes: 1234, items: 2 } }, policy: { decision: "deny" } };
    const want = { team: "hr", api: "responses", estimated: true, request: { operation: "responses", model: "gpt-4o", stream: true, bodyBytes: 1234, inputChars: 1234, maxOutputTokens: 900 } };
    expect(sampleOf(JSON.stringify(entry))).toEqual({ ok: true, value: want });
    expect(sampleOf(JSON.stringify({ log_index: 7, leaf: "abc", type: "llm.denied", team: "hr", entry }))).toEqual({ ok: true, value: want });
    expect(sampleOf(JSON.stringify({ type: "llm.response", actor: { team: "hr" } }))).toEqual({ ok: true, value: undefined });
    expect(sampleOf("   ")).toEqual({ ok: true, value: undefined });
  });

  it("says why a line cannot be used", () => {
    expect(sampleOf("{not json")).toEqual({ ok: false, error: "not JSON" });
    expect(sampleOf("[1]")).toEqual({ ok: false, error: "not a JSON object" });
    expect(sampleOf('{"team":"hr","api":"images","body":{}}').ok).toBe(false);
    expect(sampleOf('{"hello":1}').ok).toBe(false);
    expect(sampleOf('{"type":"llm.denied","actor":{},"request":{"op":"chat"}}')).toEqual({ ok: false, error: "llm.denied without actor.team (refused before any team's policy applied)" });
    expect(sampleOf('{"type":"llm.denied","actor":{"team":"hr"},"request":{"op":"chat"}}').ok).toBe(false);
  });
});

describe("summaryLine", () => {
  it("counts the changes by kind and the lines skipped", () => {
    expect(summaryLine({ sampled: 12, skipped: 1, newly_denied: 2, newly_allowed: 1, denied_differently: 0, obligations: 0 })).toBe("12 sampled, 3 would change (2 newly denied, 1 newly allowed), 1 line skipped");
    expect(summaryLine({ sampled: 4, skipped: 0, newly_denied: 0, newly_allowed: 0, denied_differently: 0, obligations: 0 })).toBe("4 sampled, 0 would change");
    expect(summaryLine({ sampled: 4, skipped: 3, newly_denied: 0, newly_allowed: 0, denied_differently: 1, obligations: 2 })).toBe("4 sampled, 3 would change (1 denied differently, 2 with other obligations), 3 lines skipped");
  });
});
