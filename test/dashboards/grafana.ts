// What Grafana's PostgreSQL data source does to a panel's SQL before sending it: template
// variables, then the $__ macros. Written after Grafana's own rules (the SQL data sources'
// macro engine and interpolateVariable): a multi-value or include-All variable's values are
// single-quoted and comma-joined, a custom all value is inserted as written, a constant as is.

export interface Variable {
  name: string;
  type: string;
  query?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

/** What a variable is set to: the All option, or these values. */
export type Selection = { all: true } | { values: string[] };

export interface Expansion {
  from: Date;
  to: Date;
  /** Grafana's $__interval, e.g. "1m", "30s", "1h". */
  interval: string;
  variables: readonly Variable[];
  /** The values each query variable offers (its query's result), by name. */
  options: ReadonlyMap<string, string[]>;
  selection: ReadonlyMap<string, Selection>;
}

const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;

function variableValue(v: Variable, e: Expansion): string {
  if (v.type === "constant") return v.query ?? "";
  if (v.type !== "query" && v.type !== "custom") throw new Error(`variable $${v.name}: type ${v.type} cannot appear in SQL`);
  const sel = e.selection.get(v.name) ?? { all: true };
  if ("all" in sel) {
    if (!v.includeAll) throw new Error(`variable $${v.name} has no All option`);
    if (v.allValue !== undefined && v.allValue !== "") return v.allValue;
    return (e.options.get(v.name) ?? []).map(quote).join(",");
  }
  return v.multi || v.includeAll ? sel.values.map(quote).join(",") : sel.values.join(",");
}

/** "5m" → 300 (seconds); Grafana's interval units. */
export function intervalSeconds(text: string): number {
  const m = /^'?(\d+)(ms|s|m|h|d|w|y)'?$/.exec(text.trim());
  if (!m) throw new Error(`not an interval: ${text}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 }[m[2] as "s"];
  return Math.max(1, Math.floor(Number(m[1]) * unit));
}

/** The macro's arguments, split on top-level commas. */
function args(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Replaces every `$__name(args)` call, matching parentheses. */
function replaceMacro(sql: string, name: string, fn: (a: string[]) => string): string {
  const head = `$__${name}(`;
  let out = "";
  let i = 0;
  for (;;) {
    const at = sql.indexOf(head, i);
    if (at < 0) return out + sql.slice(i);
    let depth = 1;
    let j = at + head.length;
    for (; j < sql.length && depth > 0; j++) {
      if (sql[j] === "(") depth++;
      if (sql[j] === ")") depth--;
    }
    if (depth !== 0) throw new Error(`unbalanced ${head}`);
    out += sql.slice(i, at) + fn(args(sql.slice(at + head.length, j - 1)));
    i = j;
  }
}

/** The SQL Grafana would send; throws on a variable or macro it would not know. */
export function expandSql(sql: string, e: Expansion): string {
  const byName = new Map(e.variables.map((v) => [v.name, v]));
  // Variables: $name, ${name} and [[name]] (not $__ names, which are Grafana's own).
  let out = sql.replace(/\$\{([A-Za-z]\w*)\}|\$([A-Za-z]\w*)|\[\[([A-Za-z]\w*)\]\]/g, (_m, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? "";
    const v = byName.get(name);
    if (!v) throw new Error(`unknown template variable $${name}`);
    return variableValue(v, e);
  });
  const iso = (d: Date) => `'${d.toISOString()}'`;
  out = out.replaceAll("$__interval_ms", String(intervalSeconds(e.interval) * 1000)).replaceAll("$__interval", e.interval);
  out = replaceMacro(out, "timeFilter", ([col]) => `${col} BETWEEN ${iso(e.from)} AND ${iso(e.to)}`);
  out = replaceMacro(out, "timeFrom", () => iso(e.from));
  out = replaceMacro(out, "timeTo", () => iso(e.to));
  const group = ([col, interval]: string[]) => {
    if (!col || !interval) throw new Error("$__timeGroup needs a column and an interval");
    const s = intervalSeconds(interval);
    return `floor(extract(epoch from ${col})/${s})*${s}`;
  };
  out = replaceMacro(out, "timeGroupAlias", (a) => `${group(a)} AS "time"`);
  out = replaceMacro(out, "timeGroup", group);
  out = replaceMacro(out, "time", ([col]) => `${col} AS "time"`);
  out = replaceMacro(out, "timeEpoch", ([col]) => `extract(epoch from ${col}) AS "time"`);
  if (out.includes("$__")) throw new Error(`a macro this test does not expand is left in: ${out}`);
  return out;
}
