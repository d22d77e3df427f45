// Re-records test/dashboards/entries.json, the audit entries the dashboard tests seed:
//   CUSTOS_RECORD_DASHBOARD_ENTRIES=1 npx vitest run test/dashboards/record-entries.test.ts
// It runs the real server (example policies, a fake provider behind OpenAI- and
// Anthropic-kind endpoints) and makes calls that produce every kind of row a panel reads:
// answers, an upstream error, policy, PII and region denials, PII findings, a shadow-mode
// would-be denial and pinned calls. Skipped otherwise, so the suite needs no server.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect, it } from "vitest";
import { startCustos, testProviders } from "../helpers/custos.ts";
import { startFakeProvider } from "../helpers/fake-provider.ts";
import { ENTRIES_FILE } from "./seed.ts";

const chat = (model: string, content: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user", content }], ...extra });

const CALLS: { team: string; body: Record<string, unknown>; path?: string; headers?: Record<string, string> }[] = [
  { team: "demo", body: chat("gpt-4o+latency=20", "Summarise the quarterly report.") },
  { team: "demo", body: chat("gpt-4o+latency=5", "Hello again.") },
  { team: "demo", path: "/v1/messages", body: { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] } },
  { team: "demo", body: chat("gpt-4o+error=500", "This one fails upstream.") },
  { team: "demo", body: chat("gpt-4o-preview", "A preview model.") }, // models.approved
  { team: "demo", body: chat("gpt-4o", "Pinned to the EU."), headers: { "x-custos-pin-region": "EU" } },
  { team: "demo", body: chat("gpt-4o", "Pinned to the US."), headers: { "x-custos-pin-region": "US" } }, // region_not_allowed
  { team: "research", body: chat("gpt-4o", "Email alice.martin@example.com about the trial.", { max_tokens: 2000 }) }, // PII, shadow ceiling
  { team: "research", body: chat("claude-sonnet-4-5", "Ask bob@example.org, phone +1 (415) 555-0199.") }, // wrong API
  { team: "support", body: chat("gpt-4o", "Customer Jane Doe (jane.doe@example.com) wants a refund.") },
  { team: "hr", body: chat("gpt-4o", "Pay the salary to IBAN DE89 3704 0044 0532 0130 00 please.") }, // pii_blocked
];

it.runIf(process.env.CUSTOS_RECORD_DASHBOARD_ENTRIES)("records the entries of real calls", async () => {
  const fake = await startFakeProvider();
  const dir = await mkdtemp(path.join(tmpdir(), "custos-dashboards-"));
  try {
    const custos = await startCustos({ providers: testProviders(fake.url), policies: "examples", env: { CUSTOS_DATA_DIR: path.join(dir, "data"), CUSTOS_AUDIT_INTEGRATE: "false" } });
    try {
      for (const c of CALLS) {
        const res = await fetch(`${custos.url}${c.path ?? "/v1/chat/completions"}`, {
          method: "POST",
          headers: { authorization: `Bearer ${await custos.token("alice", [c.team])}`, "content-type": "application/json", ...c.headers },
          body: JSON.stringify(c.body),
        });
        expect(res.status, JSON.stringify(c.body)).not.toBe(500);
        await res.text();
      }
    } finally {
      await custos.close(); // flushes the writer
    }
    const pg = await PGlite.create(path.join(dir, "data"));
    const r = await pg.query<{ e: string }>("SELECT convert_from(entry, 'UTF8') AS e FROM audit.event WHERE event_type LIKE 'llm.%' ORDER BY received_at, writer_seq");
    await pg.close();
    const entries = r.rows.map((row) => {
      const { v: _v, log: _log, writer: _writer, ...rest } = JSON.parse(row.e) as Record<string, unknown>;
      return rest;
    });
    expect(entries.length).toBeGreaterThan(CALLS.length);
    await writeFile(ENTRIES_FILE, `${JSON.stringify(entries, null, 1)}\n`);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
