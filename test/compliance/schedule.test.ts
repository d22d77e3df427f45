// The retention schedule of a server that integrates the log: with nothing asked by hand,
// a month whose records have all expired (and that an anchored checkpoint covers) is
// purged, announced first by a retention.purge event the schedule signs for.
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

const ORG = `description: Test baseline.
rules: []
retention:
  default: standard
  classes:
    standard: { events: 13 months, content: 90 days }
    short: { events: 1 day, content: 1 day }
`;

let custos: TestCustos;

beforeAll(async () => {
  // 0.0005 h: a run every 1.8 s.
  custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), policies: { "org.yaml": ORG, "teams/demo.yaml": "team: demo\ndescription: Demo.\n" }, env: { CUSTOS_RETENTION_SCHEDULE_HOURS: "0.0005" } });
}, 60_000);

afterAll(async () => {
  await custos?.close();
});

it("purges an expired, anchored month by itself, and leaves the current one", async () => {
  const d = new Date();
  const old = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 2, 5);
  const month = new Date(old).toISOString().slice(0, 7);
  for (let i = 0; i < 4; i++) custos.server.deps.audit.emit({ type: "test.old", ts: old + i, fields: { retention: { class: "short" } } });
  await custos.server.deps.audit.flush();
  await custos.server.deps.checkpointNow!();
  const store = custos.server.deps.storage.compliance;
  const purged = await eventually(async () => (await store.purged()).find((p) => p.month.toISOString().startsWith(month)), { timeoutMs: 20_000, intervalMs: 200 });
  expect(purged).toMatchObject({ events: 4 });
  // Empty past months go too (nothing in them to keep); ours is the one with four entries.
  const announced = (await custos.server.deps.storage.audit.search({ type: "retention.purge", limit: 10 })).map((e) => JSON.parse(new TextDecoder().decode(e.entry)) as { actor: { auth: { method: string } }; purge: { month: string; events: number } });
  const entry = announced.find((e) => e.purge.month === month)!;
  expect(entry.actor.auth.method).toBe("schedule");
  expect(entry.purge).toMatchObject({ month, events: 4 });
  const months = (await store.partitionMonths()).map((m) => m.toISOString().slice(0, 7));
  expect(months).not.toContain(month);
  expect(months).toContain(new Date().toISOString().slice(0, 7));
});
