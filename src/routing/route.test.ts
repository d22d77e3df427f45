// Route planning and fallback. The property: for random catalogues, policies, pins,
// suspensions, breaker states and failure patterns, no request is ever sent to an endpoint
// outside the allowed set, and no more are tried than routing.max_attempts.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EndpointSchema, type Endpoint } from "../config/providers.ts";
import { ServerSettingsSchema } from "../config/server.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { PolicyBundle } from "../policy/compile.ts";
import { forward } from "../providers/forward.ts";
import { memoryResponse, UpstreamFailure, type Bytes, type UpstreamClient, type UpstreamRequest } from "../providers/types.ts";
import { endpointHealth } from "./health.ts";
import { order, parsePin, planRoute, type RouteRequest } from "./route.ts";
import { excludedBy, NO_CONSTRAINTS, type RouteConstraints } from "./select-endpoint.ts";
import { NOTHING_SUSPENDED, type SuspensionSet } from "./suspensions.ts";

const ep = (id: string, f: Record<string, unknown> = {}): Endpoint =>
  EndpointSchema.parse({ id, kind: "openai", base_url: `http://${id}.invalid/v1`, models: ["gpt-4o"], ...f });

const CATALOGUE = [
  ep("us-openai", { region: "us-east-1", jurisdiction: "US", priority: 1 }),
  ep("eu-azure", { kind: "azure-openai", base_url: "https://eu.invalid", region: "westeurope", jurisdiction: "EU", priority: 1, model_names: { "gpt-4o": "gpt4o-eu" } }),
  ep("eu-vllm", { kind: "openai-compatible", region: "eu-central-1", jurisdiction: "EU", priority: 2, tags: ["self_hosted"] }),
];
const EU_ONLY: RouteConstraints = { providers: [], regions: [{ rule: "regions.eu", jurisdictions: ["EU"] }] };
const always = { ready: () => true };

const req = (over: Partial<RouteRequest> = {}): RouteRequest => ({
  model: "gpt-4o",
  operation: "chat",
  team: "t",
  constraints: NO_CONSTRAINTS,
  suspended: NOTHING_SUSPENDED,
  health: always,
  random: Math.random,
  ...over,
});
const ids = (r: ReturnType<typeof planRoute>) => (r.ok ? r.value.candidates.map((e) => e.id) : r.error.code);

describe("planRoute", () => {
  it("keeps a team pinned to the EU in the EU, ordered by priority", () => {
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY })))).toEqual(["eu-azure", "eu-vllm"]);
  });

  it("refuses with region_not_allowed naming the jurisdictions, not URLs, when no allowed endpoint serves the model", () => {
    const r = planRoute([CATALOGUE[0]!], req({ constraints: EU_ONLY }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("region_not_allowed");
    expect(r.error.message).toContain("EU");
    expect(r.error.message).not.toContain("invalid");
  });

  it("x-custos-pin-region narrows (by jurisdiction or region) and never widens", () => {
    expect(ids(planRoute(CATALOGUE, req({ pin: ["EU"] })))).toEqual(["eu-azure", "eu-vllm"]);
    expect(ids(planRoute(CATALOGUE, req({ pin: ["eu-central-1"] })))).toEqual(["eu-vllm"]);
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY, pin: ["US"] })))).toBe("region_not_allowed");
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY, pin: ["us-east-1", "EU"] })))).toEqual(["eu-azure", "eu-vllm"]);
    expect(parsePin("EU, eu-west-1").ok).toBe(true);
    expect(parsePin("EU;DROP").ok).toBe(false);
    expect(parsePin("").ok).toBe(false);
  });

  it("leaves suspended endpoints out; a suspended team or model, or nothing left, is 503 suspended", () => {
    const s = (x: Partial<Record<keyof SuspensionSet, string[]>>): SuspensionSet => ({ endpoints: new Set(x.endpoints), models: new Set(x.models), teams: new Set(x.teams) });
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY, suspended: s({ endpoints: ["eu-azure"] }) })))).toEqual(["eu-vllm"]);
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY, suspended: s({ endpoints: ["eu-azure", "eu-vllm"] }) })))).toBe("suspended");
    expect(ids(planRoute(CATALOGUE, req({ suspended: s({ teams: ["t"] }) })))).toBe("suspended");
    expect(ids(planRoute(CATALOGUE, req({ suspended: s({ models: ["gpt-4o"] }) })))).toBe("suspended");
  });

  it("leaves unhealthy endpoints out; all of them down is 503 no_healthy_endpoint, never a fallback elsewhere", () => {
    const down = (...x: string[]) => ({ ready: (id: string) => !x.includes(id) });
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY, health: down("eu-azure") })))).toEqual(["eu-vllm"]);
    expect(ids(planRoute(CATALOGUE, req({ constraints: EU_ONLY, health: down("eu-azure", "eu-vllm") })))).toBe("no_healthy_endpoint");
  });

  it("shares calls among equal priorities by weight", () => {
    const a = ep("a", { weight: 3 });
    const b = ep("b", { weight: 1 });
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let first = 0;
    for (let i = 0; i < 4000; i++) if (order([a, b], random)[0] === a) first++;
    expect(first / 4000).toBeGreaterThan(0.7);
    expect(first / 4000).toBeLessThan(0.8);
  });
});

