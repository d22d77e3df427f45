// npm run bench [-- --quick] [-- --embedded]: the proxy benchmark, identity's, policy's and
// tracing's cost per request, then the audit log's targets, one after the other, each in its own process.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs: [string, string[], string[]][] = [
  ["bench.ts", [], args],
  ["identity.ts", [], quick ? ["--n", "500"] : []],
  ["policy.ts", [], quick ? ["--n", "20000"] : []],
  ["tracing.ts", [], quick ? ["--n", "10000"] : []],
  ["audit.ts", ["--expose-gc"], quick ? ["--seconds", "3", "--export-events", "100000"] : []],
];
for (const [file, nodeFlags, scriptArgs] of runs) {
  const r = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", path.join(here, file), ...scriptArgs], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
