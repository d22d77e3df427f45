// npm run bench [-- --quick] — what Custos adds on top of calling the provider directly.
//
// One run, loopback only, three targets measured back to back under the same load:
//   direct  the fake provider (test/helpers/fake-provider.ts), its own process: the baseline
//   floor   bench/node-floor.mjs, node:http piping to the fake provider: the Node.js floor
//   custos  `node bin/custos.mjs serve` with bench/policies, pointed at the fake provider
// Scenarios: non-streaming chat (c=1, c=64), SSE stream of 50 chunks back to back (c=1, c=64),
// and streaming time to first byte with chunks 2 ms apart (c=1, c=64).
// Load: wrk (installed with apt-get when missing; else bench/load-client.mjs, µs percentiles);
// TTFB: bench/load-client.mjs --mode ttfb. Proxy CPU from /proc/PID/stat, RSS from /proc/PID/status.
// Report: markdown on stdout and in bench/results/latest.md (+ a timestamped .md/.json).
//
// Flags: --quick (about 1 minute) --client wrk|node --duration S --warmup S --keep (keep the temp dir)
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { generateSigningKey } from "../src/audit/checkpoint.ts";
import { FAKE_REPLY } from "../test/helpers/fake-provider.ts";
import { ServerSettingsSchema } from "../src/config/server.ts";
import { PII_TYPES, type PiiAction, type PiiType } from "../src/policy/schema.ts";
import { redactionSettings } from "../src/redaction/redact.ts";
import { redactWhole, textRedactor } from "../src/redaction/text-redactor.ts";
import { vault } from "../src/redaction/vault.ts";
import { migratePostgres } from "../src/storage/migrate.ts";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, "..");
const argv = process.argv.slice(2);
const flag = (k: string) => argv.includes(`--${k}`);
const opt = (k: string, d: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
};
if (flag("help") || flag("h")) {
  process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(0, 14).map((l) => l.replace(/^\/\/ ?/, "")).join("\n") + "\n");
  process.exit(0);
}
const QUICK = flag("quick");
const DURATION = Number(opt("duration", QUICK ? "2" : "5"));
const WARMUP = Number(opt("warmup", QUICK ? "1" : "2"));
const TTFB_DURATION = Number(opt("ttfb-duration", QUICK ? "2" : "4"));
const TTFB_WARMUP = 1;
const GLOBAL_WARMUP = QUICK ? 1 : 2;
const HARD_LIMIT_S = Number(process.env.BENCH_HARD_LIMIT_S || (QUICK ? 180 : 420));
const PORT_BASE = Number(process.env.BENCH_PORT_BASE || 18750);
const PORTS = { fake: PORT_BASE, floor: PORT_BASE + 1, custos: PORT_BASE + 2 };
const FAKE_URL = `http://127.0.0.1:${PORTS.fake}`;
const RESULTS = path.join(BENCH, "results");
const CLK_TCK = 100; // Linux USER_HZ

// ─── request bodies ───────────────────────────────────────────────────────────────
// ~1 KB prompt with PII-looking text (the same shape as the shared harness), so redaction has
// something to look at once it exists. Streams use the fake's `echo` knob: its fixed reply has
// only 39 words, the prompt has well over 50, so "+echo+chunks=50" gives 50 content chunks.
const USER_PROMPT =
  "Please summarise the customer note below in three bullet points and flag anything that needs " +
  "escalation. Customer: Maria Rossi (maria.rossi@example.org, +44 20 7946 0958), account ACME-20931, " +
  "shipping address 221B Baker Street, London NW1 6XE. Note: \"I ordered two replacement filters on " +
  "the 3rd and was charged twice on my Visa ending 4242. The courier left the parcel with a neighbour " +
  "without asking, and one filter arrived cracked. I have called support three times and each time " +
  "I was promised a callback within 24 hours that never happened. I would like a refund for the " +
  "duplicate charge, a replacement for the cracked filter, and an explanation of why the callbacks " +
  "did not happen. If this is not resolved by Friday I will dispute the charge with my bank and post " +
  "a review.\" Previous tickets: #88213 (billing, closed), #88540 (delivery, open). Preferred contact: email.";
/** The fake's reply as the bench team receives it (every PII type redacted, as bench/policies say). */
const REDACTED_REPLY = (() => {
  const r = redactionSettings(ServerSettingsSchema.parse({}).redaction);
  const all = Object.fromEntries(PII_TYPES.map((t) => [t, "redact"])) as Record<PiiType, PiiAction>;
  return redactWhole(textRedactor(r.detector, all, vault(), r.thresholds), FAKE_REPLY).text;
})();
const SYSTEM_PROMPT = "You are a careful support assistant for Acme Corp. Answer concisely, never invent order data, and cite ticket numbers.";
const chatBody = (model: string, stream: boolean) =>
  JSON.stringify({ model, messages: [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: USER_PROMPT }], temperature: 0.2, max_tokens: 256, ...(stream ? { stream: true } : {}) });
const BODIES = {
  chat: chatBody("bench-model", false),
  stream: chatBody("bench-model+echo+chunks=50", true), // 50 chunks, one event-loop turn apart
  ttfb: chatBody("bench-model+echo+chunks=50+delay=2", true), // 50 chunks, 2 ms apart (~110 ms)
};
type BodyId = keyof typeof BODIES;
const STREAM_EVENTS = 53; // role + 50 content + finish + [DONE]

