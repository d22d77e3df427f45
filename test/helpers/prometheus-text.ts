// A strict parser of the Prometheus text exposition format (0.0.4), for tests of /metrics.
// No parser is installed and none may be added; this one follows the format's spec
// (https://prometheus.io/docs/instrumenting/exposition_formats/) and throws on anything a
// Prometheus server would reject, plus what the spec says but servers let slide: samples
// of a family split in two groups, a TYPE after its samples, duplicate series, histograms
// whose buckets are not cumulative or lack +Inf or disagree with _count.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export class ExpositionError extends Error {
  constructor(line: number | undefined, message: string) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
/** Go's ParseFloat spellings the format allows, plus plain decimal and exponent notation. */
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Inf|inf|NaN|nan)$/;
const INT = /^-?\d+$/;

/** Parses a whole exposition; the map is keyed by family name, in order of appearance. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text !== "" && !text.endsWith("\n")) throw new ExpositionError(text.split("\n").length, "the exposition must end with a line feed");
  const families = new Map<string, Family>();
  const seriesSeen = new Set<string>();
  const typed = new Set<string>();
  let current: Family | undefined;
  const lines = text.split("\n");
  lines.pop(); // the empty string after the final line feed

  const familyFor = (name: string, lineNo: number, declaring: boolean): Family => {
    let f = families.get(name);
    if (f && f !== current) throw new ExpositionError(lineNo, `metric family '${name}' appears in two separate groups`);
    if (!f) {
      f = { name, type: "untyped", samples: [] };
      families.set(name, f);
    } else if (declaring && f.samples.length > 0) {
      throw new ExpositionError(lineNo, `HELP or TYPE for '${name}' after its samples`);
    }
    current = f;
    return f;
  };

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.includes("\r")) throw new ExpositionError(lineNo, "carriage return in a line");
    const line = raw.replace(/^[ \t]+/, "");
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) return; // any other comment
      const [, keyword, name, rest = ""] = m as unknown as [string, "HELP" | "TYPE", string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNo, `invalid metric name '${name}'`);
      const f = familyFor(name, lineNo, true);
      if (keyword === "HELP") {
        if (f.help !== undefined) throw new ExpositionError(lineNo, `second HELP for '${name}'`);
        f.help = unescape(rest, lineNo, false);
      } else {
        if (typed.has(name)) throw new ExpositionError(lineNo, `second TYPE for '${name}'`);
        if (!TYPES.has(rest.trim() as MetricType)) throw new ExpositionError(lineNo, `unknown type '${rest}'`);
        f.type = rest.trim() as MetricType;
        typed.add(name);
      }
      return;
    }
    const sample = parseSample(line, lineNo);
    const f = familyFor(familyName(sample.name, current), lineNo, false);
    checkSuffix(f, sample, lineNo);
    const key = `${sample.name}{${Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
    if (seriesSeen.has(key)) throw new ExpositionError(lineNo, `duplicate series ${key}`);
    seriesSeen.add(key);
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

/** A sample belongs to the current family when its name is the family's or one of its type's suffixed names. */
function familyName(name: string, current: Family | undefined): string {
  if (current) {
    const suffixes = current.type === "histogram" ? ["_bucket", "_sum", "_count"] : current.type === "summary" ? ["", "_sum", "_count"] : [""];
    for (const s of suffixes) if (name === current.name + s) return current.name;
  }
  return name;
}

