// custos policy check [dir]: validate the policy files (org.yaml, teams/<team>.yaml) the
// way the server will: schema errors and every attempt by a team to loosen the baseline,
// each as file:line:column. Exit 0 valid, 1 problems found, 2 could not run.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { formatProblem } from "../../config/yaml-file.ts";
import { compilePolicies, type PolicyTexts } from "../../policy/compile.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const POLICY_USAGE = "custos policy check [dir]   validate org.yaml and teams/*.yaml (exit 1 with file:line:column problems)";

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
  if (sub !== "check" || rest.length > 0) {
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
  const teams = [...bundle.value.teams.keys()];
  io.out(`ok: ${shown} — baseline and ${teams.length} team(s) (${teams.join(", ") || "none"}), version ${bundle.value.version}`);
  return 0;
}