interface Scenario {
  id: string;
  kind: "load" | "ttfb";
  body: BodyId;
  c: number;
  title: string;
}
const SCENARIOS: Scenario[] = [
  { id: "chat-c1", kind: "load", body: "chat", c: 1, title: "chat, non-streaming, ~1.2 KB request, 1 connection" },
  { id: "chat-c64", kind: "load", body: "chat", c: 64, title: "chat, non-streaming, 64 connections" },
  { id: "stream-c1", kind: "load", body: "stream", c: 1, title: "chat SSE, 50 chunks back to back, 1 connection (latency = whole stream)" },
  { id: "stream-c64", kind: "load", body: "stream", c: 64, title: "chat SSE, 50 chunks back to back, 64 connections" },
  { id: "ttfb-c1", kind: "ttfb", body: "ttfb", c: 1, title: "chat SSE, 50 chunks 2 ms apart, 1 connection: time to first byte" },
  { id: "ttfb-c64", kind: "ttfb", body: "ttfb", c: 64, title: "chat SSE, 50 chunks 2 ms apart, 64 connections: time to first byte" },
];

// ─── processes: each child in its own process group, all ended at exit ────────────────
interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile?: string;
  exited: { code: number | null; sig: string | null } | null;
}
const procs: Proc[] = [];
let tmpDir = "";
const log = (...a: unknown[]) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${a.map(String).join(" ")}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnGroup(name: string, cmd: string, args: string[], o: { cwd?: string; env?: Record<string, string>; logFile?: string; capture?: boolean } = {}): Proc & { out: () => string } {
  let out = "";
  const fd = o.logFile ? fs.openSync(o.logFile, "w") : undefined;
  const child = spawn(cmd, args, {
    cwd: o.cwd ?? ROOT,
    env: { ...process.env, ...o.env },
    detached: true, // own process group: killed as a group, never by name
    stdio: ["ignore", o.capture ? "pipe" : (fd ?? "ignore"), o.capture ? "pipe" : (fd ?? "ignore")],
  });
  if (fd !== undefined) fs.closeSync(fd);
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const p: Proc = { name, child, pid: child.pid ?? -1, logFile: o.logFile, exited: null };
  child.on("exit", (code, sig) => (p.exited = { code, sig }));
  child.on("error", (e) => {
    out += String(e);
    p.exited = { code: -1, sig: null };
  });
  procs.push(p);
  return Object.assign(p, { out: () => out });
}
function signalGroup(p: Proc, sig: NodeJS.Signals) {
  if (p.exited || p.pid <= 0) return;
  try {
    process.kill(-p.pid, sig);
  } catch {
    /* already gone */
  }
}
async function stopAll() {
  const list = procs.splice(0);
  for (const p of list) signalGroup(p, "SIGTERM");
  const until = Date.now() + 5000;
  while (Date.now() < until && list.some((p) => !p.exited)) await sleep(50);
  for (const p of list) signalGroup(p, "SIGKILL");
}
function removeTmp() {
  if (tmpDir && !flag("keep")) fs.rmSync(tmpDir, { recursive: true, force: true });
}
process.on("exit", () => {
  for (const p of procs) signalGroup(p, "SIGKILL");
});
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping the processes this run started`);
    void stopAll().finally(() => {
      removeTmp();
      process.exit(130);
    });
  });
}
setTimeout(() => {
  log(`hard limit of ${HARD_LIMIT_S}s reached, aborting`);
  void stopAll().finally(() => process.exit(3));
}, HARD_LIMIT_S * 1000).unref();

/** Runs a command to completion within a time bound (killed as a group beyond it). */
async function run(cmd: string, args: string[], timeoutMs: number, o: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; out: string }> {
  const p = spawnGroup(path.basename(cmd), cmd, args, { ...o, capture: true });
  const timer = setTimeout(() => signalGroup(p, "SIGKILL"), timeoutMs);
  await new Promise<void>((r) => {
    p.child.once("close", () => r());
    p.child.once("error", () => r()); // e.g. ENOENT: the command does not exist
  });
  clearTimeout(timer);
  procs.splice(procs.indexOf(p), 1);
  return { code: p.exited?.code ?? null, out: p.out() };
}

// ─── HTTP helpers ─────────────────────────────────────────────────────────────────
interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  error?: string;
}
function request(url: string, o: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const headers: Record<string, string | number> = { ...o.headers };
    if (o.body !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(o.body) });
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: o.method ?? "GET", headers, timeout: o.timeoutMs ?? 5000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (e) => resolve({ status: 0, headers: {}, body: "", error: String(e) }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, headers: {}, body: "", error: String(e) }));
    req.end(o.body);
  });
}
async function waitFor(url: string, p: Proc, ms: number, want = (r: Reply) => r.status > 0): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (p.exited) return false;
    if (want(await request(url, { timeoutMs: 1000 }))) return true;
    await sleep(150);
  }
  return false;
}
const portBusy = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
  });

// ─── /proc ────────────────────────────────────────────────────────────────────────
function procTree(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    if (out.includes(p)) continue;
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}
/** utime + stime of the process tree, in clock ticks. */
function cpuTicks(pid: number): number {
  let t = 0;
  for (const p of procTree(pid)) {
    try {
      const f = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
      t += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return t;
}
function memKB(pid: number): { rss: number; hwm: number } {
  let rss = 0;
  let hwm = 0;
  for (const p of procTree(pid)) {
    try {
      const s = fs.readFileSync(`/proc/${p}/status`, "utf8");
      rss += Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
      hwm += Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return { rss, hwm };
}

// ─── load generators ──────────────────────────────────────────────────────────────
interface Target {
  name: "direct" | "floor" | "custos";
  url: string;
  what: string;
  pid: number;
  headers: Record<string, string>;
}
interface LoadResult {
  client: "wrk" | "node";
  requests: number;
  duration_us: number;
  bytes: number;
  errors: Record<string, number>;
  lat_us: { p50: number; p90: number; p99: number; max: number };
  error?: string;
}
interface TtfbResult {
  n: number;
  errors: number;
  firstErrorStatus: number | null;
  reqPerSec: number;
  ttfbMs: { p50: number; p99: number };
  /** The first content token (not the role chunk): what redaction's hold-back could delay. */
  ttftMs: { p50: number; p99: number };
  /** TTFT minus the response headers, per stream: the answer path alone (auth, policy and the audit commit come before the headers). */
  ttftAfterHeadersMs: { p50: number; p99: number };
  headersMs: { p50: number; p99: number };
  totalMs: { p50: number; p99: number };
  error?: string;
}
interface Cell {
  load?: LoadResult;
  ttfb?: TtfbResult;
  proxyCpuUs?: number; // per request, the target's own process (not for direct)
  fakeCpuUs: number; // per request, the fake provider
  rssKB: number; // the target's process (direct: the fake provider), after the cell
  hwmKB: number;
  fakeRssKB: number;
  fakeHwmKB: number;
}

const luaStr = (s: string) => {
  let eq = "=";
  while (s.includes(`]${eq}]`)) eq += "=";
  return `[${eq}[${s}]${eq}]`;
};
function wrkScript(body: string, headers: Record<string, string>, outFile: string): string {
  return [
    `wrk.method = "POST"`,
    `wrk.body = ${luaStr(body)}`,
    // spaces inside the brackets: "[[" would open a Lua long string
    ...Object.entries({ "Content-Type": "application/json", ...headers }).map(([k, v]) => `wrk.headers[ ${luaStr(k)} ] = ${luaStr(v)}`),
    `done = function(summary, latency, requests)`,
    `  local e = summary.errors`,
    `  local f = io.open(${luaStr(outFile)}, "w")`,
    `  f:write(string.format('{"client":"wrk","requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},' ..`,
    `    '"lat_us":{"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f}}',`,
    `    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,`,
    `    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))`,
    `  f:close()`,
    `end`,
  ].join("\n");
}
let CLIENT: "wrk" | "node" = "wrk";
let wrkVersion = "";

async function ensureWrk(): Promise<void> {
  const want = opt("client", "wrk");
  if (want === "node") {
    CLIENT = "node";
    return;
  }
  const probe = async () => (await run("wrk", ["-v"], 5000)).out;
  let v = await probe();
  const isWrk = (out: string) => /^wrk \S+/m.test(out); // "wrk 4.2.0 [epoll]" or "wrk debian/4.1.0-3+b2 [epoll]"
  if (!isWrk(v)) {
    const root = process.getuid?.() === 0;
    log(`wrk not found; ${root ? "installing it: apt-get install -y wrk" : "not root, cannot apt-get install it"}`);
    if (root) {
      const env = { DEBIAN_FRONTEND: "noninteractive" };
      if ((await run("apt-get", ["install", "-y", "-qq", "wrk"], 180_000, { env })).code !== 0) {
        await run("apt-get", ["update", "-qq"], 180_000, { env }); // fresh containers have no package lists
        const r = await run("apt-get", ["install", "-y", "-qq", "wrk"], 180_000, { env });
        if (r.code !== 0) log(`apt-get install wrk failed: ${r.out.replace(/\s+/g, " ").slice(-300)}`);
      }
      v = await probe();
    }
  }
  if (isWrk(v)) {
    wrkVersion = /^wrk (\S+)/m.exec(v)?.[1] ?? "?";
    CLIENT = "wrk";
  } else {
    log("wrk unavailable: falling back to bench/load-client.mjs (Node, µs percentiles; it competes with the targets for the 2 cores)");
    CLIENT = "node";
  }
}

async function runLoad(sc: Scenario, t: Target, seconds: number): Promise<LoadResult> {
  const dir = path.join(tmpDir, "load");
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${t.name}-${sc.id}.json`);
  fs.rmSync(out, { force: true });
  if (CLIENT === "wrk") {
    const script = path.join(dir, `${t.name}-${sc.id}.lua`);
    fs.writeFileSync(script, wrkScript(BODIES[sc.body], t.headers, out));
    const r = await run("wrk", ["-t1", `-c${sc.c}`, `-d${seconds}s`, "--timeout", "10s", "-s", script, t.url + "/v1/chat/completions"], (seconds + 20) * 1000);
    if (!fs.existsSync(out)) return { error: `wrk failed (code ${r.code}): ${r.out.replace(/\s+/g, " ").slice(0, 300)}` } as LoadResult;
    return JSON.parse(fs.readFileSync(out, "utf8")) as LoadResult;
  }
  const bodyFile = path.join(dir, `body-${sc.body}.json`);
  fs.writeFileSync(bodyFile, BODIES[sc.body]);
  const args = [path.join(BENCH, "load-client.mjs"), "--mode", "latency", "--url", t.url + "/v1/chat/completions", "--body-file", bodyFile, "--headers", JSON.stringify(t.headers), "--concurrency", String(sc.c), "--duration", String(seconds), "--warmup", "0"];
  if (sc.body !== "chat") args.push("--expect", "[DONE]");
  const r = await run(process.execPath, args, (seconds + 20) * 1000);
  try {
    return JSON.parse(r.out.trim().split("\n").pop()!) as LoadResult;
  } catch {
    return { error: `load-client failed (code ${r.code}): ${r.out.replace(/\s+/g, " ").slice(0, 300)}` } as LoadResult;
  }
}
async function runTtfb(sc: Scenario, t: Target, seconds: number): Promise<TtfbResult> {
  const bodyFile = path.join(tmpDir, `body-${sc.body}.json`);
  fs.writeFileSync(bodyFile, BODIES[sc.body]);
  const args = [path.join(BENCH, "load-client.mjs"), "--mode", "ttfb", "--url", t.url + "/v1/chat/completions", "--body-file", bodyFile, "--headers", JSON.stringify(t.headers), "--concurrency", String(sc.c), "--duration", String(seconds), "--warmup", "0"];
  const r = await run(process.execPath, args, (seconds + 30) * 1000);
  try {
    return JSON.parse(r.out.trim().split("\n").pop()!) as TtfbResult;
  } catch {
    return { error: `load-client failed (code ${r.code}): ${r.out.replace(/\s+/g, " ").slice(0, 300)}` } as TtfbResult;
  }
}

