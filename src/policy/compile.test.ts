// compilePolicies: schema errors reported where they are written, every way a team file can
// ask for more than the baseline rejected (in the team file, naming the baseline rule and
// where it is), the tightening versions accepted, and fast-check properties: whenever the
// compiler accepts a team, that team never allows what the baseline alone denies, and never
// gets looser PII obligations; a team made only of tightenings always compiles.
// Past 500 lines on purpose: the loosening and tightening tables share one baseline and
// its positions, which the cases point into.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { formatProblem, type ConfigProblem } from "../config/yaml-file.ts";
import { compilePolicies, type PolicyBundle, type PolicyTexts, type TeamPolicy } from "./compile.ts";
import { decidePolicy, type PolicyRequest } from "./engine.ts";
import { globRegExp } from "./glob.ts";
import { OPERATIONS, PII_ACTIONS, PII_TYPES, type PiiAction } from "./schema.ts";

// ---------------------------------------------------------------------------------------
// Helpers

/** Where `needle` starts in `text` (1-based), or where its part after `|` starts. */
function pos(text: string, needle: string): { line: number; column: number } {
  const bar = needle.indexOf("|");
  const plain = needle.replace("|", "");
  const i = text.indexOf(plain);
  if (i < 0) throw new Error(`'${plain}' is not in the text`);
  if (text.indexOf(plain, i + 1) >= 0) throw new Error(`'${plain}' is in the text twice`);
  const at = i + Math.max(bar, 0);
  const before = text.slice(0, at).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const where = (file: string, text: string, needle: string): string => {
  const p = pos(text, needle);
  return `${file}:${p.line}:${p.column}`;
};

async function compiled(texts: PolicyTexts): Promise<PolicyBundle> {
  const r = await compilePolicies(texts, {});
  if (!r.ok) throw new Error(`expected the policies to compile:\n${r.error.map(formatProblem).join("\n")}`);
  return r.value;
}

async function problems(texts: PolicyTexts, env: Record<string, string> = {}): Promise<ConfigProblem[]> {
  const r = await compilePolicies(texts, env);
  if (r.ok) throw new Error("expected policy problems");
  return r.error;
}

function exampleTexts(): Record<string, string> {
  const dir = new URL("../../policies/", import.meta.url);
  const texts: Record<string, string> = { "org.yaml": readFileSync(new URL("org.yaml", dir), "utf8") };
  for (const f of readdirSync(new URL("teams/", dir))) texts[`teams/${f}`] = readFileSync(new URL(`teams/${f}`, dir), "utf8");
  return texts;
}

// A baseline with a rule of every kind (and a shadow one), used by the tightening tests.
const ORG = `description: Test baseline.
rules:
  - id: base.models
    description: Approved models; previews never.
    models:
      allow: [custos-echo, "gpt-4o*", "claude-*"]
      deny: ["*-preview"]
  - id: base.providers
    description: Providers with a contract.
    providers:
      allow: [openai, anthropic, "azure-*"]
      deny: ["azure-us*"]
  - id: base.regions
    description: EU and UK only.
    regions:
      allow: ["eu-*", uk-south]
      jurisdictions: [EU, UK]
  - id: base.pii
    description: The PII floor.
    pii:
      prompt: { API_KEY: block, EMAIL: pseudonymize, default: redact }
      answer: { API_KEY: redact }
  - id: base.limits
    description: Ceilings.
    limits:
      max_request_bytes: 100000
      max_input_tokens: 8000
      max_output_tokens: 4096
      output_over_limit: refuse
      streaming: false
      operations: [chat, messages, responses]
  - id: base.audit
    description: The audit floor.
    audit:
      content: hashes
      on_failure: fail_closed
  - id: base.trial
    description: A lower output ceiling under trial, observed only.
    mode: shadow
    limits:
      max_output_tokens: 100
aliases:
  fast: gpt-4o-mini
retention:
  default: standard
  classes:
    standard: { events: 13 months, content: 90 days }
    hr-6y: { events: 6 years, content: 1 year }
    short: { events: 30 days, content: 7 days }
`;

const TEAM_FILE = "policies/teams/t.yaml";
const ORG_FILE = "policies/org.yaml";

/** A team file `t` with one rule `t.rule` whose body (indented by 4) is given. */
const teamWith = (body: string, extra = ""): string => `team: t
description: A team under test.
rules:
  - id: t.rule
    description: The rule under test.
${body}${extra}`;

// ---------------------------------------------------------------------------------------

describe("the example policies", () => {
  it("compile, baseline rules first, each with its file and mode", async () => {
    const b = await compiled(exampleTexts());
    expect([...b.teams.keys()].sort()).toEqual(["demo", "hr", "research", "support"]);
    const baseIds = ["models.approved", "providers.approved", "limits.baseline", "pii.secrets", "audit.floor"];
    expect(b.teams.get("demo")!.rules.map((r) => r.rule.id)).toEqual(baseIds);
    const research = b.teams.get("research")!;
    expect(research.rules.map((r) => [r.rule.id, r.file, r.shadow])).toEqual([
      ...baseIds.map((id) => [id, "policies/org.yaml", false]),
      ["research.redact-pii", "policies/teams/research.yaml", false],
      ["research.output-ceiling", "policies/teams/research.yaml", true],
    ]);
    expect(b.teams.get("hr")!.aliases).toEqual({ fast: "gpt-4o-mini" });
    expect(b.teams.get("hr")!.aiSystem).toEqual({ id: "hr-assist", high_risk: true, annex_iii: "4a" });
    expect(b.teams.get("support")!.aiSystem).toEqual({ id: "support-assist", high_risk: false });
    expect(b.teams.get("demo")!.aiSystem).toBeUndefined();
  });

  it("are versioned by the SHA-256 of the files, tests excluded", async () => {
    const texts = exampleTexts();
    const a = await compiled(texts);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.version).toBe(`sha256:${a.sha256.slice(0, 16)}`);
    expect((await compiled({ ...texts })).sha256).toBe(a.sha256);
    expect((await compiled({ ...texts, "tests/hr.yaml": "anything" })).sha256).toBe(a.sha256);
    expect((await compiled({ ...texts, "teams/demo.yaml": `${texts["teams/demo.yaml"]}# a comment\n` })).sha256).not.toBe(a.sha256);
  });
});

