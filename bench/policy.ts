// What a policy decision costs: the example set compiled once, then decidePolicy for each
// team on a typical chat request (in process; the engine is pure).
//   node --import tsx bench/policy.ts [--n 200000]
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { compilePolicies } from "../src/policy/compile.ts";
import { decidePolicy } from "../src/policy/engine.ts";
import { policyRequestOf } from "../src/policy/request.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "200000" } } });
const N = Number(values.n);
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "policies");
const texts: Record<string, string> = { "org.yaml": readFileSync(path.join(dir, "org.yaml"), "utf8") };
for (const f of readdirSync(path.join(dir, "teams"))) texts[`teams/${f}`] = readFileSync(path.join(dir, "teams", f), "utf8");

const t0 = performance.now();
const bundle = await compilePolicies(texts, {});
const compileMs = performance.now() - t0;
if (!bundle.ok) throw new Error(bundle.error.map((p) => p.message).join("\n"));

const body = { model: "gpt-4o-mini", max_tokens: 800, messages: [{ role: "system", content: "You are a careful support assistant." }, { role: "user", content: "Where is my order 12345? It was due last week." }] };
const rows = ["| team | decisions | µs each (wall) | CPU µs each | decision |", "|---|---:|---:|---:|---|"];
for (const [team, policy] of bundle.value.teams) {
  const req = policyRequestOf("chat", body, JSON.stringify(body).length);
  for (let i = 0; i < 1000; i++) decidePolicy(policy, req);
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  let last;
  for (let i = 0; i < N; i++) last = decidePolicy(policy, req);
  const wall = ((performance.now() - w0) * 1000) / N;
  const cpu = process.cpuUsage(cpu0);
  rows.push(`| ${team} | ${N} | ${wall.toFixed(2)} | ${((cpu.user + cpu.system) / N).toFixed(2)} | ${last!.allowed ? "allow" : `deny ${last!.denial.code}`} |`);
}
console.log(`\n## Policy decision cost (in process, Node ${process.version}; example set compiled in ${compileMs.toFixed(1)} ms)\n`);
console.log(rows.join("\n"));