// ─── smoke test ───────────────────────────────────────────────────────────────────
interface Smoke {
  chat: { status: number; ok: boolean; sample?: string };
  stream: { status: number; ok: boolean; events: number; sample?: string };
  ttfb: { status: number; ok: boolean; events: number; ms: number };
}
async function smoke(t: Target): Promise<Smoke> {
  const url = t.url + "/v1/chat/completions";
  const a = await request(url, { method: "POST", headers: t.headers, body: BODIES.chat });
  let reply: unknown;
  try {
    reply = (JSON.parse(a.body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  } catch {
    /* not JSON */
  }
  // Custos's bench team redacts every PII type both ways: its answers are the redacted
  // reply, and its streams carry no raw PII (held text may merge a few events into one).
  const redacts = t.name === "custos";
  const chatOk = a.status === 200 && (redacts ? reply === REDACTED_REPLY : reply === FAKE_REPLY);
  const events = (body: string) => body.split("\n").filter((l) => l.startsWith("data:"));
  const streamShape = (body: string, ev: string[]) => ev.at(-1)?.trim() === "data: [DONE]" && (redacts ? ev.length >= STREAM_EVENTS / 2 && !body.includes("maria.rossi@example.org") : ev.length === STREAM_EVENTS);
  const b = await request(url, { method: "POST", headers: t.headers, body: BODIES.stream });
  const be = events(b.body);
  const streamOk = b.status === 200 && streamShape(b.body, be) && String(b.headers["content-type"]).startsWith("text/event-stream");
  const t0 = performance.now();
  const c = await request(url, { method: "POST", headers: t.headers, body: BODIES.ttfb });
  const ce = events(c.body);
  return {
    chat: { status: a.status, ok: chatOk, ...(chatOk ? {} : { sample: (a.body || a.error || "").slice(0, 300) }) },
    stream: { status: b.status, ok: streamOk, events: be.length, ...(streamOk ? {} : { sample: (b.body || b.error || "").slice(0, 300) }) },
    ttfb: { status: c.status, ok: c.status === 200 && streamShape(c.body, ce), events: ce.length, ms: performance.now() - t0 },
  };
}

// ─── report ───────────────────────────────────────────────────────────────────────
const num = (x: number | undefined | null, digits?: number) => (x === undefined || x === null || !Number.isFinite(x) ? "–" : x.toFixed(digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2)));
const signed = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? "–" : (x >= 0 ? "+" : "") + x.toFixed(Math.abs(x) >= 10 ? 1 : 3));
const rps = (r?: LoadResult) => (r && !r.error ? r.requests / (r.duration_us / 1e6) : NaN);
const msOf = (us?: number) => (us === undefined ? NaN : us / 1000);
const errCount = (r: LoadResult) => Object.values(r.errors).reduce((a, b) => a + b, 0);
const mib = (kb: number) => kb / 1024;

