// custos policy check [dir]: validate the policy files (org.yaml, teams/<team>.yaml) the
// way the server will: schema errors and every attempt by a team to loosen the baseline,
// each as file:line:column. Exit 0 valid, 1 problems found, 2 could not run.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { decidePolicy } from "../../policy/engine.ts";
import { policyRequestOf } from "../../policy/request.ts";
import { OPERATIONS } from "../../policy/schema.ts";
import type { Operation } from "../../providers/types.ts";
import { readPolicyTexts, resolvePaths } from "../../runtime/node-files.ts";
import { loadNodeConfig, verifierFor } from "../../runtime/node.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import { formatProblem } from "../../config/yaml-file.ts";
import { compilePolicies, type PolicyBundle, type PolicyTexts } from "../../policy/compile.ts";
import { parseTestFile, runCase } from "../../policy/test-cases.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { policyDiff } from "./policy-diff.ts";

export const POLICY_USAGE = `custos policy check [dir]   validate org.yaml and teams/*.yaml (exit 1 with file:line:column problems)
  custos policy test [dir]    run tests/*.yaml against the policies (exit 1 on any failure, with a diff)
  custos policy explain --request F (--token T | --team T) [--api chat|responses|embeddings|messages]
                              the decision for a request body and the rules that made it
  custos policy diff OLD NEW [--sample F]
                              the rules changed between two policy directories, and which sampled
                              requests or recorded decisions (JSON Lines, an export's entries.jsonl)
                              would be decided differently (exit 1 on any difference)`;

export async function policyCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  if (argv[0] === "explain") return explain(argv.slice(1), io);
  if (argv[0] === "diff") return policyDiff(argv.slice(1), io);
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

/** The decision for one request body: allowed or the denial, the obligations, each rule with its description. */
async function explain(argv: string[], io: CliIo): Promise<ExitCode> {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options: { request: { type: "string" }, token: { type: "string" }, team: { type: "string" }, api: { type: "string" } }, strict: true }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${POLICY_USAGE}`);
    return 2;
  }
  const api = (flags.api ?? "chat") as Operation;
  if (typeof flags.request !== "string" || !(OPERATIONS as readonly string[]).includes(api) || (typeof flags.token === "string") === (typeof flags.team === "string")) {
    io.err(`give --request F and one of --token or --team\nusage: ${POLICY_USAGE}`);
    return 2;
  }
  let body: Record<string, unknown>;
  try {
    const parsed = JSON.parse(await readFile(path.resolve(io.cwd, flags.request), "utf8")) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    body = parsed as Record<string, unknown>;
  } catch (e) {
    io.err(`cannot read the request body ${flags.request}: ${(e as Error).message}`);
    return 2;
  }
  const paths = resolvePaths(io.cwd, io.env);
  const dir = paths.policiesDir;
  const bundle = await compilePolicies(await readPolicyTexts(dir), io.env, path.relative(io.cwd, dir) || ".");
  if (!bundle.ok) {
    for (const p of bundle.error) io.out(formatProblem(p));
    return 1;
  }
  let team = typeof flags.team === "string" ? flags.team : undefined;
  if (typeof flags.token === "string") {
    const config = await loadNodeConfig(paths, io.env);
    const verifier = await verifierFor(config, config.server.host, io.env, paths, jsonLogger("error", (l) => io.err(l)));
    const who = await verifier.verify(flags.token);
    if (!who.ok) {
      io.err(`the token is not accepted: ${who.error.message}`);
      return 1;
    }
    const teams = who.value.teams;
    if (teams.length !== 1) {
      io.err(`the token's teams are ${teams.join(", ") || "none"}; name one with --team instead`);
      return 2;
    }
    team = teams[0];
  }
  const policy = bundle.value.teams.get(team!);
  if (!policy) {
    io.out(`deny: team_not_configured — team '${team}' has no policy file (teams/${team}.yaml)`);
    return 0;
  }
  const d = decidePolicy(policy, policyRequestOf(api, body, new TextEncoder().encode(JSON.stringify(body)).length));
  const describe = new Map(policy.rules.map((r) => [r.rule.id, `${r.rule.description}${r.shadow ? " [shadow]" : ""} (${r.file})`]));
  if (d.allowed) {
    const o = d.obligations;
    io.out(`allow: team ${team}, model ${d.model}, policy ${bundle.value.version}`);
    if (o.clampOutputTokens) io.out(`  output tokens clamped to ${o.clampOutputTokens.limit} by ${o.clampOutputTokens.rule}`);
    for (const side of ["prompt", "answer"] as const) {
      const acts = Object.entries(o.pii[side]).filter(([, a]) => a !== "allow");
      if (acts.length > 0) io.out(`  PII in the ${side}: ${acts.map(([t, a]) => `${t} ${a}`).join(", ")}`);
    }
    for (const c of o.providers) io.out(`  providers limited by ${c.rule}`);
    for (const c of o.regions) io.out(`  regions limited by ${c.rule}${c.jurisdictions ? ` (jurisdictions ${c.jurisdictions.join(", ")})` : ""}`);
    if (o.audit.content || o.audit.onFailure || o.audit.retention) io.out(`  audit: ${[o.audit.content && `content ${o.audit.content}`, o.audit.onFailure, o.audit.retention && `retention ${o.audit.retention}`].filter(Boolean).join(", ")}`);
  } else {
    io.out(`deny: ${d.denial.code} by ${d.denial.rule} — ${d.denial.message}`);
  }
  for (const s of d.shadow) io.out(`  shadow: ${s.rule} would deny (${s.code})`);
  io.out("rules evaluated:");
  for (const id of d.rules) io.out(`  ${id}: ${describe.get(id) ?? ""}`);
  return 0;
}
