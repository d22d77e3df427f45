#!/usr/bin/env node
// load-client.mjs — the bench's own closed-loop HTTP client, two modes:
//   --mode ttfb     SSE streams: time to response headers, first body byte, first content
//                   token (TTFT: the first non-empty content or text delta) and last byte
//                   (the approach of shared/bench/ttfb.mjs, copied so the repo runs alone)
//   --mode latency  the fallback when wrk is missing: whole-response latency with
//                   microsecond percentiles, bytes, non-2xx and socket errors, in wrk's shape
// `concurrency` workers on keep-alive connections send requests back to back. Bounded by
// --warmup + --duration seconds AND by --max-requests; every request by a 10 s timeout.
// Loopback targets only. Prints one JSON object on stdout.
//
//   node bench/load-client.mjs --mode ttfb --url http://127.0.0.1:18750/v1/chat/completions \
//        --body-file body.json [--headers '{"k":"v"}'] [--concurrency 1] [--duration 4] [--warmup 1]
import http from "node:http";
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
};
const mode = opt("mode", "ttfb");
const url = new URL(opt("url", "http://127.0.0.1:18750/v1/chat/completions"));
const host = url.hostname.replace(/^\[|\]$/g, "");
if (!(host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host))) {
  console.error(`load-client: refusing non-loopback target ${url.hostname}`);
  process.exit(2);
}
const body = Buffer.from(opt("body-file") ? readFileSync(opt("body-file")) : opt("body", "{}"));
const extraHeaders = JSON.parse(opt("headers", "{}"));
const concurrency = Number(opt("concurrency", "1"));
const durationMs = Number(opt("duration", "4")) * 1000;
const warmupMs = Number(opt("warmup", "1")) * 1000;
const maxRequests = Number(opt("max-requests", mode === "ttfb" ? "20000" : "2000000"));
const expect = opt("expect", mode === "ttfb" ? "[DONE]" : "");
const REQ_TIMEOUT_MS = 10_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { "content-type": "application/json", "content-length": body.length, ...extraHeaders };
if (mode === "ttfb") headers.accept = "text/event-stream";

const FIRST_TOKEN = /"(?:content|text)":"[^"]/;

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let tHead = 0n;
    let tFirst = 0n;
    let tToken = 0n; // the first content delta: an OpenAI "content" or Anthropic "text" that is not empty
    let seen = "";
    let tail = "";
    let bytes = 0;
    const req = http.request({ host, port: url.port, path: url.pathname + url.search, method: "POST", headers, agent, timeout: REQ_TIMEOUT_MS }, (res) => {
      tHead = process.hrtime.bigint();
      res.on("data", (c) => {
        if (tFirst === 0n) tFirst = process.hrtime.bigint();
        if (tToken === 0n && mode === "ttfb") {
          seen = (seen + c.toString("latin1")).slice(-4096);
          if (FIRST_TOKEN.test(seen)) tToken = process.hrtime.bigint();
        }
        bytes += c.length;
        if (expect) tail = (tail + c.toString("latin1")).slice(-64);
      });
      res.on("end", () => {
        const tEnd = process.hrtime.bigint();
        const us = (t) => Number(t - t0) / 1e3;
        const good = res.statusCode >= 200 && res.statusCode < 300 && (!expect || tail.includes(expect));
        resolve({ kind: good ? "ok" : "status", status: res.statusCode, bytes, head: us(tHead), ttfb: us(tFirst || tEnd), ttft: us(tToken || tEnd), total: us(tEnd) });
      });
      res.on("error", () => resolve({ kind: "read" }));
    });
    req.on("timeout", () => {
      req.destroy(new Error("timeout"));
      resolve({ kind: "timeout" });
    });
    req.on("error", (e) => resolve({ kind: /ECONNREFUSED|ECONNRESET/.test(String(e)) && tHead === 0n ? "connect" : "read" }));
    req.end(body);
  });
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null);
const stats = (arr, scale) => {
  arr.sort((a, b) => a - b);
  const r = (x) => (x === null ? null : Number((x / scale).toFixed(3)));
  const mean = arr.length ? arr.reduce((a, b) => a + b, 0) / arr.length : null;
  return { min: r(arr[0] ?? null), mean: r(mean), p50: r(pct(arr, 50)), p90: r(pct(arr, 90)), p99: r(pct(arr, 99)), max: r(pct(arr, 100)) };
};

const start = Date.now();
const recordFrom = start + warmupMs;
const stopAt = recordFrom + durationMs;
const ttfb = [], ttft = [], ttftAfterHead = [], head = [], total = [];
const errors = { connect: 0, read: 0, write: 0, status: 0, timeout: 0 };
let issued = 0, completed = 0, bytes = 0, firstErrorStatus = null;
let measuredStart = 0n, measuredEnd = 0n;

async function worker() {
  while (Date.now() < stopAt && issued < maxRequests) {
    const recording = Date.now() >= recordFrom;
    if (recording) {
      issued++;
      if (measuredStart === 0n) measuredStart = process.hrtime.bigint();
    }
    const r = await once();
    if (!recording) {
      if (r.kind === "connect") await new Promise((res) => setTimeout(res, 10));
      continue;
    }
    measuredEnd = process.hrtime.bigint();
    if (r.kind !== "ok") {
      errors[r.kind]++;
      if (r.kind === "status" && firstErrorStatus === null) firstErrorStatus = r.status;
      if (r.kind !== "status" || mode === "ttfb") {
        if (r.kind === "connect") await new Promise((res) => setTimeout(res, 10));
        continue;
      }
    }
    completed++; // wrk counts non-2xx responses as requests too (and as status errors)
    bytes += r.bytes;
    ttfb.push(r.ttfb);
    if (r.ttft !== undefined) {
      ttft.push(r.ttft);
      ttftAfterHead.push(r.ttft - r.head);
    }
    head.push(r.head);
    total.push(r.total);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
agent.destroy();
const durationUs = Math.max(1, Number(measuredEnd - measuredStart) / 1e3);
if (mode === "latency") {
  console.log(JSON.stringify({ client: "node", requests: completed, duration_us: Math.round(durationUs), bytes, errors, firstErrorStatus, lat_us: stats(total, 1) }));
} else {
  const n = completed;
  console.log(
    JSON.stringify({
      client: "node",
      n,
      errors: Object.values(errors).reduce((a, b) => a + b, 0),
      firstErrorStatus,
      concurrency,
      seconds: Number((durationUs / 1e6).toFixed(3)),
      reqPerSec: Number((n / (durationUs / 1e6)).toFixed(1)),
      ttfbMs: stats(ttfb, 1000),
      ttftMs: stats(ttft, 1000),
      ttftAfterHeadersMs: stats(ttftAfterHead, 1000),
      headersMs: stats(head, 1000),
      totalMs: stats(total, 1000),
    }),
  );
}