function checkSuffix(f: Family, s: Sample, lineNo: number): void {
  if (f.type === "histogram") {
    if (s.name === `${f.name}_bucket` && !("le" in s.labels)) throw new ExpositionError(lineNo, `${s.name} without an 'le' label`);
    if (s.name !== `${f.name}_bucket` && "le" in s.labels) throw new ExpositionError(lineNo, `'le' label on ${s.name}`);
  }
  if ((f.type === "counter" || f.type === "histogram") && s.value < 0) throw new ExpositionError(lineNo, `negative value for a ${f.type}`);
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith("_bucket")) {
      const bound = le === "+Inf" ? Infinity : Number(le);
      if (le === undefined || !FLOAT.test(le) || Number.isNaN(bound)) throw new ExpositionError(undefined, `${f.name}: bad le '${le}'`);
      g.buckets.push([bound, s.value]);
    } else if (s.name.endsWith("_count")) g.count = s.value;
  }
  for (const [key, g] of groups) {
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.at(-1)?.[0] !== Infinity) throw new ExpositionError(undefined, `${f.name} ${key}: no +Inf bucket`);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![0] === sorted[i - 1]![0]) throw new ExpositionError(undefined, `${f.name} ${key}: bucket le=${sorted[i]![0]} twice`);
      if (sorted[i]![1] < sorted[i - 1]![1]) throw new ExpositionError(undefined, `${f.name} ${key}: buckets are not cumulative`);
    }
    if (g.count !== undefined && g.count !== sorted.at(-1)![1]) throw new ExpositionError(undefined, `${f.name} ${key}: _count ${g.count} differs from the +Inf bucket ${sorted.at(-1)![1]}`);
  }
}

function parseSample(line: string, lineNo: number): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new ExpositionError(lineNo, `not a sample: '${line}'`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === "{") {
    pos++;
    for (;;) {
      pos = skipBlanks(line, pos);
      if (line[pos] === "}") {
        pos++;
        break;
      }
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!ln) throw new ExpositionError(lineNo, `bad label name at column ${pos + 1}`);
      const labelName = ln[0];
      if (!LABEL_NAME.test(labelName) || labelName.startsWith("__")) throw new ExpositionError(lineNo, `reserved or invalid label name '${labelName}'`);
      if (labelName in labels) throw new ExpositionError(lineNo, `label '${labelName}' twice`);
      pos = skipBlanks(line, pos + labelName.length);
      if (line[pos] !== "=") throw new ExpositionError(lineNo, `'=' expected after label '${labelName}'`);
      pos = skipBlanks(line, pos + 1);
      if (line[pos] !== '"') throw new ExpositionError(lineNo, `quoted value expected for label '${labelName}'`);
      let end = pos + 1;
      while (end < line.length && line[end] !== '"') end += line[end] === "\\" ? 2 : 1;
      if (end >= line.length) throw new ExpositionError(lineNo, `unterminated value for label '${labelName}'`);
      labels[labelName] = unescape(line.slice(pos + 1, end), lineNo, true);
      pos = skipBlanks(line, end + 1);
      if (line[pos] === ",") pos++;
      else if (line[pos] !== "}") throw new ExpositionError(lineNo, `',' or '}' expected at column ${pos + 1}`);
    }
  }
  const rest = line.slice(pos);
  if (rest !== "" && !/^[ \t]/.test(rest)) throw new ExpositionError(lineNo, `blank expected before the value at column ${pos + 1}`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === "") throw new ExpositionError(lineNo, `a value and an optional timestamp expected, got '${rest.trim()}'`);
  const [v, ts] = fields as [string, string | undefined];
  if (!FLOAT.test(v)) throw new ExpositionError(lineNo, `invalid value '${v}'`);
  if (ts !== undefined && !INT.test(ts)) throw new ExpositionError(lineNo, `invalid timestamp '${ts}'`);
  const value = /^[+-]?inf$/i.test(v) ? (v.startsWith("-") ? -Infinity : Infinity) : /^nan$/i.test(v) ? NaN : Number(v);
  return { name, labels, value, ...(ts !== undefined ? { timestamp: Number(ts) } : {}) };
}

const skipBlanks = (s: string, i: number) => {
  while (s[i] === " " || s[i] === "\t") i++;
  return i;
};

/** Label values may escape \\, \" and \n; HELP text \\ and \n. Any other escape is an error. */
function unescape(s: string, lineNo: number, quoted: boolean): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    if (c === '"' && quoted) return '"';
    throw new ExpositionError(lineNo, `invalid escape '\\${c}'`);
  });
}
