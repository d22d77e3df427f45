// custos policy diff OLD NEW [--sample F]: the rules that changed between two policy
// directories, and with a sample (JSON Lines of requests or audit entries, an export
// bundle's entries.jsonl or the bundle's directory) the calls that would be decided
// differently. Exit codes as diff(1): 0 no differences, 1 differences, 2 could not run.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { formatProblem } from "../../config/yaml-file.ts";
import { compilePolicies, type PolicyBundle } from "../../policy/compile.ts";
import { compareDecision, diffRules, policyFilesOf, sampleOf, summaryLine, type PolicyFiles, type ScopeChange, type Tally } from "../../policy/diff.ts";
import { readPolicyTexts } from "../../runtime/node-files.ts";
import type { CliIo, ExitCode } from "../io.ts";

const USAGE = "usage: custos policy diff OLD NEW [--sample F]";
/** Changed decisions (and unusable lines) listed before the rest are only counted. */
const SHOWN = 50;

export async function policyDiff(argv: string[], io: CliIo): Promise<ExitCode> {
  let args: { positionals: string[]; values: { sample?: string } };
  try {
    args = parseArgs({ args: argv, options: { sample: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.positionals.length !== 2) {
    io.err(USAGE);
    return 2;
  }
  const sides: { shown: string; bundle: PolicyBundle; files: PolicyFiles }[] = [];
  for (const arg of args.positionals) {
    const side = await load(path.resolve(io.cwd, arg), io);
    if (!side) return 2;
    sides.push(side);
  }
  const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
  io.out(`old: ${a.shown} (${a.bundle.version})`);
  io.out(`new: ${b.shown} (${b.bundle.version})`);
  const changes = diffRules(a.files, b.files);
  if (changes.length === 0) io.out("no rule changes");
  for (const c of changes) printScope(c, io);
  if (args.values.sample === undefined) return changes.length > 0 ? 1 : 0;
  const changed = await sample(path.resolve(io.cwd, args.values.sample), a.bundle, b.bundle, io);
  if (changed === undefined) return 2;
  return changes.length > 0 || changed > 0 ? 1 : 0;
}

/** A policy directory compiled, or undefined with its problems reported. */
async function load(dir: string, io: CliIo): Promise<{ shown: string; bundle: PolicyBundle; files: PolicyFiles } | undefined> {
  const shown = path.relative(io.cwd, dir) || ".";
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error("not a directory");
    const texts = await readPolicyTexts(dir);
    const bundle = await compilePolicies(texts, io.env, shown);
    const files = bundle.ok ? policyFilesOf(texts, io.env, shown) : bundle;
    if (!bundle.ok || !files.ok) {
      const problems = bundle.ok ? (files.ok ? [] : files.error) : bundle.error;
      for (const p of problems) io.err(formatProblem(p));
      io.err(`${problems.length} problem(s) in ${shown}`);
      return undefined;
    }
    return { shown, bundle: bundle.value, files: files.value };
  } catch (e) {
    io.err(`could not read ${shown}: ${(e as Error).message}`);
    return undefined;
  }
}

function printScope(c: ScopeChange, io: CliIo): void {
  const name = c.scope === "baseline" ? "baseline (org.yaml)" : `team ${c.scope}`;
  if (c.status === "removed") return io.out(`${name}: removed`);
  io.out(`${name}${c.status === "added" ? ": added" : ""}`);
  for (const s of c.settings) io.out(`  ${s}`);
  for (const r of c.rules) {
    io.out(`  ${r.change} rule ${r.id}${r.change === "changed" ? "" : ` (${r.kind})`}`);
    for (const f of r.fields) io.out(`      ${f}`);
  }
}

/** Decides every sampled request under both sets and reports those that change; the number changed, or undefined if the file cannot be read. */
async function sample(file: string, a: PolicyBundle, b: PolicyBundle, io: CliIo): Promise<number | undefined> {
  const shown = path.relative(io.cwd, file) || file;
  const t: Tally = { sampled: 0, skipped: 0, newly_denied: 0, newly_allowed: 0, denied_differently: 0, obligations: 0 };
  let listed = 0;
  let unlisted = 0;
  try {
    const source = (await stat(file)).isDirectory() ? path.join(file, "entries.jsonl") : file;
    io.out(`decisions (${path.relative(io.cwd, source) || source}):`);
    const lines = createInterface({ input: createReadStream(source, "utf8"), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      const s = sampleOf(text);
      if (!s.ok) {
        if (++t.skipped <= SHOWN) io.err(`${shown}:${n}: skipped: ${s.error}`);
        continue;
      }
      if (!s.value) continue;
      t.sampled++;
      const c = compareDecision(a, b, s.value);
      if (!c) continue;
      t[c.kind]++;
      if (listed >= SHOWN) {
        unlisted++;
        continue;
      }
      listed++;
      const r = s.value.request;
      io.out(`  line ${n}: team ${s.value.team.slice(0, 64)}, ${s.value.api} ${r.model.slice(0, 100) || "(no model)"}: ${c.summary}`);
      for (const d of c.details) io.out(`      ${d}`);
    }
  } catch (e) {
    io.err(`could not read the sample ${shown}: ${(e as Error).message}`);
    return undefined;
  }
  if (unlisted > 0) io.out(`  … and ${unlisted} more`);
  if (t.skipped > SHOWN) io.err(`${shown}: … and ${t.skipped - SHOWN} more skipped line(s)`);
  io.out(summaryLine(t));
  return t.newly_denied + t.newly_allowed + t.denied_differently + t.obligations;
}
