// `npm run eval:pii`: scores the PII detector against the labelled corpus in test/fixtures/pii/.
// A predicted span matches a gold span of the same type when they overlap (each gold and each
// prediction matched at most once, largest overlap first); the report gives per-type and micro
// P/R/F1, type-agnostic overlap F1, the checksum-validated types together, PERSON/LOCATION recall
// for common vs rare names, false alarms on PII-free prompts, per-language F1 and throughput.
//
//   --json            machine-readable output
//   --errors [TYPE]   list false negatives and false positives with context (of TYPE only)
//   --lang xx         only this language's prompts
//   --recognizers F   a module exporting shippedRecognizers() (or a RECOGNIZERS array) to score instead of src/redaction/detect/recognizers.ts
//
// Exit 0 whatever the scores (it is a report); 2 on malformed fixtures; 1 on bad usage or when
// the recognizers cannot be loaded.
import { access, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PII_TYPES, type PiiType } from "../src/policy/schema.ts";
import { detector, type Span } from "../src/redaction/detect/detect.ts";
import type { Recognizer } from "../src/redaction/detect/types.ts";
import { CHECKSUM_TYPES } from "./pii-corpus/checksums.ts";
import { LANGS, parseFixtures, type FixtureLine, type GoldSpan } from "./pii-corpus/fixture.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FIXTURE_DIR = path.join(ROOT, "test/fixtures/pii");
const DEFAULT_RECOGNIZERS = path.join(ROOT, "src/redaction/detect/recognizers.ts");

interface Options {
  json: boolean;
  errors: false | true | PiiType;
  lang?: string;
  recognizers: string;
}

function parseArgs(argv: readonly string[]): Options | string {
  const o: Options = { json: false, errors: false, recognizers: DEFAULT_RECOGNIZERS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") o.json = true;
    else if (a === "--errors") {
      const next = argv[i + 1];
      if (next !== undefined && (PII_TYPES as readonly string[]).includes(next)) {
        o.errors = next as PiiType;
        i++;
      } else if (next !== undefined && !next.startsWith("--")) return `--errors: unknown type ${next} (one of ${PII_TYPES.join(", ")})`;
      else o.errors = true;
    } else if (a === "--lang") {
      const next = argv[++i];
      if (next === undefined || !(LANGS as readonly string[]).includes(next)) return `--lang: one of ${LANGS.join(", ")}`;
      o.lang = next;
    } else if (a === "--recognizers") {
      const next = argv[++i];
      if (next === undefined) return "--recognizers: a module path";
      o.recognizers = path.resolve(next);
    } else return `unknown option ${a}`;
  }
  return o;
}

// --- Loading -----------------------------------------------------------------------------------

async function loadFixtures(): Promise<{ lines: FixtureLine[]; problems: string[] }> {
  const files = (await readdir(FIXTURE_DIR)).filter((f) => f.endsWith(".jsonl")).sort();
  const lines: FixtureLine[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const parsed = parseFixtures(f, await readFile(path.join(FIXTURE_DIR, f), "utf8"));
    lines.push(...parsed.lines);
    problems.push(...parsed.problems);
  }
  const seen = new Set<string>();
  for (const l of lines) {
    if (seen.has(l.id)) problems.push(`duplicate id ${l.id}`);
    seen.add(l.id);
  }
  if (files.length === 0) problems.push(`no .jsonl files in ${FIXTURE_DIR}`);
  return { lines, problems };
}

async function loadRecognizers(file: string): Promise<readonly Recognizer[] | string> {
  try {
    await access(file);
  } catch {
    return `cannot find ${path.relative(process.cwd(), file)}`;
  }
  let mod: { RECOGNIZERS?: unknown; shippedRecognizers?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as typeof mod;
  } catch (e) {
    return `cannot load ${path.relative(process.cwd(), file)}: ${(e as Error).message}`;
  }
  if (typeof mod.shippedRecognizers === "function") return (mod.shippedRecognizers as () => Recognizer[])();
  if (!Array.isArray(mod.RECOGNIZERS)) return `${path.relative(process.cwd(), file)} exports neither shippedRecognizers() nor a RECOGNIZERS array`;
  return mod.RECOGNIZERS as Recognizer[];
}

// --- Matching ----------------------------------------------------------------------------------

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

