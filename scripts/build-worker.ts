// Builds the deployable Worker bundle exactly as `wrangler deploy` would (a dry run
// with wrangler.toml), into dist-worker/, checks that PGlite stayed out of it, and
// reports its size. The workerd smoke test (test/runtime/worker.test.ts) calls the same
// function. Usage: npm run build:worker [-- --out DIR]
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface WorkerModule {
  /** Absolute path. */
  path: string;
  type: "ESModule" | "Text";
  bytes: number;
  gzipBytes: number;
}

export interface WorkerBundle {
  outDir: string;
  /** The entry module (absolute path). */
  main: string;
  /** Everything that is uploaded: the entry plus the policy files as text modules. */
  modules: WorkerModule[];
  bytes: number;
  gzipBytes: number;
}

/** Files a previous build left that a new one would not overwrite (hashed text-module names). */
async function cleanFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Only files: subdirectories may hold a concurrent test run's bundle.
    if (entry.isFile()) await rm(path.join(dir, entry.name));
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrangler exited with ${code}:\n${out.slice(-4000)}`))));
  });
}

export async function buildWorker(opts: { outDir?: string } = {}): Promise<WorkerBundle> {
  const outDir = path.resolve(ROOT, opts.outDir ?? "dist-worker");
  await cleanFiles(outDir);
  const wrangler = path.join(path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
  await run(process.execPath, [wrangler, "deploy", "--dry-run", "--config", path.join(ROOT, "wrangler.toml"), "--outdir", outDir], {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    NO_COLOR: "1",
  });

  const modules: WorkerModule[] = [];
  for (const name of (await readdir(outDir)).sort()) {
    const type = name.endsWith(".js") ? "ESModule" : name.endsWith(".yaml") ? "Text" : undefined;
    if (!type) continue; // the source map and wrangler's README are not uploaded
    const file = path.join(outDir, name);
    const data = await readFile(file);
    if (/pglite/i.test(data.toString("utf8"))) throw new Error(`PGlite entered the Worker bundle (${name}); only src/storage/postgres.ts may be imported on Workers`);
    modules.push({ path: file, type, bytes: data.byteLength, gzipBytes: gzipSync(data).byteLength });
  }
  const main = path.join(outDir, "worker.js");
  if (!modules.some((m) => m.path === main)) throw new Error(`wrangler wrote no ${main}`);
  return {
    outDir,
    main,
    modules,
    bytes: modules.reduce((n, m) => n + m.bytes, 0),
    gzipBytes: modules.reduce((n, m) => n + m.gzipBytes, 0),
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--out");
  const bundle = await buildWorker(i > 0 && process.argv[i + 1] ? { outDir: process.argv[i + 1] } : {});
  for (const m of bundle.modules) process.stdout.write(`  ${path.relative(ROOT, m.path).padEnd(72)} ${kib(m.bytes).padStart(11)}  gzip ${kib(m.gzipBytes).padStart(10)}\n`);
  process.stdout.write(`worker bundle: ${kib(bundle.bytes)} (gzip ${kib(bundle.gzipBytes)}) in ${path.relative(ROOT, bundle.outDir) || "."}/; no PGlite\n`);
}
