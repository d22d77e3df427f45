// The Grafana dashboards cannot drift from the schema: every panel's SQL and every template
// variable's query runs, with Grafana's macros and variables expanded as Grafana expands them
// (All, a real value, every value; several intervals), against a migrated database holding
// an audit log written by the real writer (PGlite; Postgres as the runtime role with
// DATABASE_URL). Each must return rows shaped for its panel type. The provisioning files
// must point at these files.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../src/runtime/node-files.ts";
import { DATABASE_URL, SUPERUSER_URL } from "./helpers/pg.ts";
import { expandSql, type Selection, type Variable } from "./dashboards/grafana.ts";
import { READER, seedAuditLog, type Column, type QueryResult, type SeededLog } from "./dashboards/seed.ts";

const DIR = path.join(PACKAGE_ROOT, "dashboards");
const DATASOURCE_TYPES = ["grafana-postgresql-datasource", "postgres"];

interface Target {
  refId: string;
  format?: string;
  rawQuery?: boolean;
  rawSql?: string;
  datasource?: { type?: string };
}
interface Panel {
  id: number;
  title: string;
  type: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  transformations?: { id: string; options: { indexByName?: Record<string, number> } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: (Variable & { datasource?: { type?: string } })[] };
}

// Postgres type OIDs, as both drivers report them.
const NUMERIC = new Set([20, 21, 23, 26, 700, 701, 1700]);
const TIME = new Set([1082, 1114, 1184]);
const TEXT = new Set([18, 19, 25, 1042, 1043]);
const describeColumns = (cols: Column[]) => cols.map((c) => `${c.name}:${c.type}`).join(", ");

/** The columns a panel type can draw (Grafana's data frames from a table-format result). */
function checkShape(panel: Panel, target: Target, r: QueryResult): void {
  const at = `${panel.title} (${panel.type}): ${describeColumns(r.columns)}`;
  const names = r.columns.map((c) => c.name);
  switch (panel.type) {
    case "timeseries": {
      expect(target.format, at).toBe("time_series");
      const time = r.columns.find((c) => c.name === "time");
      // $__timeGroup gives epoch seconds (numeric); $__time a timestamp.
      expect(time && (TIME.has(time.type) || NUMERIC.has(time.type)), `${at}: a "time" column`).toBe(true);
      const rest = r.columns.filter((c) => c !== time);
      for (const c of rest) expect(NUMERIC.has(c.type) || (c.name === "metric" && TEXT.has(c.type)), `${at}: ${c.name} is a value or the metric name`).toBe(true);
      expect(rest.some((c) => NUMERIC.has(c.type)), `${at}: a numeric column`).toBe(true);
      break;
    }
    case "stat":
      expect(target.format, at).toBe("table");
      expect(r.columns.length, at).toBe(1);
      expect(NUMERIC.has(r.columns[0]!.type), at).toBe(true);
      expect(r.rows.length, at).toBe(1);
      expect(r.rows[0]![r.columns[0]!.name], `${at}: a value`).not.toBeNull();
      break;
    case "table": {
      expect(target.format, at).toBe("table");
      const organize = panel.transformations?.find((t) => t.id === "organize")?.options.indexByName;
      expect(organize, `${at}: the columns are listed in an organize transformation`).toBeDefined();
      const listed = Object.entries(organize!)
        .sort((a, b) => a[1] - b[1])
        .map(([k]) => k);
      expect(names, at).toEqual(listed);
      break;
    }
    default:
      throw new Error(`${at}: no shape check for panel type ${panel.type}`);
  }
}

let log: SeededLog;
beforeAll(async () => {
  log = await seedAuditLog();
}, 60_000);
afterAll(async () => {
  await log?.close();
});

const files = (await readdir(DIR)).filter((f) => f.endsWith(".json")).sort();
const dashboards = await Promise.all(files.map(async (f) => ({ file: f, dash: JSON.parse(await readFile(path.join(DIR, f), "utf8")) as Dashboard })));
const range = () => ({ from: new Date(Date.now() - 6 * 3600_000), to: new Date(Date.now() + 60_000) });

/** Each variable's options, from its own query. */
async function optionsOf(vars: readonly Variable[]): Promise<Map<string, string[]>> {
  const options = new Map<string, string[]>();
  for (const v of vars.filter((x) => x.type === "query")) {
    const sql = expandSql(v.query ?? "", { ...range(), interval: "1m", variables: vars, options, selection: new Map() });
    const r = await log.query(sql);
    options.set(
      v.name,
      r.rows.map((row) => String(row.__value ?? Object.values(row)[0])),
    );
  }
  return options;
}

/** Runs a panel's SQL with these settings; returns the result. */
async function run(panel: Panel, target: Target, vars: readonly Variable[], options: Map<string, string[]>, selection: Map<string, Selection>, interval: string) {
  const sql = expandSql(target.rawSql!, { ...range(), interval, variables: vars, options, selection });
  try {
    return await log.query(sql);
  } catch (e) {
    throw new Error(`${panel.title}: ${e instanceof Error ? e.message : String(e)}\n${sql}`, { cause: e });
  }
}

