// decidePolicy: the example policy set decides as its files say, and the engine's own rules
// (first enforce denial wins, every enforce rule listed, the strictest obligation wins,
// shadow rules only report).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../config/yaml-file.ts";
import { compilePolicies, type PolicyTexts, type TeamPolicy } from "./compile.ts";
import { decidePolicy, type PolicyDecision, type PolicyRequest } from "./engine.ts";
import { PII_TYPES, type PiiAction, type PiiType } from "./schema.ts";

function exampleTexts(): Record<string, string> {
  const dir = new URL("../../policies/", import.meta.url);
  const texts: Record<string, string> = { "org.yaml": readFileSync(new URL("org.yaml", dir), "utf8") };
  for (const f of readdirSync(new URL("teams/", dir))) texts[`teams/${f}`] = readFileSync(new URL(`teams/${f}`, dir), "utf8");
  return texts;
}

async function teams(texts: PolicyTexts): Promise<ReadonlyMap<string, TeamPolicy>> {
  const r = await compilePolicies(texts, {});
  if (!r.ok) throw new Error(`expected the policies to compile:\n${r.error.map(formatProblem).join("\n")}`);
  return r.value.teams;
}

const req = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({ operation: "chat", model: "gpt-4o", stream: false, bodyBytes: 2_000, inputChars: 1_000, ...over });

function allowed(d: PolicyDecision): Extract<PolicyDecision, { allowed: true }> {
  if (!d.allowed) throw new Error(`expected the call to be allowed, got ${d.denial.code} by ${d.denial.rule}`);
  return d;
}
function denied(d: PolicyDecision): Extract<PolicyDecision, { allowed: false }> {
  if (d.allowed) throw new Error("expected the call to be denied");
  return d;
}

const every = (a: PiiAction, over: Partial<Record<PiiType, PiiAction>> = {}): Record<PiiType, PiiAction> => ({
  ...(Object.fromEntries(PII_TYPES.map((t) => [t, a])) as Record<PiiType, PiiAction>),
  ...over,
});
const SECRETS = { API_KEY: "redact", URL_WITH_CREDENTIALS: "redact" } as const;
const BASE_IDS = ["models.approved", "providers.approved", "limits.baseline", "pii.secrets", "audit.floor"];

