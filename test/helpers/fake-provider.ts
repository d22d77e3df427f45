// A fake model provider on loopback: OpenAI chat/responses/embeddings and Anthropic
// messages, JSON and SSE, tool-call deltas, and injected failures. Tests and the bench
// use it; no real provider is ever contacted.
//
// Behaviour is chosen per request inside the model name, so it passes through Custos
// untouched: "fake-model+tools+chunks=20+delay=5+latency=10+error=500+break+hang+echo".
//   tools        answer with a tool call (get_weather) instead of text
//   echo         answer with the last user turn (default: a fixed reply)
//   chunks=N     number of text pieces in a stream (default: one per word)
//   delay=MS     pause between stream events; latency=MS before the headers
//   error=STATUS answer with that status and the provider's error shape
//   break        end the connection in the middle of a stream
//   hang         never answer (for timeouts)
//
// Run alone: node --import tsx test/helpers/fake-provider.ts --port 18800
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import {
  answerEvents,
  answerJson,
  embeddingsJson,
  roughTokens,
  type Answer,
  type AnswerPart,
} from "../../src/providers/answers.ts";
import { embeddingInputs, lastUserText } from "../../src/providers/prompt-text.ts";
import type { Operation } from "../../src/providers/types.ts";

export const FAKE_REPLY =
  "Here is a concise summary of the quarterly report you shared. Revenue grew 12% year over year, driven mainly by " +
  "the enterprise segment, while operating costs stayed flat. For follow-up, contact Jane Doe at jane.doe@example.com " +
  "or +1 (415) 555-0132.";

export interface ReceivedRequest {
  method: string;
  path: string;
  /** The path with its query string. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeProvider {
  readonly url: string;
  readonly port: number;
  /** Requests received (when recording), oldest first. */
  readonly requests: ReceivedRequest[];
  /** Streams whose client went away before the last event was written. */
  readonly cancelledStreams: number;
  /** Streams written to the end. */
  readonly completedStreams: number;
  /** From now on every call gets this HTTP status (an outage, a rate limit), until set back to undefined. */
  outage(status: number | undefined): void;
  close(): Promise<void>;
}

interface Knobs {
  tools: boolean;
  echo: boolean;
  chunks?: number;
  delay: number;
  latency: number;
  error?: number;
  break: boolean;
  hang: boolean;
}

function knobs(model: string): Knobs {
  const num = (k: string) => {
    const m = new RegExp(`\\+${k}=(\\d+)`).exec(model);
    return m ? Number(m[1]) : undefined;
  };
  const flag = (k: string) => new RegExp(`\\+${k}(\\+|$)`).test(model);
  return { tools: flag("tools"), echo: flag("echo"), chunks: num("chunks"), delay: num("delay") ?? 0, latency: num("latency") ?? 0, error: num("error"), break: flag("break"), hang: flag("hang") };
}

const ROUTES: Record<string, Operation> = {
  "/v1/chat/completions": "chat",
  "/v1/responses": "responses",
  "/v1/embeddings": "embeddings",
  "/v1/messages": "messages",
};

