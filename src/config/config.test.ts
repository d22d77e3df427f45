import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { interpolate } from "./interpolate.ts";
import { formatProblem } from "./yaml-file.ts";

const providers = `endpoints:
  - id: openai
    kind: openai
    base_url: \${OPENAI_BASE_URL:-https://api.openai.com/v1}
    api_key: \${OPENAI_API_KEY:-}
    models: [gpt-4o]
`;

async function problems(texts: Record<string, string>, env: Record<string, string> = {}) {
  const r = await loadConfig({ "providers.yaml": providers, ...texts }, env);
  if (r.ok) throw new Error("expected configuration errors");
  return r.error.map(formatProblem);
}

describe("interpolate", () => {
  it("substitutes set variables, defaults, and reports the unset ones", () => {
    expect(interpolate("${A}/${B:-x}/${C:-}", { A: "a" })).toEqual({ value: "a/x/", missing: [] });
    expect(interpolate("${NOPE}", {})).toEqual({ value: "", missing: ["NOPE"] });
    expect(interpolate("${A:-d}", { A: "" }).value).toBe("d");
  });
});

describe("loadConfig", () => {
  it("applies defaults, interpolation and environment overrides", async () => {
    const r = await loadConfig({ "providers.yaml": providers, "server.yaml": "port: 9000\n" }, { OPENAI_API_KEY: "sk-x", PORT: "9100", CUSTOS_MAX_BODY_BYTES: "4096" });
    if (!r.ok) throw new Error(r.error.map(formatProblem).join("\n"));
    expect(r.value.server.port).toBe(9100);
    expect(r.value.server.limits.max_body_bytes).toBe(4096);
    expect(r.value.server.upstream.headers_timeout_ms).toBe(300_000);
    const ep = r.value.providers.endpoints[0]!;
    expect(ep.kind === "openai" && ep.api_key).toBe("sk-x");
    expect(ep.kind === "openai" && ep.base_url).toBe("https://api.openai.com/v1");
    expect(r.value.identity.development_issuer.trusted).toBe(false);
  });

  it("the configuration hash depends on the files as written, not on secrets from the environment", async () => {
    const a = await loadConfig({ "providers.yaml": providers }, { OPENAI_API_KEY: "one" });
    const b = await loadConfig({ "providers.yaml": providers }, { OPENAI_API_KEY: "two" });
    const c = await loadConfig({ "providers.yaml": providers.replace("gpt-4o", "gpt-4o-mini") }, {});
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.value.sha256).toBe(b.value.sha256);
      expect(a.value.sha256).not.toBe(c.value.sha256);
    }
  });

  it("reports schema errors as file:line:column naming the field", async () => {
    const bad = "endpoints:\n  - id: x\n    kind: openai\n    base_url: ftp://example.com\n    models: [m]\n  - id: x\n    kind: nosuch\n    models: [m]\n";
    const out = await problems({ "providers.yaml": bad });
    expect(out).toContain("policies/providers.yaml:4:15: endpoints.0.base_url: must be http:// or https://");
    expect(out.some((p) => p.startsWith("policies/providers.yaml:7:11: endpoints.1.kind:"))).toBe(true);
  });

  it("rejects credentials in a base URL, duplicate ids, unknown keys", async () => {
    const bad = "endpoints:\n  - id: a\n    kind: openai\n    base_url: https://u:p@example.com\n    models: [m]\n  - id: a\n    kind: echo\n    models: [m]\n    colour: blue\n";
    const out = (await problems({ "providers.yaml": bad })).join("\n");
    expect(out).toContain("must not contain credentials");
    expect(out).toContain("colour");
    expect(out).not.toContain("u:p@");
  });

  it("names the unset variable and where it is used", async () => {
    const out = await problems({ "providers.yaml": "endpoints:\n  - id: a\n    kind: openai\n    base_url: ${MISSING_URL}\n    models: [m]\n" });
    expect(out).toEqual(["policies/providers.yaml:4:15: ${MISSING_URL} is not set and has no default"]);
  });

  it("reports YAML syntax errors with their position, and a missing catalogue", async () => {
    expect((await problems({ "providers.yaml": "endpoints: [\n" }))[0]).toMatch(/^policies\/providers\.yaml:\d+:\d+: /);
    const r = await loadConfig({}, {});
    expect(!r.ok && r.error.map(formatProblem)).toEqual(["policies/providers.yaml:1:1: file not found: the provider catalogue is required"]);
  });

  it("names the environment variable when an override is invalid", async () => {
    const out = await problems({}, { PORT: "eighty" });
    expect(out[0]).toContain("port (from environment variable PORT)");
  });
});