function render(o: { results: Record<string, Partial<Record<Target["name"], Cell>>>; targets: Target[]; smokes: Record<string, Smoke>; startedAt: string; wallS: number; final: Record<string, { rss: number; hwm: number; cpuS: number; readyRss: number; exited: boolean }>; problems: string[]; startupWarnings: string[]; loadavg: number[] }): string {
  const L: string[] = [];
  const names = o.targets.map((t) => t.name);
  L.push(`# Custos overhead — ${o.startedAt}${QUICK ? " (--quick)" : ""}`, "");
  L.push(
    `Loopback only. direct = the fake provider (test/helpers/fake-provider.ts, its own process); floor = bench/node-floor.mjs (node:http pipe); ` +
      `custos = \`node bin/custos.mjs serve\` with bench/policies (request log in ${DB_MODE.label}, LOG_LEVEL=warn). ` +
      `Load: ${CLIENT === "wrk" ? `wrk ${wrkVersion}, 1 thread` : "bench/load-client.mjs (Node; wrk unavailable)"}, ${WARMUP}s warm-up + ${DURATION}s measured per cell; ` +
      `TTFB: bench/load-client.mjs, ${TTFB_WARMUP}s + ${TTFB_DURATION}s. "added" = target − direct; "÷ direct" = target ÷ direct. ` +
      `CPU = utime+stime of the target's process during the measured window ÷ responses (direct: the fake provider's own). ` +
      `RSS = VmRSS / VmHWM after the cell; "÷ direct" is against the fake provider's at the same moment.`,
    "",
  );
  L.push("## Throughput and latency", "");
  L.push("| scenario | target | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | req/s ÷ direct | CPU µs/req | RSS MiB (÷ direct) | peak RSS MiB (÷ direct) | errors |");
  L.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const sc of SCENARIOS.filter((s) => s.kind === "load")) {
    const base = o.results[sc.id]?.direct?.load;
    for (const tn of names) {
      const c = o.results[sc.id]?.[tn];
      const r = c?.load;
      if (!c || !r || r.error) {
        L.push(`| ${sc.id} | ${tn} | ${r?.error ? "failed: " + r.error.replace(/[|\n]/g, " ").slice(0, 100) : "not run"} |||||||||`);
        continue;
      }
      const d = tn === "direct";
      const errs = errCount(r);
      L.push(
        `| ${sc.id} | ${tn} | ${num(rps(r), 0)} | ${num(msOf(r.lat_us.p50), 3)} | ${num(msOf(r.lat_us.p99), 3)} | ${d ? "–" : signed(msOf(r.lat_us.p50) - msOf(base?.lat_us.p50))} | ${d ? "–" : signed(msOf(r.lat_us.p99) - msOf(base?.lat_us.p99))} | ${d ? "1.00" : num(rps(r) / rps(base), 2)} | ${num(d ? c.fakeCpuUs : c.proxyCpuUs, 0)}${d ? " (fake)" : ""} | ${num(mib(c.rssKB), 1)} (${num(c.rssKB / c.fakeRssKB, 2)}) | ${num(mib(c.hwmKB), 1)} (${num(c.hwmKB / c.fakeHwmKB, 2)}) | ${errs ? `${errs}: ${Object.entries(r.errors).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(", ")}` : 0} |`,
      );
    }
  }
  L.push("", "## Streaming time to first byte (50 chunks 2 ms apart)", "");
  L.push(
    "TTFT = the first content token (a non-empty content/text delta; the role chunk before it is the first byte). " +
      "\"after headers\" = TTFT − response headers, per stream: the answer path alone; its \"added\" is what the streaming redaction (hold-back) adds.",
    "",
  );
  L.push("| scenario | target | streams/s | TTFB p50 ms | TTFB p99 ms | added TTFB p50 ms | added TTFB p99 ms | headers p50 ms | TTFT p50 ms | added TTFT p50 ms | TTFT after headers p50 ms | added after headers p50 ms | last byte p50 ms | added last byte p50 ms | CPU µs/stream | RSS MiB (÷ direct) | n | errors |");
  L.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const sc of SCENARIOS.filter((s) => s.kind === "ttfb")) {
    const base = o.results[sc.id]?.direct?.ttfb;
    for (const tn of names) {
      const c = o.results[sc.id]?.[tn];
      const r = c?.ttfb;
      if (!c || !r || r.error || r.n === 0) {
        if (r && !r.error) {
          L.push(`| ${sc.id} | ${tn} | failed: 0 of ${r.errors} streams completed${r.firstErrorStatus ? ` (first HTTP ${r.firstErrorStatus})` : ""} |||||||||||||||`);
          continue;
        }
        L.push(`| ${sc.id} | ${tn} | ${r?.error ? "failed: " + r.error.replace(/[|\n]/g, " ").slice(0, 100) : "not run"} |||||||||||||||`);
        continue;
      }
      const d = tn === "direct";
      L.push(
        `| ${sc.id} | ${tn} | ${num(r.reqPerSec, 0)} | ${num(r.ttfbMs.p50, 3)} | ${num(r.ttfbMs.p99, 3)} | ${d ? "–" : signed(r.ttfbMs.p50 - (base?.ttfbMs.p50 ?? NaN))} | ${d ? "–" : signed(r.ttfbMs.p99 - (base?.ttfbMs.p99 ?? NaN))} | ${num(r.headersMs.p50, 3)} | ${num(r.ttftMs?.p50, 3)} | ${d ? "–" : signed((r.ttftMs?.p50 ?? NaN) - (base?.ttftMs?.p50 ?? NaN))} | ${num(r.ttftAfterHeadersMs?.p50, 3)} | ${d ? "–" : signed((r.ttftAfterHeadersMs?.p50 ?? NaN) - (base?.ttftAfterHeadersMs?.p50 ?? NaN))} | ${num(r.totalMs.p50, 2)} | ${d ? "–" : signed(r.totalMs.p50 - (base?.totalMs.p50 ?? NaN))} | ${num(d ? c.fakeCpuUs : c.proxyCpuUs, 0)}${d ? " (fake)" : ""} | ${num(mib(c.rssKB), 1)} (${num(c.rssKB / c.fakeRssKB, 2)}) | ${r.n} | ${r.errors}${r.firstErrorStatus ? ` (HTTP ${r.firstErrorStatus})` : ""} |`,
      );
    }
  }
  L.push("", "## Processes at the end of the run", "");
  L.push("| target | pid | what | RSS at ready MiB | RSS at end MiB | RSS ÷ direct | peak RSS (VmHWM) MiB | peak ÷ direct | CPU s in run |", "|---|---:|---|---:|---:|---:|---:|---:|---:|");
  const fk = o.final.direct;
  for (const t of o.targets) {
    const m = o.final[t.name];
    if (!m || !fk) continue;
    if (m.exited) {
      L.push(`| ${t.name} | ${t.pid} | ${t.what} | ${num(mib(m.readyRss), 1)} | exited | – | – | – | – |`);
      continue;
    }
    L.push(`| ${t.name} | ${t.pid} | ${t.what} | ${num(mib(m.readyRss), 1)} | ${num(mib(m.rss), 1)} | ${num(m.rss / fk.rss, 2)} | ${num(mib(m.hwm), 1)} | ${num(m.hwm / fk.hwm, 2)} | ${num(m.cpuS, 1)} |`);
  }
  L.push("", "## Smoke test (before load)", "", "| target | chat: 200 + the fake reply | stream: 200, 53 events, ends `data: [DONE]` | slow stream (delay=2) |", "|---|---|---|---|");
  for (const t of o.targets) {
    const s = o.smokes[t.name];
    if (!s) continue;
    L.push(`| ${t.name} | ${s.chat.ok ? "ok" : `FAIL ${s.chat.status}`} | ${s.stream.ok ? "ok" : `FAIL ${s.stream.status}`} (${s.stream.events} events) | ${s.ttfb.ok ? "ok" : `FAIL ${s.ttfb.status}`} (${s.ttfb.events} events, ${num(s.ttfb.ms, 0)} ms) |`);
  }
  L.push("", "## Problems seen", "");
  L.push(...(o.problems.length ? o.problems.map((p) => `- ${p}`) : ["- none: no errors, no non-2xx, no error lines in the Custos log"]));
  L.push("", "## Environment", "");
  L.push(`- node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, kernel ${os.release()}`);
  L.push(`- Custos warnings while starting (expected in development): ${o.startupWarnings.map((w) => `"${w}"`).join("; ") || "none"}`);
  L.push(`- load average (1 min) at start / end: ${o.loadavg.map((x) => x.toFixed(2)).join(" / ")} (other work on the box skews absolute numbers; compare ratios across runs)`);
  L.push(`- load client: ${CLIENT === "wrk" ? `wrk ${wrkVersion}` : "bench/load-client.mjs"}; wall time ${o.wallS}s; arguments: \`${argv.join(" ") || "(none)"}\``);
  L.push(`- rerun: \`npm run bench\` (about 2.5 minutes) or \`npm run bench -- --quick\` (about 75 s)`, "");
  return L.join("\n");
}