interface LineResult {
  line: FixtureLine;
  predicted: Span[];
  /** Index of the matched prediction per gold span (typed matching), or -1. */
  goldMatch: number[];
  /** Whether each prediction matched a gold span of its type. */
  predMatched: boolean[];
  /** Untyped matching: matched gold and predictions. */
  anyGold: number;
  anyPred: number;
}

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) => Math.min(a.end, b.end) - Math.max(a.start, b.start);

/** One-to-one overlap matching, largest overlap first. Returns the matched prediction per gold span. */
function match(gold: readonly GoldSpan[], pred: readonly Span[], typed: boolean): number[] {
  const pairs: [number, number, number][] = [];
  gold.forEach((g, gi) =>
    pred.forEach((p, pi) => {
      const o = overlap(g, p);
      if (o > 0 && (!typed || g.type === p.type)) pairs.push([gi, pi, o]);
    }),
  );
  pairs.sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  const goldMatch = gold.map(() => -1);
  const used = new Set<number>();
  for (const [gi, pi] of pairs) {
    if (goldMatch[gi] !== -1 || used.has(pi)) continue;
    goldMatch[gi] = pi;
    used.add(pi);
  }
  return goldMatch;
}

function score(line: FixtureLine, predicted: Span[]): LineResult {
  const goldMatch = match(line.spans, predicted, true);
  const predMatched = predicted.map((_, pi) => goldMatch.includes(pi));
  const any = match(line.spans, predicted, false).filter((m) => m !== -1).length;
  return { line, predicted, goldMatch, predMatched, anyGold: any, anyPred: any };
}

// --- Metrics -----------------------------------------------------------------------------------

const prf = (c: Counts) => {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
};
type Prf = ReturnType<typeof prf>;

