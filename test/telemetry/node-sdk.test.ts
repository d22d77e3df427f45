// `custos serve` registers its telemetry through the OpenTelemetry NodeSDK (one server
// per process): spans carry the SDK's detected resource (process, host) and land in
// otel_spans, and /metrics is read from the registered meter provider.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import { runCli, serveCli } from "../helpers/cli.ts";
import { testProviders, writePolicies } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { parsePrometheusText } from "../helpers/prometheus-text.ts";

let fake: FakeProvider;
let dir: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  dir = await mkdtemp(path.join(tmpdir(), "custos-nodesdk-"));
  await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  await writePolicies(path.join(dir, "policies"));
  await writeFile(path.join(dir, "policies", "providers.yaml"), testProviders(fake.url));
});

afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("custos serve under NodeSDK", () => {
  it("exports a call's spans with the SDK's resource and serves /metrics from the registered provider", async () => {
    const trace = "6bf92f3577b34da6a3ce929d0e0e4736";
    const token = (await runCli(["token", "--sub", "alice", "--team", "demo"], { cwd: dir })).stdout.trim();
    const server = await serveCli({ cwd: dir });
    try {
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", traceparent: `00-${trace}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(200);
      const metricsUrl = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(server.output())?.[1];
      expect(metricsUrl).toBeDefined();
      const families = parsePrometheusText(await (await fetch(metricsUrl!)).text());
      expect(families.get("custos_requests_total")!.samples.find((s) => s.labels.decision === "allow")?.value).toBe(1);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
    // the server flushed its spans on the way out; its embedded database is free now
    const storage = await pgliteStorage(path.join(dir, ".custos", "data"), MIGRATIONS_DIR);
    try {
      const spans = await storage.spansOfTrace(trace);
      expect(spans.map((s) => s.span_kind).sort()).toEqual(["CLIENT", "SERVER"]);
      expect(spans[0]!.resource_attributes).toMatchObject({ "service.name": "custos", "process.pid": expect.any(Number) });
    } finally {
      await storage.close();
    }
  });
});