// ─── storage under bench ──────────────────────────────────────────────────────────
// Custos is measured as it runs in production: request log in real Postgres (a fresh
// custos_bench database on the local server, or BENCH_DATABASE_URL). --embedded, or no
// reachable Postgres, measures the embedded PGlite development database instead.
let DB_MODE: { label: string; env: Record<string, string> } = { label: "embedded PGlite", env: {} };

async function benchDatabase(): Promise<{ label: string; env: Record<string, string> }> {
  const keys = { CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_API_KEY_PEPPER: "bench-pepper-0123456789abcdef" };
  if (flag("embedded")) return { label: "embedded PGlite (--embedded)", env: {} };
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await admin.unsafe("drop database if exists custos_bench with (force)");
      await admin.unsafe("create database custos_bench");
      url = "postgres://postgres@127.0.0.1:5432/custos_bench";
    } catch (e) {
      log(`no local Postgres to bench against (${(e as Error).message}); using the embedded database`);
      return { label: "embedded PGlite (no Postgres reachable)", env: {} };
    } finally {
      await admin.end({ timeout: 2 });
    }
  }
  await migratePostgres(url, path.join(ROOT, "migrations"));
  // The server integrates and signs checkpoints itself, as a single-instance deployment does.
  const signing = JSON.stringify(await generateSigningKey());
  const anchorDir = path.join(tmpDir, "anchor");
  return { label: `Postgres (${new URL(url).host}${new URL(url).pathname})`, env: { DATABASE_URL: url, ...keys, CUSTOS_SIGNING_KEY: signing, CUSTOS_ANCHOR_DIR: anchorDir } };
}

