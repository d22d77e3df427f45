// custos policy check [dir]: validate the policy files (org.yaml, teams/<team>.yaml) the
// way the server will: schema errors and every attempt by a team to loosen the baseline,
// each as file:line:column. Exit 0 valid, 1 problems found, 2 could not run.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { formatProblem } from "../../config/yaml-file.ts";
import { compilePolicies, type PolicyBundle, type PolicyTexts } from "../../policy/compile.ts";
import { parseTestFile, runCase } from "../../policy/test-cases.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const POLICY_USAGE = `custos policy check [dir]   validate org.yaml and teams/*.yaml (exit 1 with file:line:column problems)
  custos policy test [dir]    run tests/*.yaml against the policies (exit 1 on any failure, with a diff)`;

/** org.yaml and teams/*.yaml of a policy directory, by relative path. */
export async function readPolicyTexts(dir: string): Promise<PolicyTexts> {
  const texts: Record<string, string> = {};
  try {
    texts["org.yaml"] = await readFile(path.join(dir, "org.yaml"), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  let names: string[] = [];
  try {
    names = await readdir(path.join(dir, "teams"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) texts[`teams/${name}`] = await readFile(path.join(dir, "teams", name), "utf8");
  return texts;
}

export async function policyCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const [sub, dirArg, ...rest] = argv;
  if ((sub !== "check" && sub !== "test") || rest.length > 0) {
    io.err(`usage: ${POLICY_USAGE}`);
    return 2;
  }
  const dir = path.resolve(io.cwd, dirArg ?? io.env.CUSTOS_POLICIES ?? "policies");
  let texts: PolicyTexts;
  try {
    texts = await readPolicyTexts(dir);
  } catch (e) {
    io.err(`could not read ${dir}: ${(e as Error).message}`);
    return 2;
  }
  const shown = path.relative(io.cwd, dir) || ".";
  const bundle = await compilePolicies(texts, io.env, shown);
  if (!bundle.ok) {
    for (const p of bundle.error) io.out(formatProblem(p));
    io.err(`${bundle.error.length} problem(s) in ${shown}`);
    return 1;
  }
  if (sub === "test") return runTests(bundle.value, dir, shown, io);
  const teams = [...bundle.value.teams.keys()];
  io.out(`ok: ${shown} — baseline and ${teams.length} team(s) (${teams.join(", ") || "none"}), version ${bundle.value.version}`);
  return 0;
}

async function runTests(bundle: PolicyBundle, dir: string, shown: string, io: CliIo): Promise<ExitCode> {
  let names: string[] = [];
  try {
    names = (await readdir(path.join(dir, "tests"))).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (names.length === 0) {
    io.err(`no policy tests in ${shown}/tests/ (*.yaml)`);
    return 1;
  }
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const file = `${shown}/tests/${name}`;
    const cases = parseTestFile(file, await readFile(path.join(dir, "tests", name), "utf8"), io.env);
    if (!cases.ok) {
      for (const p of cases.error) io.out(formatProblem(p));
      failed++;
      continue;
    }
    for (const c of cases.value) {
      const r = runCase(bundle, file, c);
      if (r.ok) {
        passed++;
        io.out(`ok    ${c.name}`);
      } else {
        failed++;
        io.out(`FAIL  ${c.name} (${file})`);
        for (const d of r.diff) io.out(`        ${d}`);
      }
    }
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
