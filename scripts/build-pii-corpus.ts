// Writes test/fixtures/pii/<lang>.jsonl from the records in scripts/pii-corpus/<lang>.ts, with
// exact UTF-16 offsets, after checking every line (structure, checksums, unique ids). Prints
// the corpus statistics. `--check` writes nothing and exits 1 if a fixture file is out of date.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checksumProblems, LANGS, lineProblems, type FixtureLine } from "./pii-corpus/fixture.ts";
import { corpusLines, jsonl } from "./pii-corpus/index.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const FIXTURE_DIR = path.join(ROOT, "test/fixtures/pii");

function stats(lines: readonly FixtureLine[]): string {
  const out: string[] = [];
  const byLang = LANGS.map((l) => `${l} ${lines.filter((x) => x.lang === l).length}`).join(", ");
  out.push(`${lines.length} lines (${byLang}); ${lines.filter((l) => l.pii_free).length} PII-free`);
  const types = new Map<string, { n: number; common: number; rare: number }>();
  for (const s of lines.flatMap((l) => l.spans)) {
    const t = types.get(s.type) ?? { n: 0, common: 0, rare: 0 };
    t.n++;
    if (s.common === true) t.common++;
    if (s.common === false) t.rare++;
    types.set(s.type, t);
  }
  for (const [type, t] of [...types].sort((a, b) => b[1].n - a[1].n)) {
    out.push(`  ${type.padEnd(22)} ${String(t.n).padStart(4)}${t.common + t.rare > 0 ? `  (common ${t.common}, rare ${t.rare})` : ""}`);
  }
  const decoys = lines.flatMap((l) => l.decoys ?? []).length;
  out.push(`  ${"decoys".padEnd(22)} ${String(decoys).padStart(4)}`);
  return out.join("\n");
}

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  const all = LANGS.flatMap((lang) => corpusLines(lang));
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const line of all) {
    problems.push(...lineProblems(line).map((p) => `${line.id}: ${p}`), ...checksumProblems(line));
    if (ids.has(line.id)) problems.push(`${line.id}: duplicate id`);
    ids.add(line.id);
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    return 2;
  }
  let stale = 0;
  for (const lang of LANGS) {
    const file = path.join(FIXTURE_DIR, `${lang}.jsonl`);
    const body = jsonl(all.filter((l) => l.lang === lang));
    if (!check) {
      await writeFile(file, body);
    } else if ((await readFile(file, "utf8").catch(() => "")) !== body) {
      console.error(`${path.relative(ROOT, file)} is out of date: run node --import tsx scripts/build-pii-corpus.ts`);
      stale++;
    }
  }
  console.log(stats(all));
  return stale > 0 ? 1 : 0;
}

process.exitCode = await main();