// ─── main ─────────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const t0 = Date.now();
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const load0 = os.loadavg()[0]!;
  for (const [name, port] of Object.entries(PORTS)) if (await portBusy(port)) throw new Error(`port ${port} (${name}) on 127.0.0.1 is in use; stop what is there or set BENCH_PORT_BASE`);
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "custos-npm-bench-"));
  await ensureWrk();

  // the fake provider, the floor, Custos — each its own process group
  const fake = spawnGroup("fake", process.execPath, ["--import", "tsx", path.join(ROOT, "test/helpers/fake-provider.ts"), "--port", String(PORTS.fake)], { cwd: ROOT, logFile: path.join(tmpDir, "fake.log") });
  const floor = spawnGroup("floor", process.execPath, [path.join(BENCH, "node-floor.mjs")], { env: { UPSTREAM: FAKE_URL, PORT: String(PORTS.floor) }, logFile: path.join(tmpDir, "floor.log") });
  const custosCwd = path.join(tmpDir, "custos");
  fs.mkdirSync(custosCwd);
  const tok = await run(process.execPath, [path.join(ROOT, "bin/custos.mjs"), "token", "--sub", "bench", "--team", "bench", "--ttl", "1h"], 30_000, { cwd: custosCwd });
  const token = tok.out.split("\n").find((l) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(l.trim()))?.trim();
  if (tok.code !== 0 || !token) throw new Error(`custos token failed (code ${tok.code}): ${tok.out.slice(0, 300)}`);
  const custosLog = path.join(tmpDir, "custos.log");
  DB_MODE = await benchDatabase();
  log(`custos storage: ${DB_MODE.label}`);
  const custos = spawnGroup("custos", process.execPath, [path.join(ROOT, "bin/custos.mjs"), "serve"], {
    cwd: custosCwd,
    env: { PORT: String(PORTS.custos), HOST: "127.0.0.1", CUSTOS_POLICIES: path.join(BENCH, "policies"), CUSTOS_DATA_DIR: path.join(tmpDir, "custos-data"), LOG_LEVEL: "warn", CUSTOS_METRICS_PORT: "0", BENCH_UPSTREAM: FAKE_URL, ...DB_MODE.env },
    logFile: custosLog,
  });
  if (!(await waitFor(FAKE_URL + "/v1/models", fake, 30_000))) throw new Error(`the fake provider did not start: ${fs.readFileSync(path.join(tmpDir, "fake.log"), "utf8").slice(-400)}`);
  if (!(await waitFor(`http://127.0.0.1:${PORTS.floor}/v1/models`, floor, 15_000))) throw new Error("the node floor did not start");
  const readyStart = Date.now();
  if (!(await waitFor(`http://127.0.0.1:${PORTS.custos}/readyz`, custos, 60_000, (r) => r.status === 200))) throw new Error(`Custos did not become ready: ${fs.readFileSync(custosLog, "utf8").slice(-600)}`);
  log(`up: fake pid ${fake.pid}, floor pid ${floor.pid}, custos pid ${custos.pid} (ready ${((Date.now() - readyStart) / 1000).toFixed(1)}s after the fake); load client ${CLIENT}`);

  const custosLinesAtReady = fs.readFileSync(custosLog, "utf8").split("\n").filter(Boolean).length;
  const atReady = { direct: memKB(fake.pid), floor: memKB(floor.pid), custos: memKB(custos.pid) };
  const targets: Target[] = [
    { name: "direct", url: FAKE_URL, what: "fake provider (node --import tsx test/helpers/fake-provider.ts)", pid: fake.pid, headers: {} },
    { name: "floor", url: `http://127.0.0.1:${PORTS.floor}`, what: "bench/node-floor.mjs", pid: floor.pid, headers: {} },
    { name: "custos", url: `http://127.0.0.1:${PORTS.custos}`, what: "node bin/custos.mjs serve", pid: custos.pid, headers: { authorization: `Bearer ${token}` } },
  ];

  // smoke: correctness before any number is taken
  const smokes: Record<string, Smoke> = {};
  for (const t of targets) {
    const s = await smoke(t);
    smokes[t.name] = s;
    log(`smoke ${t.name}: chat ${s.chat.ok ? "ok" : "FAIL"} stream ${s.stream.ok ? "ok" : "FAIL"} (${s.stream.events} events) slow stream ${s.ttfb.ok ? "ok" : "FAIL"}`);
    if (!s.chat.ok || !s.stream.ok || !s.ttfb.ok) throw new Error(`smoke test failed through ${t.name}: ${JSON.stringify(s).slice(0, 800)}`);
  }

  // global warm-up (not recorded): JIT, connection pools, PGlite
  for (const t of targets) {
    const w = await runLoad({ id: "warm-chat", kind: "load", body: "chat", c: 16, title: "" }, t, GLOBAL_WARMUP);
    if (w.error || errCount(w) > 0) {
      if (CLIENT !== "wrk" || t.name !== "direct") throw new Error(`warm-up through ${t.name} failed: ${w.error ?? JSON.stringify(w.errors)}`);
      log(`wrk does not work here (${w.error ?? JSON.stringify(w.errors)}); falling back to bench/load-client.mjs`);
      CLIENT = "node";
    }
    await runLoad({ id: "warm-chat", kind: "load", body: "chat", c: 16, title: "" }, t, GLOBAL_WARMUP);
    await runLoad({ id: "warm-stream", kind: "load", body: "stream", c: 16, title: "" }, t, Math.max(1, GLOBAL_WARMUP / 2));
  }
  log("warm-up done");

  const results: Record<string, Partial<Record<Target["name"], Cell>>> = {};
  for (const [i, sc] of SCENARIOS.entries()) {
    results[sc.id] = {};
    for (const t of i % 2 === 0 ? targets : [...targets].reverse()) {
      const proc = { direct: fake, floor, custos }[t.name];
      if (proc.exited || fake.exited) {
        const error = `${proc.exited ? t.name : "the fake provider"} exited during the run (${JSON.stringify((proc.exited ? proc : fake).exited)})`;
        results[sc.id]![t.name] = { ...(sc.kind === "load" ? { load: { error } as LoadResult } : { ttfb: { error } as TtfbResult }), fakeCpuUs: NaN, rssKB: NaN, hwmKB: NaN, fakeRssKB: NaN, fakeHwmKB: NaN };
        continue;
      }
      if (sc.kind === "load") await runLoad(sc, t, WARMUP);
      else await runTtfb(sc, t, TTFB_WARMUP);
      const c0 = cpuTicks(t.pid);
      const f0 = cpuTicks(fake.pid);
      const cell: Partial<Cell> = {};
      let n: number;
      if (sc.kind === "load") {
        cell.load = await runLoad(sc, t, DURATION);
        n = cell.load.error ? 0 : cell.load.requests;
      } else {
        cell.ttfb = await runTtfb(sc, t, TTFB_DURATION);
        n = cell.ttfb.error ? 0 : cell.ttfb.n + cell.ttfb.errors;
      }
      const n1 = Math.max(1, n);
      cell.fakeCpuUs = ((cpuTicks(fake.pid) - f0) / CLK_TCK / n1) * 1e6;
      if (t.name !== "direct") cell.proxyCpuUs = ((cpuTicks(t.pid) - c0) / CLK_TCK / n1) * 1e6;
      const m = memKB(t.pid);
      const fm = memKB(fake.pid);
      Object.assign(cell, { rssKB: m.rss, hwmKB: m.hwm, fakeRssKB: fm.rss, fakeHwmKB: fm.hwm });
      results[sc.id]![t.name] = cell as Cell;
      if (cell.load) {
        const r = cell.load;
        log(`${sc.id} ${t.name}: ${r.error ?? `${rps(r).toFixed(0)} req/s p50 ${msOf(r.lat_us.p50).toFixed(3)} ms p99 ${msOf(r.lat_us.p99).toFixed(3)} ms errors ${errCount(r)} cpu ${num(cell.proxyCpuUs ?? cell.fakeCpuUs, 0)} µs/req`}`);
      } else if (cell.ttfb) {
        const r = cell.ttfb;
        log(`${sc.id} ${t.name}: ${r.error ?? `TTFB p50 ${r.ttfbMs.p50} ms p99 ${r.ttfbMs.p99} ms, TTFT p50 ${r.ttftMs?.p50} ms (${r.ttftAfterHeadersMs?.p50} ms after headers), last byte p50 ${r.totalMs.p50} ms, n ${r.n}, errors ${r.errors}`}`);
      }
    }
  }

  const final: Record<string, { rss: number; hwm: number; cpuS: number; readyRss: number; exited: boolean }> = {};
  for (const t of targets) final[t.name] = { ...memKB(t.pid), cpuS: cpuTicks(t.pid) / CLK_TCK, readyRss: atReady[t.name].rss, exited: !!{ direct: fake, floor, custos }[t.name].exited };

  // problems: errors, non-2xx, anything Custos logged at error level, processes that died
  const problems: string[] = [];
  for (const sc of SCENARIOS)
    for (const t of targets) {
      const c = results[sc.id]?.[t.name];
      if (c?.load?.error || c?.ttfb?.error) problems.push(`${sc.id} through ${t.name}: ${c.load?.error ?? c.ttfb?.error}`);
      else if (c?.load && errCount(c.load) > 0) problems.push(`${sc.id} through ${t.name}: ${errCount(c.load)} errors of ${c.load.requests} (${JSON.stringify(c.load.errors)}; wrk counts non-2xx as "status")`);
      else if (c?.ttfb && c.ttfb.errors > 0) problems.push(`${sc.id} through ${t.name}: ${c.ttfb.errors} failed streams${c.ttfb.firstErrorStatus ? ` (first HTTP ${c.ttfb.firstErrorStatus})` : ""}`);
    }
  for (const p of [fake, floor, custos]) if (p.exited) problems.push(`${p.name} exited during the run: ${JSON.stringify(p.exited)}`);
  const logLines = fs.readFileSync(custosLog, "utf8").split("\n").filter(Boolean);
  const msg = (l: string) => (/"msg":"([^"]*)"/.exec(l)?.[1] ?? l).slice(0, 160);
  const bad = logLines.filter((l) => /"level":(50|60)/.test(l) || (!l.startsWith("{") && /error/i.test(l)));
  if (bad.length) problems.push(`the Custos log has ${bad.length} error line(s); first: \`${bad[0]!.slice(0, 400).replace(/`/g, "'")}\``);
  const startupWarnings = [...new Set(logLines.slice(0, custosLinesAtReady).filter((l) => /"level":40/.test(l)).map(msg))];
  const lateWarnings = [...new Set(logLines.slice(custosLinesAtReady).filter((l) => /"level":40/.test(l)).map(msg))];
  if (lateWarnings.length) problems.push(`Custos warnings after start: ${lateWarnings.map((w) => `"${w}"`).join("; ")}`);
  if (custos.exited) problems.push(`last lines of the Custos log: \`${logLines.slice(-4).map((l) => l.slice(0, 300)).join(" ⏎ ").replace(/`/g, "'")}\``);

  await stopAll();
  const md = render({ results, targets, smokes, startedAt, wallS: Math.round((Date.now() - t0) / 1000), final, problems, startupWarnings, loadavg: [load0, os.loadavg()[0]!] });
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, "latest.md"), md + "\n");
  const stamp = startedAt.replace(/[-:]/g, "");
  fs.writeFileSync(path.join(RESULTS, `run-${stamp}.md`), md + "\n");
  fs.writeFileSync(path.join(RESULTS, `run-${stamp}.json`), JSON.stringify({ startedAt, argv, client: CLIENT, wrkVersion, ports: PORTS, scenarios: SCENARIOS, targets: targets.map(({ headers: _h, ...t }) => t), smokes, results, final, problems }, null, 2));
  process.stdout.write(md + "\n");
  log(`wrote bench/results/latest.md and run-${stamp}.{md,json}`);
  if (problems.length) log(`problems seen: logs kept in ${tmpDir}`);
  else removeTmp();
}

main().then(
  () => process.exit(0),
  async (e: unknown) => {
    log(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
    await stopAll();
    if (tmpDir) log(`logs kept in ${tmpDir}`);
    process.exit(1);
  },
);