describe("the example policies", async () => {
  const t = await teams(exampleTexts());
  const demo = t.get("demo")!;
  const hr = t.get("hr")!;
  const support = t.get("support")!;
  const research = t.get("research")!;

  describe("demo: the baseline alone", () => {
    it.each(["custos-echo", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-nano", "o4-mini", "o4-mini-high", "text-embedding-3-small", "claude-sonnet-4", "claude-3-5-haiku-latest"])(
      "allows %s, streamed or not, on every API",
      (model) => {
        for (const operation of ["chat", "responses", "embeddings", "messages"] as const) {
          for (const stream of [false, true]) {
            const d = allowed(decidePolicy(demo, req({ model, operation, stream })));
            expect(d.model).toBe(model);
            expect(d.rules).toEqual(BASE_IDS);
            expect(d.shadow).toEqual([]);
          }
        }
      },
    );

    it("carries the baseline's obligations", () => {
      const d = allowed(decidePolicy(demo, req()));
      expect(d.obligations.pii).toEqual({ prompt: every("allow", SECRETS), answer: every("allow", SECRETS) });
      expect(d.obligations.audit).toEqual({ content: "hashes", onFailure: "fail_closed" });
      expect(d.obligations.regions).toEqual([]);
      expect(d.obligations.providers).toHaveLength(1);
      const p = d.obligations.providers[0]!;
      expect(p.rule).toBe("providers.approved");
      expect(["echo", "openai", "anthropic", "google", "openai-eu"].map((n) => p.allow!.some((r) => r.test(n)))).toEqual([true, true, true, false, false]);
      expect(p.deny).toBeUndefined();
      // No output limit asked for: the baseline's ceiling is applied.
      expect(d.obligations.clampOutputTokens).toEqual({ limit: 16384, rule: "limits.baseline" });
    });

    it("clamps an output request above 16384 to it, leaves one at or below alone", () => {
      expect(allowed(decidePolicy(demo, req({ maxOutputTokens: 100_000 }))).obligations.clampOutputTokens).toEqual({ limit: 16384, rule: "limits.baseline" });
      expect(allowed(decidePolicy(demo, req({ maxOutputTokens: 16384 }))).obligations.clampOutputTokens).toBeUndefined();
      expect(allowed(decidePolicy(demo, req({ maxOutputTokens: 10 }))).obligations.clampOutputTokens).toBeUndefined();
    });

    it("resolves the baseline alias", () => {
      expect(allowed(decidePolicy(demo, req({ model: "fast" }))).model).toBe("gpt-4o-mini");
    });

    it.each(["gpt-4o-preview", "gpt-4.1-preview", "claude-next-preview", "o4-mini-preview", "gemini-2.5-pro", "gpt-3.5-turbo", "o1", "custos-echo-2", ""])(
      "denies %j with model_not_allowed naming models.approved",
      (model) => {
        const d = denied(decidePolicy(demo, req({ model })));
        expect(d.denial.code).toBe("model_not_allowed");
        expect(d.denial.rule).toBe("models.approved");
        expect(d.denial.message).toBe(`Model '${model}' is not allowed (policy rule 'models.approved' for team demo).`);
        // Every enforce rule was still evaluated.
        expect(d.rules).toEqual(BASE_IDS);
      },
    );

    it("refuses a request over 1 MiB with input_too_large", () => {
      expect(allowed(decidePolicy(demo, req({ bodyBytes: 1_048_576 }))).model).toBe("gpt-4o");
      const d = denied(decidePolicy(demo, req({ bodyBytes: 1_048_577 })));
      expect(d.denial).toEqual({ code: "input_too_large", rule: "limits.baseline", message: "The request is larger than 1048576 bytes (policy rule 'limits.baseline' for team demo)." });
    });

    it("names the rule and the team, and no more than 100 characters of the model", () => {
      const model = `${"x".repeat(300)}-preview`;
      const d = denied(decidePolicy(demo, req({ model })));
      expect(d.denial.message).toBe(`Model '${"x".repeat(100)}' is not allowed (policy rule 'models.approved' for team demo).`);
      expect(d.denial.message).not.toContain("gpt-4o*");
    });
  });

  it.each(["hr", "support", "research"])("%s: previews are denied by the baseline's models.approved", (name) => {
    const d = denied(decidePolicy(t.get(name)!, req({ model: "gpt-4o-preview" })));
    expect(d.denial).toMatchObject({ code: "model_not_allowed", rule: "models.approved" });
  });

  describe("hr: EU only, identifiers blocked, encrypted audit, no streaming", () => {
    it("refuses streaming with stream_not_allowed", () => {
      const d = denied(decidePolicy(hr, req({ stream: true })));
      expect(d.denial).toEqual({ code: "stream_not_allowed", rule: "hr.no-streaming", message: "Streaming is not allowed (policy rule 'hr.no-streaming' for team hr)." });
    });

    it("allows a whole answer, with its obligations", () => {
      const d = allowed(decidePolicy(hr, req({ model: "fast" })));
      expect(d.model).toBe("gpt-4o-mini");
      expect(d.rules).toEqual([...BASE_IDS, "hr.eu-only", "hr.block-identifiers", "hr.audit-encrypted", "hr.no-streaming"]);
      // Identifiers blocked, everything else redacted (default), the baseline's secrets still redacted.
      expect(d.obligations.pii.prompt).toEqual(every("redact", { IBAN: "block", NATIONAL_ID: "block", US_SSN: "block", UK_NINO: "block", PASSPORT: "block" }));
      expect(d.obligations.pii.prompt.IBAN).toBe("block");
      // The answers keep the baseline's rules only.
      expect(d.obligations.pii.answer).toEqual(every("allow", SECRETS));
      expect(d.obligations.audit).toEqual({ content: "encrypted", onFailure: "fail_closed", retention: "hr-6y" });
      expect(d.obligations.regions).toEqual([{ rule: "hr.eu-only", jurisdictions: ["EU"] }]);
      expect(d.obligations.clampOutputTokens).toEqual({ limit: 4096, rule: "hr.no-streaming" });
    });

    it("refuses more than 4096 output tokens with output_too_large, allows 4096 unchanged", () => {
      expect(allowed(decidePolicy(hr, req({ maxOutputTokens: 4096 }))).obligations.clampOutputTokens).toBeUndefined();
      for (const maxOutputTokens of [4097, 16384, 100_000]) {
        const d = denied(decidePolicy(hr, req({ maxOutputTokens })));
        expect(d.denial).toEqual({
          code: "output_too_large",
          rule: "hr.no-streaming",
          message: "Asking for more than 4096 output tokens is not allowed (policy rule 'hr.no-streaming' for team hr).",
        });
      }
    });
  });

  describe("support: chat only, short answers, customers pseudonymised", () => {
    it.each(["embeddings", "responses"] as const)("refuses the %s API with endpoint_not_allowed", (operation) => {
      const d = denied(decidePolicy(support, req({ operation, model: operation === "embeddings" ? "text-embedding-3-small" : "gpt-4o" })));
      expect(d.denial).toEqual({ code: "endpoint_not_allowed", rule: "support.chat-only", message: `The ${operation} API is not allowed (policy rule 'support.chat-only' for team support).` });
    });

    it.each(["chat", "messages"] as const)("allows %s, streaming included", (operation) => {
      expect(allowed(decidePolicy(support, req({ operation, stream: true, model: "claude-sonnet-4" }))).rules).toEqual([
        ...BASE_IDS,
        "support.eu-only",
        "support.pseudonymise-customers",
        "support.chat-only",
      ]);
    });

    it("clamps the output to 2048 (below the baseline's 16384)", () => {
      for (const maxOutputTokens of [undefined, 2049, 8000, 100_000]) {
        expect(allowed(decidePolicy(support, req({ maxOutputTokens }))).obligations.clampOutputTokens).toEqual({ limit: 2048, rule: "support.chat-only" });
      }
      expect(allowed(decidePolicy(support, req({ maxOutputTokens: 2048 }))).obligations.clampOutputTokens).toBeUndefined();
    });

    it("pseudonymises customers in prompts, keeps the secrets redacted, routes to the EU", () => {
      const d = allowed(decidePolicy(support, req()));
      expect(d.obligations.pii.prompt).toEqual(every("allow", { ...SECRETS, PERSON: "pseudonymize", EMAIL: "pseudonymize", PHONE: "pseudonymize", LOCATION: "pseudonymize" }));
      expect(d.obligations.pii.answer).toEqual(every("allow", SECRETS));
      expect(d.obligations.regions).toEqual([{ rule: "support.eu-only", jurisdictions: ["EU"] }]);
      expect(d.obligations.audit).toEqual({ content: "hashes", onFailure: "fail_closed" });
    });
  });

  describe("research: PII redacted, an output ceiling in shadow mode", () => {
    it("records a would-be output_too_large but lets the request through unchanged", () => {
      const d = allowed(decidePolicy(research, req({ maxOutputTokens: 5000 })));
      expect(d.shadow).toEqual([
        {
          code: "output_too_large",
          rule: "research.output-ceiling",
          message: "Asking for more than 1024 output tokens is not allowed (policy rule 'research.output-ceiling' for team research).",
        },
      ]);
      expect(d.model).toBe("gpt-4o");
      // Unchanged: the shadow rule's lower ceiling is not applied either.
      expect(d.obligations.clampOutputTokens).toBeUndefined();
      // The shadow rule is not among the rules that decided.
      expect(d.rules).toEqual([...BASE_IDS, "research.redact-pii"]);
    });

    it("reports nothing when the request is within the trial ceiling; applies only the baseline's ceiling", () => {
      expect(allowed(decidePolicy(research, req({ maxOutputTokens: 1024 }))).shadow).toEqual([]);
      const d = allowed(decidePolicy(research, req()));
      expect(d.shadow).toEqual([]);
      expect(d.obligations.clampOutputTokens).toEqual({ limit: 16384, rule: "limits.baseline" });
    });

    it("redacts every PII type in prompts by default; answers keep the baseline's", () => {
      const d = allowed(decidePolicy(research, req({ stream: true, operation: "embeddings", model: "text-embedding-3-large" })));
      expect(d.obligations.pii.prompt).toEqual(every("redact"));
      expect(d.obligations.pii.answer).toEqual(every("allow", SECRETS));
    });

    it("a baseline denial still denies, and the shadow report is kept beside it", () => {
      const d = denied(decidePolicy(research, req({ model: "gpt-4o-preview", maxOutputTokens: 2000 })));
      expect(d.denial.rule).toBe("models.approved");
      expect(d.shadow.map((s) => [s.code, s.rule])).toEqual([["output_too_large", "research.output-ceiling"]]);
    });
  });
});

describe("the engine", () => {
  const team = (body: string, mode = "enforce") => `team: t\ndescription: A team.\nmode: ${mode}\n${body}`;

  it("input_too_large for estimated tokens: characters ÷ 4, rounded up", async () => {
    const p = (await teams({ "org.yaml": "description: Base.\nrules:\n  - id: tokens\n    description: d\n    limits: { max_input_tokens: 1000 }\n", "teams/t.yaml": team("") })).get("t")!;
    expect(allowed(decidePolicy(p, req({ inputChars: 4000 }))).rules).toEqual(["tokens"]);
    expect(allowed(decidePolicy(p, req({ inputChars: 0 }))).rules).toEqual(["tokens"]);
    const d = denied(decidePolicy(p, req({ inputChars: 4001 })));
    expect(d.denial).toEqual({ code: "input_too_large", rule: "tokens", message: "The input is over 1000 tokens (policy rule 'tokens' for team t)." });
    // Bytes and tokens are separate ceilings.
    expect(allowed(decidePolicy(p, req({ inputChars: 4000, bodyBytes: 10_000_000 }))).model).toBe("gpt-4o");
  });

  it("input_too_large for bytes, in a team rule below the baseline's", async () => {
    const p = (await teams({ ...exampleTexts(), "teams/t.yaml": team("rules:\n  - id: t.small\n    description: d\n    limits: { max_request_bytes: 4096 }\n") })).get("t")!;
    expect(allowed(decidePolicy(p, req({ bodyBytes: 4096 }))).model).toBe("gpt-4o");
    expect(denied(decidePolicy(p, req({ bodyBytes: 4097 }))).denial).toMatchObject({ code: "input_too_large", rule: "t.small" });
    // Above the baseline's too: the baseline's rule comes first.
    expect(denied(decidePolicy(p, req({ bodyBytes: 2_000_000 }))).denial).toMatchObject({ code: "input_too_large", rule: "limits.baseline" });
  });

  it("obligations take the strictest PII action across rules, whatever their order", async () => {
    const org = `description: Base.
rules:
  - id: p.one
    description: d
    pii:
      prompt: { EMAIL: block, default: pseudonymize }
  - id: p.two
    description: A later, looser rule does not lower the first.
    pii:
      prompt: { EMAIL: allow, PHONE: redact }
      answer: { IBAN: pseudonymize }
`;
    const body = `rules:
  - id: t.pii
    description: d
    pii:
      prompt: { PERSON: block, EMAIL: block }
      answer: { default: redact, IBAN: pseudonymize, PASSPORT: block }
  - id: t.pii-shadow
    description: Observed only; adds no obligation.
    mode: shadow
    pii:
      prompt: { default: block }
      answer: { default: block }
`;
    const p = (await teams({ "org.yaml": org, "teams/t.yaml": team(body) })).get("t")!;
    const d = allowed(decidePolicy(p, req()));
    expect(d.obligations.pii.prompt).toEqual(every("pseudonymize", { EMAIL: "block", PHONE: "redact", PERSON: "block" }));
    // Within a rule a named type beats the rule's own default (IBAN: pseudonymize, not redact).
    expect(d.obligations.pii.answer).toEqual(every("redact", { IBAN: "pseudonymize", PASSPORT: "block" }));
    expect(d.rules).toEqual(["p.one", "p.two", "t.pii"]);
    expect(d.shadow).toEqual([]);
  });

  it("lists the enforce rules evaluated, baseline first; the first enforce denial wins; shadow denials are all reported", async () => {
    const org = `description: Base.
rules:
  - id: b.models
    description: d
    models: { deny: ["*-preview"] }
  - id: b.trial
    description: d
    mode: shadow
    models: { deny: ["gpt-5*"] }
  - id: b.limits
    description: d
    limits: { max_request_bytes: 1000 }
`;
    const body = `rules:
  - id: t.stream
    description: d
    limits: { streaming: false }
  - id: t.ops
    description: d
    limits: { operations: [chat] }
  - id: t.trial
    description: d
    mode: shadow
    limits: { max_output_tokens: 10, output_over_limit: refuse }
`;
    const p = (await teams({ "org.yaml": org, "teams/t.yaml": team(body) })).get("t")!;
    const ids = ["b.models", "b.limits", "t.stream", "t.ops"];

    const ok = allowed(decidePolicy(p, req({ model: "gpt-4o", bodyBytes: 10 })));
    expect(ok.rules).toEqual(ids);
    expect(ok.shadow).toEqual([]);

    const all = denied(decidePolicy(p, req({ model: "gpt-5-preview", bodyBytes: 5000, stream: true, operation: "embeddings", maxOutputTokens: 20 })));
    expect(all.denial.rule).toBe("b.models");
    expect(all.rules).toEqual(ids);
    expect(all.shadow.map((s) => [s.code, s.rule])).toEqual([
      ["model_not_allowed", "b.trial"],
      ["output_too_large", "t.trial"],
    ]);

    expect(denied(decidePolicy(p, req({ bodyBytes: 5000, stream: true }))).denial).toMatchObject({ code: "input_too_large", rule: "b.limits" });
    expect(denied(decidePolicy(p, req({ stream: true, operation: "embeddings", bodyBytes: 10 }))).denial).toMatchObject({ code: "stream_not_allowed", rule: "t.stream" });
    expect(denied(decidePolicy(p, req({ operation: "embeddings", bodyBytes: 10 }))).denial).toMatchObject({ code: "endpoint_not_allowed", rule: "t.ops" });
    // The baseline's shadow rule reports but does not deny.
    const trial = allowed(decidePolicy(p, req({ model: "gpt-5", bodyBytes: 10 })));
    expect(trial.shadow).toEqual([{ code: "model_not_allowed", rule: "b.trial", message: "Model 'gpt-5' is not allowed (policy rule 'b.trial' for team t)." }]);
  });

  it("a team in shadow mode: its rules only report, the baseline still denies", async () => {
    const body = `rules:
  - id: t.stream
    description: d
    limits: { streaming: false, operations: [chat] }
  - id: t.models
    description: d
    models: { allow: ["gpt-4o-mini"] }
  - id: t.pii
    description: d
    pii: { prompt: { default: block } }
`;
    const p = (await teams({ ...exampleTexts(), "teams/t.yaml": team(body, "shadow") })).get("t")!;
    const d = allowed(decidePolicy(p, req({ stream: true, model: "gpt-4o" })));
    expect(d.rules).toEqual(BASE_IDS);
    expect(d.shadow.map((s) => [s.code, s.rule])).toEqual([
      ["stream_not_allowed", "t.stream"],
      ["model_not_allowed", "t.models"],
    ]);
    // Obligations are the baseline's: the shadow PII rule adds none.
    expect(d.obligations.pii.prompt).toEqual(every("allow", SECRETS));
    expect(denied(decidePolicy(p, req({ model: "gpt-4o-preview" }))).denial.rule).toBe("models.approved");
  });

  it("the output clamp is the lowest ceiling among the enforce rules, in any order", async () => {
    const body = `rules:
  - id: t.a
    description: d
    limits: { max_output_tokens: 4000 }
  - id: t.b
    description: d
    limits: { max_output_tokens: 6000 }
  - id: t.c
    description: d
    mode: shadow
    limits: { max_output_tokens: 10 }
`;
    const p = (await teams({ ...exampleTexts(), "teams/t.yaml": team(body) })).get("t")!;
    expect(allowed(decidePolicy(p, req())).obligations.clampOutputTokens).toEqual({ limit: 4000, rule: "t.a" });
    expect(allowed(decidePolicy(p, req({ maxOutputTokens: 50_000 }))).obligations.clampOutputTokens).toEqual({ limit: 4000, rule: "t.a" });
    expect(allowed(decidePolicy(p, req({ maxOutputTokens: 5000 }))).obligations.clampOutputTokens).toEqual({ limit: 4000, rule: "t.a" });
    expect(allowed(decidePolicy(p, req({ maxOutputTokens: 4000 }))).obligations.clampOutputTokens).toBeUndefined();
  });

  it("audit: the highest content level, fail_closed wherever it is said, the team's retention", async () => {
    const org = "description: Base.\nrules:\n  - id: b.audit\n    description: d\n    audit: { content: hashes, retention: 1y }\nretention: { default: 1y, classes: { 1y: { events: 1 year, content: 90 days }, 6y: { events: 6 years, content: 1 year } } }\n";
    const body = `rules:
  - id: t.closed
    description: d
    audit: { content: encrypted, on_failure: fail_closed }
  - id: t.open
    description: d
    audit: { content: hashes, on_failure: fail_open, retention: 6y }
`;
    const p = (await teams({ "org.yaml": org, "teams/t.yaml": team(body) })).get("t")!;
    expect(allowed(decidePolicy(p, req())).obligations.audit).toEqual({ content: "encrypted", onFailure: "fail_closed", retention: "6y" });
    const plain = (await teams({ "org.yaml": org, "teams/t.yaml": team("") })).get("t")!;
    expect(allowed(decidePolicy(plain, req())).obligations.audit).toEqual({ content: "hashes", retention: "1y" });
  });

  it("a team alias is resolved before the rules, and its target is what they judge", async () => {
    const p = (await teams({ ...exampleTexts(), "teams/t.yaml": team("aliases:\n  smart: claude-sonnet-4\n  next: gpt-5-preview\n") })).get("t")!;
    expect(allowed(decidePolicy(p, req({ model: "smart" }))).model).toBe("claude-sonnet-4");
    expect(allowed(decidePolicy(p, req({ model: "fast" }))).model).toBe("gpt-4o-mini");
    const d = denied(decidePolicy(p, req({ model: "next" })));
    expect(d.denial.message).toBe("Model 'gpt-5-preview' is not allowed (policy rule 'models.approved' for team t).");
  });

  it("providers and regions become routing obligations, one per rule", async () => {
    const body = `rules:
  - id: t.providers
    description: d
    providers: { allow: [openai], deny: [anthropic] }
  - id: t.regions
    description: d
    regions: { allow: ["eu-*"], jurisdictions: [EU] }
`;
    const p = (await teams({ ...exampleTexts(), "teams/t.yaml": team(body) })).get("t")!;
    const d = allowed(decidePolicy(p, req()));
    expect(d.obligations.providers.map((o) => o.rule)).toEqual(["providers.approved", "t.providers"]);
    expect(d.obligations.providers[1]!.deny!.map((r) => r.test("anthropic"))).toEqual([true]);
    expect(d.obligations.regions).toHaveLength(1);
    expect(d.obligations.regions[0]!).toMatchObject({ rule: "t.regions", jurisdictions: ["EU"] });
    expect(d.obligations.regions[0]!.allow!.map((r) => [r.test("eu-west-1"), r.test("us-east-1")])).toEqual([[true, false]]);
  });

  it("decides the same on a second call (compiled patterns are cached per policy)", async () => {
    const p = (await teams(exampleTexts())).get("hr")!;
    const a = decidePolicy(p, req({ model: "fast" }));
    const b = decidePolicy(p, req({ model: "fast" }));
    expect(b).toEqual(a);
    expect(denied(decidePolicy(p, req({ stream: true }))).denial.rule).toBe("hr.no-streaming");
  });
});