function countsByType(results: readonly LineResult[]): Map<PiiType, Counts> {
  const by = new Map<PiiType, Counts>(PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  for (const r of results) {
    r.line.spans.forEach((g, gi) => {
      const c = by.get(g.type);
      if (!c) return;
      if (r.goldMatch[gi] === -1) c.fn++;
      else c.tp++;
    });
    r.predicted.forEach((p, pi) => {
      const c = by.get(p.type);
      if (c && !r.predMatched[pi]) c.fp++;
    });
  }
  return by;
}

const sum = (cs: Iterable<Counts>): Counts => {
  const out = { tp: 0, fp: 0, fn: 0 };
  for (const c of cs) {
    out.tp += c.tp;
    out.fp += c.fp;
    out.fn += c.fn;
  }
  return out;
};

function recallBy(results: readonly LineResult[], type: PiiType, common: boolean) {
  let gold = 0;
  let found = 0;
  for (const r of results) {
    r.line.spans.forEach((g, gi) => {
      if (g.type !== type || g.common !== common) return;
      gold++;
      if (r.goldMatch[gi] !== -1) found++;
    });
  }
  return { gold, found, recall: gold === 0 ? 1 : found / gold };
}

function report(results: readonly LineResult[], throughput: { mbPerS: number; bytes: number; passes: number; seconds: number }) {
  const byType = countsByType(results);
  const perType = Object.fromEntries([...byType].filter(([, c]) => c.tp + c.fp + c.fn > 0).map(([t, c]) => [t, prf(c)])) as Record<PiiType, Prf>;
  const goldTotal = results.reduce((n, r) => n + r.line.spans.length, 0);
  const predTotal = results.reduce((n, r) => n + r.predicted.length, 0);
  const anyMatched = results.reduce((n, r) => n + r.anyGold, 0);
  const agnostic = prf({ tp: anyMatched, fp: predTotal - anyMatched, fn: goldTotal - anyMatched });
  const free = results.filter((r) => r.line.pii_free);
  const alarmed = free.filter((r) => r.predicted.length > 0);
  const alarmTypes: Record<string, number> = {};
  for (const r of alarmed) for (const t of new Set(r.predicted.map((p) => p.type))) alarmTypes[t] = (alarmTypes[t] ?? 0) + 1;
  const decoyHits: Record<string, number> = {};
  for (const r of results) {
    r.predicted.forEach((p, pi) => {
      if (r.predMatched[pi]) return;
      const d = r.line.decoys?.find((x) => overlap(x, p) > 0);
      if (d) decoyHits[d.kind] = (decoyHits[d.kind] ?? 0) + 1;
    });
  }
  const perLanguage = Object.fromEntries(
    LANGS.map((l) => [l, results.filter((r) => r.line.lang === l)] as const)
      .filter(([, rs]) => rs.length > 0)
      .map(([l, rs]) => [l, { lines: rs.length, ...prf(sum(countsByType(rs).values())) }]),
  );
  return {
    lines: results.length,
    pii_free_lines: free.length,
    gold_spans: goldTotal,
    predicted_spans: predTotal,
    per_type: perType,
    micro: prf(sum(byType.values())),
    type_agnostic: agnostic,
    checksum_types: prf(sum(CHECKSUM_TYPES.map((t) => byType.get(t) ?? { tp: 0, fp: 0, fn: 0 }))),
    names: {
      PERSON: { common: recallBy(results, "PERSON", true), rare: recallBy(results, "PERSON", false) },
      LOCATION: { common: recallBy(results, "LOCATION", true), rare: recallBy(results, "LOCATION", false) },
    },
    false_alarms: { rate: free.length === 0 ? 0 : alarmed.length / free.length, prompts: alarmed.length, of: free.length, by_type: alarmTypes },
    false_positives_on_decoys: decoyHits,
    per_language: perLanguage,
    throughput: { mb_per_s: throughput.mbPerS, utf8_bytes: throughput.bytes, passes: throughput.passes, seconds: throughput.seconds },
  };
}
type Report = ReturnType<typeof report>;

// --- Errors ------------------------------------------------------------------------------------

interface ErrorItem {
  id: string;
  kind: "FN" | "FP";
  type: PiiType;
  value: string;
  context: string;
  note?: string;
}

const CONTEXT = 40;
function context(text: string, start: number, end: number): string {
  const a = Math.max(0, start - CONTEXT);
  const b = Math.min(text.length, end + CONTEXT);
  const flat = (s: string) => s.replace(/\s+/g, " ");
  return `${a > 0 ? "…" : ""}${flat(text.slice(a, start))}[[${flat(text.slice(start, end))}]]${flat(text.slice(end, b))}${b < text.length ? "…" : ""}`;
}

function errors(results: readonly LineResult[], only: true | PiiType): ErrorItem[] {
  const out: ErrorItem[] = [];
  for (const r of results) {
    const { line } = r;
    line.spans.forEach((g, gi) => {
      if (r.goldMatch[gi] !== -1 || (only !== true && g.type !== only)) return;
      const other = r.predicted.find((p) => overlap(p, g) > 0);
      const item: ErrorItem = { id: line.id, kind: "FN", type: g.type, value: line.text.slice(g.start, g.end), context: context(line.text, g.start, g.end) };
      const tags = [g.common === undefined ? "" : g.common ? "common" : "rare", other ? `predicted as ${other.type}` : ""].filter(Boolean);
      if (tags.length > 0) item.note = tags.join(", ");
      out.push(item);
    });
    r.predicted.forEach((p, pi) => {
      if (r.predMatched[pi] || (only !== true && p.type !== only)) return;
      const g = line.spans.find((s) => overlap(s, p) > 0);
      const d = line.decoys?.find((s) => overlap(s, p) > 0);
      const item: ErrorItem = { id: line.id, kind: "FP", type: p.type, value: line.text.slice(p.start, p.end), context: context(line.text, p.start, p.end) };
      const tags = [`score ${p.score.toFixed(2)}`, g ? `gold ${g.type}` : "", d ? `decoy ${d.kind}` : "", line.pii_free ? "PII-free prompt" : ""].filter(Boolean);
      item.note = tags.join(", ");
      out.push(item);
    });
  }
  return out;
}

// --- Output ------------------------------------------------------------------------------------

const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
const f3 = (x: number) => x.toFixed(3);

function printText(r: Report, lang: string | undefined): void {
  const out: string[] = [];
  out.push(`PII detector on ${r.lines} prompts${lang ? ` (${lang})` : ""}: ${r.gold_spans} gold spans, ${r.predicted_spans} predicted; ${r.pii_free_lines} prompts are PII-free`);
  out.push("");
  out.push(`${"type".padEnd(22)} ${"gold".padStart(5)} ${"pred".padStart(5)} ${"TP".padStart(5)} ${"P".padStart(6)} ${"R".padStart(6)} ${"F1".padStart(6)}`);
  for (const [type, m] of Object.entries(r.per_type)) {
    out.push(`${type.padEnd(22)} ${String(m.tp + m.fn).padStart(5)} ${String(m.tp + m.fp).padStart(5)} ${String(m.tp).padStart(5)} ${f3(m.precision).padStart(6)} ${f3(m.recall).padStart(6)} ${f3(m.f1).padStart(6)}`);
  }
  const line = (name: string, m: Prf) => `${name.padEnd(22)} ${String(m.tp + m.fn).padStart(5)} ${String(m.tp + m.fp).padStart(5)} ${String(m.tp).padStart(5)} ${f3(m.precision).padStart(6)} ${f3(m.recall).padStart(6)} ${f3(m.f1).padStart(6)}`;
  out.push("-".repeat(61));
  out.push(line("micro (type-aware)", r.micro));
  out.push(line("type-agnostic overlap", r.type_agnostic));
  out.push(line("checksum types", r.checksum_types));
  out.push("");
  out.push("recall by name frequency:");
  for (const [type, g] of Object.entries(r.names)) {
    out.push(`  ${type.padEnd(9)} common ${pct(g.common.recall)} % (${g.common.found}/${g.common.gold})   rare ${pct(g.rare.recall)} % (${g.rare.found}/${g.rare.gold})`);
  }
  const fa = r.false_alarms;
  const faTypes = Object.entries(fa.by_type).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(", ");
  out.push("");
  out.push(`false alarms: ${pct(fa.rate)} % of PII-free prompts (${fa.prompts}/${fa.of})${faTypes ? `; prompts per type: ${faTypes}` : ""}`);
  const decoys = Object.entries(r.false_positives_on_decoys).map(([k, n]) => `${k} ${n}`).join(", ");
  if (decoys) out.push(`false positives on decoys: ${decoys}`);
  out.push("");
  out.push(`per language F1: ${Object.entries(r.per_language).map(([l, m]) => `${l} ${f3(m.f1)}`).join("  ")}`);
  const t = r.throughput;
  out.push(`throughput: ${t.mb_per_s.toFixed(2)} MB/s (${(t.utf8_bytes / 1e3).toFixed(1)} kB of UTF-8 × ${t.passes} passes in ${t.seconds.toFixed(2)} s of detect())`);
  console.log(out.join("\n"));
}

function printErrors(items: readonly ErrorItem[]): void {
  console.log(`\n${items.length} errors:`);
  for (const e of items) console.log(`${e.id} ${e.kind} ${e.type.padEnd(20)} ${JSON.stringify(e.value)}${e.note ? ` (${e.note})` : ""}\n    ${e.context}`);
}

// --- Main --------------------------------------------------------------------------------------

/** Runs detect() over all texts, repeatedly until at least a second of detect() time has passed. */
function measure(detect: (text: string) => Span[], texts: readonly string[]) {
  const bytes = texts.reduce((n, s) => n + Buffer.byteLength(s, "utf8"), 0);
  let passes = 0;
  let ms = 0;
  while (ms < 1000 || passes < 1) {
    const t0 = performance.now();
    for (const s of texts) detect(s);
    ms += performance.now() - t0;
    passes++;
  }
  const seconds = ms / 1000;
  return { bytes, passes, seconds, mbPerS: (bytes * passes) / 1e6 / seconds };
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (typeof opts === "string") {
    console.error(`eval-pii: ${opts}\nusage: npm run eval:pii -- [--json] [--errors [TYPE]] [--lang xx] [--recognizers FILE]`);
    return 1;
  }
  const { lines: all, problems } = await loadFixtures();
  if (problems.length > 0) {
    console.error(`eval-pii: malformed fixtures in ${path.relative(process.cwd(), FIXTURE_DIR)}:\n${problems.join("\n")}`);
    return 2;
  }
  const recognizers = await loadRecognizers(opts.recognizers);
  if (typeof recognizers === "string") {
    console.error(`eval-pii: ${recognizers}`);
    return 1;
  }
  const lines = opts.lang ? all.filter((l) => l.lang === opts.lang) : all;
  const d = detector(recognizers);
  const results = lines.map((l) => score(l, d.detect(l.text)));
  const throughput = measure((s) => d.detect(s), lines.map((l) => l.text));
  const r = report(results, throughput);
  const errs = opts.errors === false ? undefined : errors(results, opts.errors);
  if (opts.json) {
    console.log(JSON.stringify(errs ? { ...r, errors: errs } : r, null, 2));
  } else {
    printText(r, opts.lang);
    if (errs) printErrors(errs);
  }
  return 0;
}

process.exitCode = await main();