describe("schema errors, with file:line:column and the field", () => {
  const minimalTeam = "team: t\ndescription: A team.\n";

  it("an unknown top-level key", async () => {
    const org = "description: Base.\ncolour: red\n";
    expect(await problems({ "org.yaml": org })).toEqual([{ file: ORG_FILE, line: 1, column: 1, message: 'Unrecognized key: "colour"' }]);
  });

  it("an unknown key inside a rule's kind", async () => {
    const org = `description: Base.
rules:
  - id: a
    description: d
    limits:
      max_bytes: 3
`;
    expect(await problems({ "org.yaml": org })).toEqual([{ file: ORG_FILE, ...pos(org, "max_bytes"), message: 'rules.0.limits: Unrecognized key: "max_bytes"' }]);
  });

  it("an unknown key on a rule, and an unknown PII type", async () => {
    const team = `${minimalTeam}rules:
  - id: t.a
    description: d
    colour: red
    audit: { content: hashes }
  - id: t.b
    description: d
    pii: { prompt: { SSN: block } }
`;
    expect(await problems({ "org.yaml": "description: Base.\n", "teams/t.yaml": team })).toEqual([
      { file: TEAM_FILE, ...pos(team, "id: t.a"), message: 'rules.0: Unrecognized key: "colour"' },
      { file: TEAM_FILE, ...pos(team, "{ SSN"), message: 'rules.1.pii.prompt: Unrecognized key: "SSN"' },
    ]);
  });

  it("a routing rule that says where prompts may not go, or names no PII type", async () => {
    const team = `${minimalTeam}rules:
  - id: t.a
    description: d
    routing: { when_prompt_has: [NATIONAL_ID] }
  - id: t.b
    description: d
    routing: { when_prompt_has: [], tags: [self_hosted] }
  - id: t.c
    description: d
    routing: { when_prompt_has: [MEDICAL_ID], jurisdictions: [EU], tags: [self_hosted] }
`;
    const found = await problems({ "org.yaml": "description: Base.\n", "teams/t.yaml": team });
    expect(found.map((p) => p.message)).toEqual([
      "rules.0.routing: say where such prompts may go: jurisdictions, tags, or both (an endpoint qualifies by either)",
      expect.stringMatching(/^rules\.1\.routing\.when_prompt_has: /),
    ]);
    expect(found[0]).toMatchObject({ file: TEAM_FILE, line: pos(team, "routing: { when_prompt_has: [NATIONAL_ID]").line });
  });

  it("a rule id that is not one", async () => {
    const org = "description: Base.\nrules:\n  - id: Not An Id\n    description: d\n    audit: { content: hashes }\n";
    const [p, ...rest] = await problems({ "org.yaml": org });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: ORG_FILE, ...pos(org, "id: |Not An Id") });
    expect(p!.message).toMatch(/^rules\.0\.id: a rule id/);
  });

  // What the files say today for a wrong value inside a rule: the right file and rule, found.
  const badRules = {
    "a bad PII action": { rule: "  - id: a\n    description: d\n    pii:\n      prompt: { EMAIL: scramble }\n", field: "rules.0.pii.prompt.EMAIL", at: "EMAIL: |scramble" },
    "a rule without description": { rule: "  - id: a\n    limits:\n      streaming: false\n", field: "rules.0.description", at: "- |id: a" },
    "a bad audit content level": { rule: "  - id: a\n    description: d\n    audit: { content: plain }\n", field: "rules.0.audit.content", at: "content: |plain" },
    "a fractional limit": { rule: "  - id: a\n    description: d\n    limits: { max_request_bytes: 1.5 }\n", field: "rules.0.limits.max_request_bytes", at: "max_request_bytes: |1.5" },
  };

  it.each(Object.entries(badRules))("%s: reported at the rule", async (_name, c) => {
    const org = `description: Base.\nrules:\n${c.rule}`;
    const ps = await problems({ "org.yaml": org });
    expect(ps).toHaveLength(1);
    expect(ps[0]!.file).toBe(ORG_FILE);
    // Somewhere in the rule (line 3 onwards), naming the rule's index.
    expect(ps[0]!.line).toBeGreaterThanOrEqual(3);
    expect(ps[0]!.line).toBeLessThanOrEqual(pos(org, c.at).line);
    expect(ps[0]!.message).toMatch(/^rules\.0[.:]/);
  });

  // A wrong value deep inside a rule is reported at that field, with what was expected
  // (rules are validated as one object, then "exactly one kind", not as a union).
  it.each(Object.entries(badRules))("%s: reported at the field, naming it", async (_name, c) => {
    const org = `description: Base.\nrules:\n${c.rule}`;
    const ps = await problems({ "org.yaml": org });
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: ORG_FILE, ...pos(org, c.at) });
    expect(ps[0]!.message).toContain(c.field);
  });

  it("a team file whose team: does not match its file name", async () => {
    const team = "team: hr\ndescription: A team.\n";
    expect(await problems({ "org.yaml": "description: Base.\n", "teams/support.yaml": team })).toEqual([
      { file: "policies/teams/support.yaml", line: 1, column: 7, message: "team: 'hr' does not match the file name (teams/support.yaml)" },
    ]);
  });

  it("a missing org.yaml", async () => {
    expect(await problems({ "teams/t.yaml": minimalTeam })).toEqual([{ file: ORG_FILE, line: 1, column: 1, message: "file not found: the organisation baseline is required" }]);
  });

  it("a team file outside teams/<team>.yaml", async () => {
    expect(await problems({ "org.yaml": "description: Base.\n", "teams/eu/t.yaml": minimalTeam, "teams/t.json": minimalTeam })).toEqual([
      { file: "policies/teams/eu/t.yaml", line: 1, column: 1, message: "team files are teams/<team>.yaml" },
      { file: "policies/teams/t.json", line: 1, column: 1, message: "team files are teams/<team>.yaml" },
    ]);
  });

  it("duplicate rule ids, in the baseline and in a team, at the second one", async () => {
    const rule = (id: string) => `  - id: ${id}\n    description: d\n    audit: { content: encrypted }\n`;
    const org = `description: Base.\nrules:\n${rule("x.one")}${rule("x.two")}${rule("x.one")}`;
    const team = `${minimalTeam}rules:\n${rule("t.a")}${rule("t.a")}`;
    const ps = await problems({ "org.yaml": org, "teams/t.yaml": team });
    const third = org.split("\n").lastIndexOf("  - id: x.one") + 1;
    const second = team.split("\n").lastIndexOf("  - id: t.a") + 1;
    expect(ps).toEqual([
      { file: ORG_FILE, line: third, column: 9, message: "rule id 'x.one' is used twice in this file" },
      { file: TEAM_FILE, line: second, column: 9, message: "rule id 't.a' is used twice in this file" },
    ]);
  });

  it("YAML errors: a duplicate key, bad syntax", async () => {
    const org = "description: Base.\ndescription: Again.\n";
    const [dup] = await problems({ "org.yaml": org });
    expect(dup).toMatchObject({ file: ORG_FILE, line: 2, column: 1 });
    expect(dup!.message).toMatch(/unique/i);
    const bad = "description: Base.\nrules: [\n";
    const [syntax] = await problems({ "org.yaml": bad });
    expect(syntax).toMatchObject({ file: ORG_FILE });
    expect(syntax!.line).toBeGreaterThanOrEqual(2);
  });

  it("an unset ${VAR}, at its position; a set one is substituted", async () => {
    const team = "team: t\ndescription: ${TEAM_DESCRIPTION}\n";
    expect(await problems({ "org.yaml": "description: Base.\n", "teams/t.yaml": team })).toEqual([
      { file: TEAM_FILE, line: 2, column: 14, message: "${TEAM_DESCRIPTION} is not set and has no default" },
    ]);
    const r = await compilePolicies({ "org.yaml": "description: Base.\n", "teams/t.yaml": team }, { TEAM_DESCRIPTION: "From the environment." });
    expect(r.ok).toBe(true);
  });

  it("problems of every file are reported together, under the given directory", async () => {
    const r = await compilePolicies({ "org.yaml": "description: Base.\ncolour: red\n", "teams/a.yaml": "team: b\ndescription: A.\n", "teams/c.yaml": "team: c\n" }, {}, "/etc/custos/policies");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((p) => p.file)).toEqual(["/etc/custos/policies/org.yaml", "/etc/custos/policies/teams/a.yaml", "/etc/custos/policies/teams/c.yaml"]);
  });

  // Two files for one team (teams/q.yaml and teams/q.yml) are an error: otherwise one
  // would silently replace the other.
  it("two files for the same team are an error", async () => {
    const yaml = "team: q\ndescription: Q.\nrules:\n  - id: q.no-streaming\n    description: d\n    limits: { streaming: false }\n";
    const yml = "team: q\ndescription: Q, again.\n";
    const r = await compilePolicies({ "org.yaml": "description: Base.\n", "teams/q.yaml": yaml, "teams/q.yml": yml }, {});
    expect(r.ok).toBe(false);
  });
});