/** Azure's deployment paths and Gemini's OpenAI-compatible prefix, as the /v1 path they stand for. */
function providerPath(path: string): string {
  const azure = /^\/openai\/deployments\/[^/]+(\/chat\/completions|\/embeddings)$/.exec(path);
  if (azure) return `/v1${azure[1]}`;
  const gemini = /^\/v1beta\/openai(\/chat\/completions|\/embeddings)$/.exec(path);
  return gemini ? `/v1${gemini[1]}` : path;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorBody(op: Operation, status: number): string {
  const message = status === 400 ? "Invalid value for 'temperature': expected a number between 0 and 2." : `fake provider error ${status}`;
  if (op === "messages") return JSON.stringify({ type: "error", error: { type: status === 429 ? "rate_limit_error" : "invalid_request_error", message } });
  return JSON.stringify({ error: { message, type: "invalid_request_error", code: status === 400 ? "invalid_value" : null, param: status === 400 ? "temperature" : null } });
}

/** Split the reply text into n pieces (whole words) for the chunks knob. */
function textParts(text: string, n: number | undefined): AnswerPart[] {
  return [{ type: "text", text: n === undefined ? text : text.split(" ").slice(0, Math.max(1, n)).join(" ") }];
}

export async function startFakeProvider(opts: { port?: number; host?: string; record?: boolean } = {}): Promise<FakeProvider> {
  const requests: ReceivedRequest[] = [];
  let cancelledStreams = 0;
  let completedStreams = 0;
  let seq = 0;
  let forced: number | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void respond(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.keepAliveTimeout = 60_000;

  async function respond(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    if (opts.record !== false) requests.push({ method: req.method ?? "", path, url: req.url ?? path, headers: req.headers, body: raw });
    if (req.method === "GET" && path === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [] }));
      return;
    }
    const op = ROUTES[path] ?? ROUTES[providerPath(path)];
    if (req.method !== "POST" || !op) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    if (forced !== undefined) {
      res.writeHead(forced, { "content-type": "application/json" }).end(errorBody(op, forced));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(errorBody(op, 400));
      return;
    }
    const model = typeof body.model === "string" ? body.model : "";
    const k = knobs(model);
    if (k.hang) return; // never answers; the client's timeout or abort ends it
    if (k.latency > 0) await sleep(k.latency);
    const requestId = `req_fake_${++seq}`;
    if (k.error) {
      const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": requestId };
      if (k.error === 429) headers["retry-after"] = "7";
      res.writeHead(k.error, headers).end(errorBody(op, k.error));
      return;
    }
    if (op === "embeddings") {
      const format = body.encoding_format === "base64" ? "base64" : "float";
      const dims = typeof body.dimensions === "number" ? body.dimensions : 64;
      res.writeHead(200, { "content-type": "application/json", "x-request-id": requestId }).end(JSON.stringify(embeddingsJson(model, embeddingInputs(body), format, dims)));
      return;
    }
    const text = k.echo ? lastUserText(op, body) : FAKE_REPLY;
    const parts: AnswerPart[] = k.tools ? [{ type: "tool_call", id: `call_${seq}`, name: "get_weather", arguments: JSON.stringify({ city: "Paris", unit: "celsius" }) }] : textParts(text, k.chunks);
    const answer: Answer = {
      id: op === "chat" ? `chatcmpl-fake-${seq}` : op === "responses" ? `resp_fake_${seq}` : `msg_fake_${seq}`,
      model,
      created: Math.floor(Date.now() / 1000),
      parts,
      inputTokens: roughTokens(raw),
      outputTokens: roughTokens(parts.map((p) => (p.type === "text" ? p.text : p.arguments)).join("")),
    };
    if (body.stream !== true) {
      const json = answerJson(op, answer);
      res.writeHead(200, { "content-type": "application/json", "x-request-id": requestId }).end(JSON.stringify(json));
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const events = answerEvents(op, answer, includeUsage);
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": requestId });
    let gone = false;
    res.on("close", () => {
      if (!res.writableFinished) gone = true;
    });
    for (let i = 0; i < events.length; i++) {
      if (gone) break;
      if (k.break && i === Math.floor(events.length / 2)) {
        res.socket?.destroy();
        return;
      }
      const ok = res.write(events[i]);
      if (!ok) await new Promise<void>((r) => res.once("drain", r).once("close", r));
      if (k.delay > 0) await sleep(k.delay);
      else await new Promise((r) => setImmediate(r));
    }
    if (gone) {
      cancelledStreams++;
      return;
    }
    completedStreams++;
    res.end();
  }

  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get cancelledStreams() {
      return cancelledStreams;
    },
    get completedStreams() {
      return completedStreams;
    },
    outage(status) {
      forced = status;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : 18800;
  const p = await startFakeProvider({ port, record: false });
  process.stdout.write(`fake provider listening on ${p.url}\n`);
  const stop = () => void p.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
