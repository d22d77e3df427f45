// Every dashboard query runs against the real schema (Grafana's time macros expanded),
// so a schema change that breaks a panel fails here rather than on someone's screen.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../src/runtime/node-files.ts";

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
  await db.query(
    `INSERT INTO request_log (id, time, route, team, model, status, error_code, latency_ms, upstream, region) VALUES
     ('a', now(), '/v1/chat/completions', 'demo', 'gpt-4o', 200, NULL, 12.5, 'openai', 'us'),
     ('b', now(), '/v1/messages', 'demo', 'claude-x', 502, 'upstream_error', 30, 'anthropic', 'us')`,
  );
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