describe("tightening, field by field", () => {
  it("the test baseline compiles with an empty team", async () => {
    const b = await compiled({ "org.yaml": ORG, "teams/t.yaml": "team: t\ndescription: Empty.\n" });
    expect(b.teams.get("t")!.rules).toHaveLength(7);
  });

  // [what, the team rule's body, where the problem is in the team file, the baseline rule, where it is in org.yaml, the message]
  const looser: [string, string, string, string, string, string][] = [
    ["models allow outside the baseline's allow", "    models:\n      allow: [gpt-5]\n", "gpt-5", "base.models", "allow: [custos-echo", "models allow 'gpt-5' is not within the allow-list of"],
    ["a models glob wider than the baseline's", '    models:\n      allow: ["gpt-*"]\n', '"gpt-*"', "base.models", "allow: [custos-echo", "models allow 'gpt-*' is not within the allow-list of"],
    ["models allow inside the baseline's deny", "    models:\n      allow: [gpt-4o-preview]\n", "gpt-4o-preview", "base.models", "allow: [custos-echo", "models allow 'gpt-4o-preview' is denied by"],
    ["a models glob inside the baseline's deny", '    models:\n      allow: ["gpt-4o-*-preview"]\n', '"gpt-4o-*-preview"', "base.models", "allow: [custos-echo", "models allow 'gpt-4o-*-preview' is denied by"],
    ["providers allow outside the baseline's allow", "    providers:\n      allow: [openai, google]\n", "google", "base.providers", "allow: [openai", "providers allow 'google' is not within the allow-list of"],
    ["providers allow inside the baseline's deny", "    providers:\n      allow: [azure-us-east]\n", "azure-us-east", "base.providers", "allow: [openai", "providers allow 'azure-us-east' is denied by"],
    ["regions allow outside the baseline's", "    regions:\n      allow: [us-east-1]\n", "us-east-1", "base.regions", 'allow: ["eu-*"', "regions allow 'us-east-1' is not within the allow-list of"],
    ["jurisdictions outside the baseline's", "    regions:\n      jurisdictions: [EU, US]\n", "[EU, US]", "base.regions", 'allow: ["eu-*"', "jurisdictions US are not among"],
    ["a PII action below the baseline's", "    pii:\n      prompt: { EMAIL: allow }\n", "EMAIL: |allow", "base.pii", "prompt: { API_KEY", "prompt EMAIL: 'allow' is looser than 'pseudonymize' in"],
    ["a PII action below the baseline's default", "    pii:\n      prompt: { PHONE: pseudonymize }\n", "PHONE: |pseudonymize", "base.pii", "prompt: { API_KEY", "prompt PHONE: 'pseudonymize' is looser than 'redact' in"],
    ["a PII default below the baseline's default", "    pii:\n      prompt: { default: pseudonymize }\n", "default: |pseudonymize", "base.pii", "prompt: { API_KEY", "prompt default: 'pseudonymize' is looser than 'redact' in"],
    ["an answer PII action below the baseline's", "    pii:\n      answer: { API_KEY: pseudonymize }\n", "API_KEY: |pseudonymize", "base.pii", "prompt: { API_KEY", "answer API_KEY: 'pseudonymize' is looser than 'redact' in"],
    ["max_request_bytes above the baseline", "    limits:\n      max_request_bytes: 100001\n", "100001", "base.limits", "max_request_bytes: 100000", "max_request_bytes: 100001 is above 100000 in"],
    ["max_input_tokens above the baseline", "    limits:\n      max_input_tokens: 9000\n", "9000", "base.limits", "max_request_bytes: 100000", "max_input_tokens: 9000 is above 8000 in"],
    ["max_output_tokens above the baseline", "    limits:\n      max_output_tokens: 8192\n", "8192", "base.limits", "max_request_bytes: 100000", "max_output_tokens: 8192 is above 4096 in"],
    ["streaming where the baseline forbids it", "    limits:\n      streaming: true\n", "true", "base.limits", "max_request_bytes: 100000", "streaming: true, but"],
    ["operations the baseline does not allow", "    limits:\n      operations: [chat, embeddings]\n", "[chat, embeddings]", "base.limits", "max_request_bytes: 100000", "operations embeddings are not allowed by"],
    ["clamp where the baseline refuses", "    limits:\n      output_over_limit: clamp\n", "clamp", "base.limits", "max_request_bytes: 100000", "output_over_limit: clamp is looser than refuse in"],
    ["audit content below the floor", "    audit:\n      content: none\n", "none", "base.audit", "content: hashes", "content: 'none' is below the floor 'hashes' of"],
    ["fail_open where the baseline fails closed", "    audit:\n      on_failure: fail_open\n", "fail_open", "base.audit", "content: hashes", "on_failure: fail_open, but"],
  ];

  it.each(looser)("%s: rejected in the team file, naming the baseline rule and where it is", async (_what, body, teamAt, baseId, baseAt, message) => {
    const team = teamWith(body);
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": team });
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: TEAM_FILE, ...pos(team, teamAt) });
    expect(ps[0]!.message).toContain(message);
    expect(ps[0]!.message).toContain(`baseline rule '${baseId}' (${where(ORG_FILE, ORG, baseAt)})`);
  });

  it.each(["base.limits", "base.trial"])("a team rule reusing the baseline id %s (redefining or shadowing it)", async (id) => {
    const team = `team: t\ndescription: A team.\nrules:\n  - id: ${id}\n    description: Tighter, but under the baseline's name.\n    mode: shadow\n    limits:\n      max_output_tokens: 10\n`;
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": team });
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: TEAM_FILE, ...pos(team, `id: |${id}`) });
    expect(ps[0]!.message).toBe(`rule id '${id}' is the baseline's (${where(ORG_FILE, ORG, `id: |${id}`)}); a team adds rules of its own and cannot redefine or shadow a baseline rule`);
  });

  it("a team redefining a baseline alias", async () => {
    const team = "team: t\ndescription: A team.\naliases:\n  fast: gpt-4o\n  smart: claude-sonnet-4\n";
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": team });
    expect(ps).toEqual([{ file: TEAM_FILE, ...pos(team, "fast: |gpt-4o"), message: `alias 'fast' is defined by the baseline (${ORG_FILE}:${pos(ORG, "fast: |gpt-4o-mini").line}); a team cannot redefine it` }]);
  });

  it("a team in shadow mode is checked all the same, and every problem of the file is reported", async () => {
    const team = `team: t
description: Trialling looser rules.
mode: shadow
rules:
  - id: t.models
    description: d
    models: { allow: [gpt-5] }
  - id: t.limits
    description: d
    limits: { max_output_tokens: 9999, streaming: true }
`;
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": team });
    expect(ps.map((p) => [p.line, p.column])).toEqual([
      [pos(team, "gpt-5").line, pos(team, "gpt-5").column],
      [pos(team, "9999").line, pos(team, "9999").column],
      [pos(team, "streaming: |true").line, pos(team, "streaming: |true").column],
    ]);
    expect(ps.every((p) => p.file === TEAM_FILE)).toBe(true);
  });

  it("only the team files that loosen are reported", async () => {
    const ps = await problems({
      "org.yaml": ORG,
      "teams/a.yaml": "team: a\ndescription: Fine.\nrules:\n  - id: a.x\n    description: d\n    limits: { max_output_tokens: 10 }\n",
      "teams/b.yaml": "team: b\ndescription: Not fine.\nrules:\n  - id: b.x\n    description: d\n    limits: { max_output_tokens: 10000 }\n",
    });
    expect(ps.map((p) => p.file)).toEqual(["policies/teams/b.yaml"]);
  });

  const tighter: [string, string][] = [
    ["models: a narrower allow-list, names and prefix globs, and a deny of its own", '    models:\n      allow: [gpt-4o-mini, "gpt-4o-2024*", "claude-3*", custos-echo]\n      deny: ["claude-3-opus*"]\n'],
    ["models: the baseline's own glob (overlapping its deny is not a loosening)", '    models:\n      allow: ["gpt-4o*"]\n'],
    ["models: deny only", '    models:\n      deny: ["*"]\n'],
    ["providers: a narrower allow-list", "    providers:\n      allow: [openai, azure-eu-west]\n      deny: [anthropic]\n"],
    ["regions: a narrower allow-list and jurisdictions", "    regions:\n      allow: [eu-west-1, uk-south]\n      jurisdictions: [EU]\n"],
    ["pii: equal or stricter actions, defaults included", "    pii:\n      prompt: { API_KEY: block, EMAIL: pseudonymize, PHONE: block, default: redact }\n      answer: { API_KEY: block, EMAIL: allow, default: pseudonymize }\n"],
    ["limits: equal or lower ceilings", "    limits:\n      max_request_bytes: 100000\n      max_input_tokens: 2000\n      max_output_tokens: 1024\n"],
    ["limits: refuse, no streaming, fewer operations", "    limits:\n      output_over_limit: refuse\n      streaming: false\n      operations: [chat]\n"],
    ["limits: above a shadow baseline rule only", "    limits:\n      max_output_tokens: 2048\n"],
    ["audit: a higher content level, fail_closed, a retention", "    audit:\n      content: encrypted\n      on_failure: fail_closed\n      retention: hr-6y\n"],
    ["audit: the floor itself", "    audit:\n      content: hashes\n"],
  ];

  it.each(tighter)("%s: compiles", async (_what, body) => {
    const b = await compiled({ "org.yaml": ORG, "teams/t.yaml": teamWith(body) });
    expect(b.teams.get("t")!.rules.map((r) => r.rule.id).at(-1)).toBe("t.rule");
  });

  it("a team alias of its own compiles, and the baseline's are kept", async () => {
    const b = await compiled({ "org.yaml": ORG, "teams/t.yaml": "team: t\ndescription: A team.\naliases:\n  smart: claude-sonnet-4\n" });
    expect(b.teams.get("t")!.aliases).toEqual({ fast: "gpt-4o-mini", smart: "claude-sonnet-4" });
  });

  // A team's PII default is compared with every type the baseline names, not only with
  // the baseline's default.
  it("a PII default below an action the baseline names is rejected", async () => {
    const team = teamWith("    pii:\n      answer: { default: allow }\n");
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": team });
    expect(ps).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------
// Properties

const MODEL_PATTERNS = ["gpt-4o", "gpt-4o-mini", "gpt-5", "claude-3", "o4-mini", "gpt-4o-preview", "gpt-*", "gpt-4o*", "claude-*", "o4*", "*-preview", "*-mini", "*"];
const MODEL_NAMES = ["gpt-4o", "gpt-4o-mini", "gpt-4o-preview", "gpt-5", "gpt-5-mini", "claude-3", "claude-3-preview", "o4-mini", "o4", "x-mini", "custos-echo"];
const PII_KEYS = ["EMAIL", "IBAN", "API_KEY", "PERSON", "default"] as const;

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const patterns = fc.uniqueArray(fc.constantFrom(...MODEL_PATTERNS), { maxLength: 3 });
const piiSide = fc.dictionary(fc.constantFrom(...PII_KEYS), fc.constantFrom(...PII_ACTIONS), { maxKeys: 3 });
const ruleBody = fc.oneof(
  fc.record({ models: fc.record({ allow: patterns, deny: patterns }, { requiredKeys: [] }) }),
  fc.record({ pii: fc.record({ prompt: piiSide, answer: piiSide }, { requiredKeys: [] }) }),
  fc.record({
    limits: fc.record(
      {
        max_request_bytes: fc.integer({ min: 1, max: 4000 }),
        max_input_tokens: fc.integer({ min: 1, max: 1000 }),
        max_output_tokens: fc.integer({ min: 1, max: 4000 }),
        output_over_limit: fc.constantFrom("clamp", "refuse"),
        streaming: fc.boolean(),
        operations: fc.subarray([...OPERATIONS]),
      },
      { requiredKeys: [] },
    ),
  }),
);
const ruleMode = fc.constantFrom(undefined, undefined, undefined, "enforce", "shadow");
type GenRule = { mode: string | undefined; body: Record<string, Record<string, unknown>> };
const genRules = (max: number) => fc.array(fc.record({ mode: ruleMode, body: ruleBody }), { maxLength: max }) as fc.Arbitrary<GenRule[]>;

const toRules = (prefix: string, rules: GenRule[]) =>
  rules.map((r, i) => ({ id: `${prefix}.${i}`, description: `Rule ${i}.`, ...(r.mode ? { mode: r.mode } : {}), ...r.body }));
const orgYaml = (rules: GenRule[]) => stringify({ description: "Random baseline.", rules: toRules("base", rules) });
const teamYaml = (rules: GenRule[], mode: "enforce" | "shadow" = "enforce") => stringify({ team: "t", description: "Random team.", mode, rules: toRules("team", rules) });
const EMPTY_TEAM = teamYaml([]);

const request: fc.Arbitrary<PolicyRequest> = fc.record({
  operation: fc.constantFrom(...OPERATIONS),
  model: fc.oneof(fc.constantFrom(...MODEL_NAMES), fc.stringMatching(/^[a-z0-9-]{1,8}$/)),
  stream: fc.boolean(),
  bodyBytes: fc.integer({ min: 0, max: 5000 }),
  inputChars: fc.integer({ min: 0, max: 5000 }),
  maxOutputTokens: opt(fc.integer({ min: 1, max: 5000 })),
});

const rank = (a: PiiAction) => PII_ACTIONS.indexOf(a);

async function teamPolicy(org: string, team: string): Promise<TeamPolicy | undefined> {
  const r = await compilePolicies({ "org.yaml": org, "teams/t.yaml": team }, {});
  return r.ok ? r.value.teams.get("t") : undefined;
}

describe("properties (fast-check)", () => {
  it("an accepted team never allows what the baseline alone denies, nor gets looser obligations", async () => {
    let accepted = 0;
    let baselineDenied = 0;
    await fc.assert(
      fc.asyncProperty(genRules(4), genRules(3), fc.constantFrom("enforce", "shadow"), fc.array(request, { minLength: 1, maxLength: 8 }), async (base, mine, mode, reqs) => {
        const org = orgYaml(base);
        const alone = await teamPolicy(org, EMPTY_TEAM);
        expect(alone, "a generated baseline compiles").toBeDefined();
        const withTeam = await teamPolicy(org, teamYaml(mine, mode));
        if (!withTeam) return;
        accepted++;
        for (const req of reqs) {
          const b = decidePolicy(alone!, req);
          const t = decidePolicy(withTeam, req);
          if (!b.allowed) {
            baselineDenied++;
            expect(t.allowed).toBe(false);
            continue;
          }
          if (!t.allowed) continue;
          expect(t.model).toBe(b.model);
          for (const side of ["prompt", "answer"] as const) {
            for (const type of PII_TYPES) expect(rank(t.obligations.pii[side][type])).toBeGreaterThanOrEqual(rank(b.obligations.pii[side][type]));
          }
          if (b.obligations.clampOutputTokens) expect(t.obligations.clampOutputTokens?.limit).toBeLessThanOrEqual(b.obligations.clampOutputTokens.limit);
        }
      }),
      { numRuns: 200 },
    );
    // Not vacuous: enough teams are accepted, and the baseline does deny some requests.
    expect(accepted).toBeGreaterThan(40);
    expect(baselineDenied).toBeGreaterThan(40);
  });

  it("a team made only of tightenings of the baseline always compiles", async () => {
    // The team's choices, turned into values at or inside the baseline's.
    const choices = fc.record({
      models: fc.subarray(MODEL_NAMES),
      deny: patterns,
      pii: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2 * PII_KEYS.length, maxLength: 2 * PII_KEYS.length }),
      fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
      streaming: fc.boolean(),
      refuse: fc.boolean(),
      operations: fc.subarray([...OPERATIONS]),
      mode: fc.constantFrom("enforce", "shadow") as fc.Arbitrary<"enforce" | "shadow">,
    });
    await fc.assert(
      fc.asyncProperty(genRules(4), choices, async (base, c) => {
        const enforced = base.filter((r) => r.mode !== "shadow").map((r) => r.body);
        const modelRules = enforced.flatMap((b) => (b.models ? [b.models as { allow?: string[]; deny?: string[] }] : []));
        const piiRules = enforced.flatMap((b) => (b.pii ? [b.pii as Record<"prompt" | "answer", Record<string, PiiAction> | undefined>] : []));
        const limitRules = enforced.flatMap((b) => (b.limits ? [b.limits as Record<string, unknown>] : []));

        // Models: exact names every enforce baseline models rule allows.
        const allowedByBase = (n: string) => modelRules.every((m) => (!m.allow || m.allow.some((p) => globRegExp(p).test(n))) && !(m.deny ?? []).some((p) => globRegExp(p).test(n)));
        // PII: at or above the strictest the baseline asks for, per type; a default at or above all of them.
        const floor = (side: "prompt" | "answer", type: string) => Math.max(0, ...piiRules.map((p) => rank(p[side]?.[type] ?? p[side]?.default ?? "allow")));
        const pii = Object.fromEntries(
          (["prompt", "answer"] as const).map((side, s) => [
            side,
            Object.fromEntries(
              PII_KEYS.map((k, i) => {
                const min = k === "default" ? Math.max(...PII_TYPES.map((t) => floor(side, t))) : floor(side, k);
                return [k, PII_ACTIONS[Math.max(min, c.pii[s * PII_KEYS.length + i]!)]];
              }),
            ),
          ]),
        );
        // Limits: at or below the lowest ceiling; no streaming or clamp where any forbids it; operations all allow.
        const limits: Record<string, unknown> = {};
        (["max_request_bytes", "max_input_tokens", "max_output_tokens"] as const).forEach((k, i) => {
          const ceiling = Math.min(...limitRules.flatMap((l) => (typeof l[k] === "number" ? [l[k]] : [])));
          limits[k] = Number.isFinite(ceiling) ? Math.max(1, Math.floor(c.fractions[i]! * ceiling)) : 1 + Math.floor(c.fractions[i]! * 10_000);
        });
        limits.streaming = limitRules.some((l) => l.streaming === false) ? false : c.streaming;
        limits.output_over_limit = limitRules.some((l) => l.output_over_limit === "refuse") || c.refuse ? "refuse" : "clamp";
        limits.operations = c.operations.filter((o) => limitRules.every((l) => !Array.isArray(l.operations) || l.operations.includes(o)));

        const team = teamYaml(
          [
            { mode: undefined, body: { models: { allow: c.models.filter(allowedByBase), deny: c.deny } } },
            { mode: undefined, body: { pii } },
            { mode: undefined, body: { limits } },
          ],
          c.mode,
        );
        const r = await compilePolicies({ "org.yaml": orgYaml(base), "teams/t.yaml": team }, {});
        expect(r.ok ? [] : r.error.map(formatProblem)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("one step above an enforce baseline ceiling is always rejected, at the team's field", async () => {
    const key = fc.constantFrom("max_request_bytes", "max_input_tokens", "max_output_tokens");
    await fc.assert(
      fc.asyncProperty(genRules(4), key, async (base, k) => {
        const ceilings = base.filter((r) => r.mode !== "shadow" && r.body.limits && typeof r.body.limits[k] === "number").map((r) => r.body.limits![k] as number);
        fc.pre(ceilings.length > 0);
        const over = Math.min(...ceilings) + 1;
        const team = teamYaml([{ mode: "shadow", body: { limits: { [k]: over } } }]);
        const ps = await problems({ "org.yaml": orgYaml(base), "teams/t.yaml": team });
        expect(ps.length).toBeGreaterThan(0);
        expect(ps.every((p) => p.file === TEAM_FILE && p.message.startsWith(`${k}: ${over} is above`))).toBe(true);
        expect(ps[0]).toMatchObject(pos(team, `${k}: |${over}`));
      }),
      { numRuns: 100 },
    );
  });
});

describe("retention classes", () => {
  const team = (body: string, highRisk = false) => `team: t\ndescription: A team.\n${highRisk ? "ai_system: { id: screening, high_risk: true }\n" : ""}rules:\n  - id: t.rule\n    description: d\n${body}`;

  it("the bundle carries the baseline's classes, with the log's own class the longest by default", async () => {
    const b = await compiled({ "org.yaml": ORG, "teams/t.yaml": team("    audit:\n      retention: hr-6y\n") });
    expect(b.retention.default).toBe("standard");
    expect(b.retention.audit).toBe("hr-6y");
    expect(b.retention.classes.get("hr-6y")).toEqual({ name: "hr-6y", events: { n: 6, unit: "years" }, content: { n: 1, unit: "years" } });
  });

  it("a class no one defined is an error at the rule, naming the classes there are", async () => {
    const t = team("    audit:\n      retention: forever\n");
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": t });
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: "policies/teams/t.yaml", ...pos(t, "retention: |forever") });
    expect(ps[0]!.message).toContain("retention class 'forever' is not defined (org.yaml retention.classes: standard, hr-6y, short)");
  });

  it("a high-risk system cannot name a class shorter than six months without a legal basis", async () => {
    const ps = await problems({ "org.yaml": ORG, "teams/t.yaml": team("    audit:\n      retention: short\n", true) });
    expect(ps).toHaveLength(1);
    expect(ps[0]!.message).toMatch(/keeps records 30 days; a high-risk AI system's logs are kept at least six months \(AI Act Art. 19\(1\), 26\(6\)\)/);
    const withBasis = ORG.replace("short: { events: 30 days, content: 7 days }", "short: { events: 30 days, content: 7 days, legal_basis: National law X section 4 limits storage to 30 days }");
    const b = await compiled({ "org.yaml": withBasis, "teams/t.yaml": team("    audit:\n      retention: short\n", true) });
    expect(b.retention.classes.get("short")?.legalBasis).toBe("National law X section 4 limits storage to 30 days");
  });

  it("a high-risk team on a default shorter than six months is told to name a longer class", async () => {
    const org = ORG.replace("default: standard", "default: short");
    const ps = await problems({ "org.yaml": org, "teams/t.yaml": "team: t\ndescription: A team.\nai_system: { id: screening, high_risk: true }\n" });
    expect(ps).toHaveLength(1);
    expect(ps[0]!.message).toContain("the default retention class 'short' keeps 30 days");
  });

  it("content kept longer than its records, a bad period and an undefined default are errors", async () => {
    const org = ORG.replace("short: { events: 30 days, content: 7 days }", "short: { events: 30 days, content: 2 months }\n    odd: { events: a while, content: 1 day }").replace("default: standard", "default: nothing");
    const ps = (await problems({ "org.yaml": org })).map((p) => p.message);
    expect(ps.join("\n")).toMatch(/a period such as "90 days", "6 months" or "10 years", not "a while"/);
  });

  it("content longer than records and an undefined default, with a valid syntax", async () => {
    const org = ORG.replace("short: { events: 30 days, content: 7 days }", "short: { events: 30 days, content: 2 months }").replace("default: standard", "default: nothing");
    const ps = (await problems({ "org.yaml": org })).map((p) => p.message);
    expect(ps).toContain("content (2 months) cannot be kept longer than the records (30 days)");
    expect(ps).toContain("class 'nothing' is not defined under retention.classes");
  });
});
