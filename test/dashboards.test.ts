// Every dashboard query runs against the real schema (Grafana's time macros expanded),
// so a schema change that breaks a panel fails here rather than on someone's screen.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memorySpool } from "../src/audit/spool.ts";
import { auditWriter } from "../src/audit/writer.ts";
import { uuidv7 } from "../src/ids.ts";
import { nodeSha256 } from "../src/runtime/node-audit.ts";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../src/runtime/node-files.ts";
import { drizzleStorage, type AnyPgDatabase } from "../src/storage/drizzle-storage.ts";
import { jsonLogger } from "../src/telemetry/logger.ts";

const DIR = path.join(PACKAGE_ROOT, "dashboards");

interface Panel {
  title: string;
  targets?: { rawSql?: string }[];
}

function expandMacros(sql: string): string {
  return sql
    .replace(/\$__timeGroupAlias\((\w+),\s*'1m'\)/g, "date_trunc('minute', $1) AS time")
    .replace(/\$__timeFilter\((\w+)\)/g, "$1 > now() - interval '6 hours'");
}

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create("memory://");
  await migrate(drizzle(db), { migrationsFolder: MIGRATIONS_DIR });
  const storage = drizzleStorage("pglite", () => drizzle(db) as unknown as AnyPgDatabase, async () => {});
  // Two call endings, written as the proxy writes them.
  const w = auditWriter({ store: storage.audit, sha: nodeSha256, origin: "test/dashboards", logger: jsonLogger("silent", () => {}), spool: memorySpool(100), now: Date.now, newId: uuidv7, defer: () => {}, open: {}, batchMs: 0 });
  const actor = { team: "demo", subject: "p1" };
  w.emit({ type: "llm.response", fields: { request_event_id: uuidv7(), actor, request: { op: "chat", model: "gpt-4o", stream: false }, route: { provider: "openai", endpoint: "openai", region: "us" }, status: 200, time: { duration_ms: 12 }, response: { usage: { input: 10, output: 5 } } } });
  w.emit({ type: "llm.response", fields: { request_event_id: uuidv7(), actor, request: { op: "messages", model: "claude-x", stream: false }, route: { provider: "anthropic", endpoint: "anthropic", region: "us" }, status: 502, error: { code: "upstream_error" }, time: { duration_ms: 30 } } });
  await w.flush();
});
afterAll(async () => {
  await db?.close();
});

describe("dashboards", async () => {
  const files = (await readdir(DIR)).filter((f) => f.endsWith(".json"));
  it("exist", () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`${file}: every panel's query runs on the schema and returns rows`, async () => {
      const dash = JSON.parse(await readFile(path.join(DIR, file), "utf8")) as { panels: Panel[]; uid: string };
      expect(dash.uid).toBeTruthy();
      for (const panel of dash.panels) {
        for (const t of panel.targets ?? []) {
          if (!t.rawSql) continue;
          const sql = expandMacros(t.rawSql);
          expect(sql, panel.title).not.toContain("$__");
          const r = await db.query(sql);
          expect(r.rows.length, panel.title).toBeGreaterThan(0);
        }
      }
    });
  }
});