// ── forward: fallbacks within the plan ──────────────────────────────────────────────────

type Behaviour = "ok" | "429" | "500" | "400" | "timeout" | "refused";

function client(behaviour: (host: string) => Behaviour, sent: string[]): UpstreamClient {
  return {
    async send(r: UpstreamRequest) {
      const host = new URL(r.url).hostname.split(".")[0]!;
      sent.push(host);
      const b = behaviour(host);
      if (b === "timeout") throw new UpstreamFailure("timeout", "headers timeout");
      if (b === "refused") throw new UpstreamFailure("unreachable", "ECONNREFUSED");
      const status = b === "ok" ? 200 : Number(b);
      return memoryResponse(status, { "content-type": "application/json" }, new TextEncoder().encode(status === 200 ? '{"ok":true}' : '{"error":{"message":"no"}}') as Bytes);
    },
  };
}

function exchange(candidates: Endpoint[]): Exchange {
  const json = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
  return {
    id: "x",
    operation: "chat",
    route: "/v1/chat/completions",
    receivedAt: 0,
    start: 0,
    headers: new Headers(),
    source: "127.0.0.1",
    signal: new AbortController().signal,
    body: new TextEncoder().encode(JSON.stringify(json)) as Bytes,
    json,
    model: "gpt-4o",
    stream: false,
    policy: {} as PolicyBundle,
    timings: {},
    candidates,
  };
}

function deps(upstream: UpstreamClient, routing: Record<string, number> = {}) {
  const config = { server: ServerSettingsSchema.parse({ routing }) } as Parameters<typeof forward>[1]["config"];
  const clock = { now: () => 0, monotonic: () => performance.now() };
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer("test");
  return { upstream, config, clock, tracer, spans, health: endpointHealth({ failures: 2, open_ms: 60_000 }, clock) };
}