describe("dashboards", () => {
  it("there are the four dashboards, with unique uids and titles", () => {
    expect(log.driver).toBe(DATABASE_URL ? "postgres" : "pglite");
    expect(files).toEqual(["custos-audit-health.json", "custos-governance.json", "custos-overview.json", "custos-tokens.json"]);
    const uids = dashboards.map((d) => d.dash.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { dash } of dashboards) {
      expect(dash.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(dash.title).toMatch(/^Custos/);
    }
  });

  for (const { file, dash } of dashboards) {
    const vars = dash.templating?.list ?? [];

    it(`${file}: panels and variables are well formed`, () => {
      const ids = dash.panels.map((p) => p.id);
      expect(new Set(ids).size, "panel ids are unique").toBe(ids.length);
      expect(vars.some((v) => v.type === "datasource" && DATASOURCE_TYPES.includes(v.query ?? "")), "a PostgreSQL datasource variable").toBe(true);
      for (const p of dash.panels) {
        expect(p.title, `panel ${p.id}`).toBeTruthy();
        expect(p.gridPos, p.title).toBeDefined();
        expect(DATASOURCE_TYPES, p.title).toContain(p.datasource?.type);
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          expect(t.rawQuery, p.title).toBe(true);
          expect(t.rawSql, p.title).toBeTruthy();
          if (t.datasource) expect(DATASOURCE_TYPES, p.title).toContain(t.datasource.type);
        }
      }
      for (const v of vars.filter((x) => x.type === "query")) {
        expect(DATASOURCE_TYPES, v.name).toContain(v.datasource?.type);
        expect(v.includeAll && v.multi, `${v.name}: multi-value with All`).toBe(true);
      }
    });

    it(`${file}: every variable's query runs and offers values`, async () => {
      const options = await optionsOf(vars);
      for (const [name, values] of options) expect(values.length, name).toBeGreaterThan(0);
    });

    for (const panel of dash.panels) {
      it(`${file}: ${panel.title}`, async () => {
        const options = await optionsOf(vars);
        const queryVars = vars.filter((v) => v.type === "query");
        for (const target of panel.targets ?? []) {
          // All, at several intervals: rows, shaped for the panel.
          for (const interval of ["1m", "5m", "1h", "30s"]) {
            const r = await run(panel, target, vars, options, new Map(), interval);
            expect(r.rows.length, `${panel.title} with All, ${interval}`).toBeGreaterThan(0);
            checkShape(panel, target, r);
          }
          // Every value picked by hand (not the All value): rows too.
          const every = new Map<string, Selection>(queryVars.map((v) => [v.name, { values: options.get(v.name)! }]));
          const r = await run(panel, target, vars, options, every, "1m");
          expect(r.rows.length, `${panel.title} with every value selected`).toBeGreaterThan(0);
          checkShape(panel, target, r);
          // Each variable set to each real value in turn: the SQL runs and keeps its shape.
          for (const v of queryVars) {
            for (const value of options.get(v.name)!) {
              const one = await run(panel, target, vars, options, new Map([[v.name, { values: [value] }]]), "1m");
              if (one.rows.length > 0 || panel.type === "stat") checkShape(panel, target, one);
              else expect(one.columns.map((c) => c.name), `${panel.title}, $${v.name}=${value}`).toEqual(r.columns.map((c) => c.name));
            }
          }
        }
      });
    }
  }

  it.runIf(DATABASE_URL && SUPERUSER_URL)("on Postgres the panels run as the read-only role, which cannot write", async () => {
    expect((await log.query("SELECT current_user AS u")).rows[0]!.u).toBe(READER);
    await expect(log.query("INSERT INTO audit.anchor (tree_size, kind, ref) VALUES (1, 'x', 'y')")).rejects.toThrow(/permission denied/);
  });

  it("a panel whose SQL names a column the schema lacks fails", async () => {
    const { dash } = dashboards.find((d) => d.file === "custos-overview.json")!;
    const panel = dash.panels.find((p) => p.type === "timeseries")!;
    const broken = { ...panel.targets![0]!, rawSql: panel.targets![0]!.rawSql!.replace("FROM audit.calls", "FROM audit.calls WHERE latency_ms > 0 AND") };
    const options = await optionsOf(dash.templating!.list);
    await expect(run(panel, broken, dash.templating!.list, options, new Map(), "1m")).rejects.toThrow(/latency_ms/);
  });

  it("the shape check rejects a time series without a time column", () => {
    const panel: Panel = { id: 1, title: "t", type: "timeseries" };
    expect(() => checkShape(panel, { refId: "A", format: "time_series" }, { columns: [{ name: "calls", type: 20 }], rows: [{ calls: 1 }] })).toThrow();
  });

  it("the provisioning files load these dashboards from one directory and name a PostgreSQL data source", async () => {
    const prov = parse(await readFile(path.join(DIR, "provisioning/dashboards/custos.yaml"), "utf8")) as { apiVersion: number; providers: { type: string; folder: string; options: { path: string } }[] };
    expect(prov.apiVersion).toBe(1);
    expect(prov.providers).toHaveLength(1);
    expect(prov.providers[0]).toMatchObject({ type: "file", folder: "Custos" });
    expect(prov.providers[0]!.options.path).toBeTruthy();
    const ds = parse(await readFile(path.join(DIR, "provisioning/datasources/custos.yaml"), "utf8")) as { apiVersion: number; datasources: { type: string; uid: string; user: string; jsonData: { database: string } }[] };
    expect(ds.apiVersion).toBe(1);
    expect(DATASOURCE_TYPES).toContain(ds.datasources[0]!.type);
    expect(ds.datasources[0]!.jsonData.database).toBeTruthy();
    expect(ds.datasources[0]).toMatchObject({ user: READER });
  });
});
