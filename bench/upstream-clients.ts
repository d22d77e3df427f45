// Which HTTP client should carry Custos's upstream calls on Node? Measures CPU µs per
// request in this process for undici's Agent.request (what Custos uses), node:http with
// a keep-alive agent, and the global fetch, against the fake provider in its own
// process: JSON answers read whole, and SSE answers read as a stream.
//   node --import tsx bench/upstream-clients.ts [--seconds 3] [--concurrency 16]
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { Agent } from "undici";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "3" }, concurrency: { type: "string", default: "16" } } });
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const PORT = 18931;
const ORIGIN = `http://127.0.0.1:${PORT}`;

const body = (stream: boolean) => JSON.stringify({ model: `bench-model${stream ? "+chunks=50" : ""}`, stream, messages: [{ role: "user", content: "x".repeat(1000) }] });
const headers = { "content-type": "application/json", authorization: "Bearer sk-bench" };

type Client = (stream: boolean) => Promise<number>;

const undiciAgent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
const undiciClient: Client = async (stream) => {
  const r = await undiciAgent.request({ origin: ORIGIN, path: "/v1/chat/completions", method: "POST", headers, body: body(stream) });
  if (!stream) return (await r.body.arrayBuffer()).byteLength;
  let n = 0;
  for await (const c of r.body) n += (c as Buffer).length;
  return n;
};

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpClient: Client = (stream) =>
  new Promise((resolve, reject) => {
    const payload = body(stream);
    const req = http.request(`${ORIGIN}/v1/chat/completions`, { method: "POST", agent: httpAgent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } }, (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => (n += c.length));
      res.on("end", () => resolve(n));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });

const fetchClient: Client = async (stream) => {
  const r = await fetch(`${ORIGIN}/v1/chat/completions`, { method: "POST", headers, body: body(stream) });
  if (!stream) return (await r.arrayBuffer()).byteLength;
  let n = 0;
  for await (const c of r.body as unknown as AsyncIterable<Uint8Array>) n += c.byteLength;
  return n;
};

async function measure(client: Client, stream: boolean): Promise<{ rps: number; cpuUs: number }> {
  const warmEnd = Date.now() + 1000;
  const loop = async (until: number, count: { n: number }) => {
    while (Date.now() < until) {
      await client(stream);
      count.n++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(warmEnd, { n: 0 })));
  const count = { n: 0 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(end, count)));
  const cpu = process.cpuUsage(cpu0);
  const secs = (performance.now() - t0) / 1000;
  return { rps: count.n / secs, cpuUs: (cpu.user + cpu.system) / count.n };
}

const provider = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "..", "test", "helpers", "fake-provider.ts"), "--port", String(PORT)], { stdio: ["ignore", "pipe", "inherit"] });
try {
  await new Promise<void>((resolve, reject) => {
    provider.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    provider.on("exit", (c) => reject(new Error(`fake provider exited ${c}`)));
  });
  const rows: string[] = ["| client | JSON req/s | JSON CPU µs/req | SSE (50 chunks) req/s | SSE CPU µs/req |", "|---|---|---|---|---|"];
  for (const [name, client] of [["undici Agent.request", undiciClient], ["node:http keep-alive", httpClient], ["global fetch", fetchClient]] as const) {
    const json = await measure(client, false);
    const sse = await measure(client, true);
    rows.push(`| ${name} | ${json.rps.toFixed(0)} | ${json.cpuUs.toFixed(0)} | ${sse.rps.toFixed(0)} | ${sse.cpuUs.toFixed(0)} |`);
  }
  console.log(`upstream clients, ${CONCURRENCY} concurrent, ${SECONDS}s each (CPU of this process only)\n`);
  console.log(rows.join("\n"));
} finally {
  provider.kill("SIGTERM");
  await undiciAgent.close();
  httpAgent.destroy();
}