describe("forward", () => {
  it("falls back on 429, 5xx, timeouts and refused connections, within the plan, and records each attempt", async () => {
    const sent: string[] = [];
    const plan = [ep("a"), ep("b"), ep("c"), ep("d")];
    const ex = exchange(plan);
    const d = deps(client((h) => ({ a: "500", b: "timeout", c: "429", d: "ok" })[h] as Behaviour, sent), { max_attempts: 4 });
    const r = await forward(ex, d);
    // one client span per attempt, each saying where it went and how it went
    expect(d.spans.getFinishedSpans().map((s) => [s.attributes["custos.endpoint"], s.attributes["custos.attempt"], s.attributes["error.type"] ?? null])).toEqual([
      ["a", 1, "500"],
      ["b", 2, "timeout"],
      ["c", 3, "429"],
      ["d", 4, null],
    ]);
    expect(r.ok).toBe(true);
    expect(sent).toEqual(["a", "b", "c", "d"]);
    expect(ex.endpoint!.id).toBe("d");
    expect(ex.attempts!.map((a) => `${a.endpoint}:${a.outcome}${a.status ?? ""}`)).toEqual(["a:status500", "b:timeout", "c:status429", "d:ok200"]);
  });

  it("stops at max_attempts, and does not fall back on a 4xx about the request", async () => {
    const sent: string[] = [];
    const r = await forward(exchange([ep("a"), ep("b"), ep("c")]), deps(client(() => "500", sent), { max_attempts: 2 }));
    expect(r.ok).toBe(false);
    expect(sent).toEqual(["a", "b"]);
    const sent2: string[] = [];
    const r2 = await forward(exchange([ep("a"), ep("b")]), deps(client(() => "400", sent2)));
    expect(!r2.ok && r2.error.code).toBe("invalid_request");
    expect(sent2).toEqual(["a"]);
  });

  it("opens an endpoint's breaker after repeated failures (429 does not count)", async () => {
    const d = deps(client((h) => (h === "a" ? "500" : h === "b" ? "429" : "ok"), []));
    for (let i = 0; i < 3; i++) await forward(exchange([ep("a"), ep("b"), ep("c")]), d);
    expect(d.health.state("a")).toBe("open");
    expect(d.health.state("b")).toBe("closed");
  });

  it("property: whatever fails, nothing is sent outside the allowed, pinned, running, healthy set", async () => {
    const region = fc.constantFrom(["us-east-1", "US"], ["eu-west-1", "EU"], ["westeurope", "EU"], ["eu-central-1", "EU"], ["uksouth", "UK"], ["ch-zurich", "CH"], ["local", undefined]);
    const endpointArb = fc.record({ r: region, priority: fc.integer({ min: 0, max: 3 }), weight: fc.integer({ min: 1, max: 5 }), serves: fc.boolean(), selfHosted: fc.boolean() });
    const riskArb = fc.option(fc.record({ jurisdictions: fc.subarray(["EU", "CH"], { minLength: 1 }), tagged: fc.boolean() }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(endpointArb, { minLength: 1, maxLength: 8 }),
        fc.subarray(["EU", "US", "UK", "CH"]),
        fc.option(fc.subarray(["EU", "US", "eu-west-1", "uksouth", "local"], { minLength: 1 })),
        fc.array(fc.constantFrom<Behaviour>("ok", "429", "500", "400", "timeout", "refused"), { minLength: 8, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 5 }),
        riskArb,
        async (eps, jurisdictions, pin, behaviours, suspendedFlags, downFlags, maxAttempts, riskSpec) => {
          const catalogue = eps.map((e, i) =>
            ep(`e${i}`, { region: e.r[0], ...(e.r[1] ? { jurisdiction: e.r[1] } : {}), priority: e.priority, weight: e.weight, models: e.serves ? ["gpt-4o"] : ["other"], tags: e.selfHosted ? ["self_hosted"] : [] }),
          );
          const risk = riskSpec ? [{ rule: "risk", when: ["NATIONAL_ID" as const], found: ["NATIONAL_ID" as const], jurisdictions: riskSpec.jurisdictions, ...(riskSpec.tagged ? { tags: ["self_hosted"] } : {}) }] : [];
          const constraints: RouteConstraints = jurisdictions.length > 0 ? { providers: [], regions: [{ rule: "r", jurisdictions }] } : NO_CONSTRAINTS;
          const suspended: SuspensionSet = { endpoints: new Set(catalogue.filter((_, i) => suspendedFlags[i]).map((e) => e.id)), models: new Set(), teams: new Set() };
          const health = { ready: (id: string) => !downFlags[Number(id.slice(1))] };
          const plan = planRoute(catalogue, req({ constraints, ...(pin ? { pin } : {}), suspended, health, risk }));
          const sent: string[] = [];
          if (plan.ok) {
            const ex = exchange(plan.value.candidates);
            await forward(ex, deps(client((h) => behaviours[Number(h.slice(1))]!, sent), { max_attempts: maxAttempts }));
            expect(sent.length).toBeLessThanOrEqual(maxAttempts);
          }
          for (const id of sent) {
            const e = catalogue.find((c) => c.id === id)!;
            expect(excludedBy(e, constraints)).toBeUndefined();
            expect(e.models).toContain("gpt-4o");
            if (pin) expect(pin.some((p) => p === e.region || p === e.jurisdiction)).toBe(true);
            expect(suspended.endpoints.has(id)).toBe(false);
            expect(health.ready(id)).toBe(true);
            for (const r of risk) expect((e.jurisdiction !== undefined && r.jurisdictions.includes(e.jurisdiction)) || (r.tags !== undefined && e.tags.includes("self_hosted"))).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
