// The in-process echo provider (model `custos-echo`): answers with the caller's last
// user turn exactly as Custos forwarded it, JSON or streamed, so a new user sees Custos
// work with no provider account, and later sees what redaction did to the prompt.
import type { Endpoint } from "../config/providers.ts";
import type { ProviderAdapter } from "./adapter.ts";
import {
  answerEvents,
  answerJson,
  embeddingsJson,
  roughTokens,
  type Answer,
} from "./answers.ts";
import { embeddingInputs, lastUserText } from "./prompt-text.ts";
import { memoryResponse, type Bytes, type Operation, type UpstreamResponse } from "./types.ts";

type EchoEndpoint = Extract<Endpoint, { kind: "echo" }>;

const encoder = new TextEncoder();
/** encode() always returns a fresh ArrayBuffer-backed array; some runtime typings say ArrayBufferLike. */
const utf8 = (text: string): Bytes => encoder.encode(text) as Bytes;

function eventStream(events: string[], signal: AbortSignal): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (signal.aborted || i >= events.length) return controller.close();
      controller.enqueue(encoder.encode(events[i++]!));
    },
  });
}

export const echoAdapter: ProviderAdapter<EchoEndpoint> = {
  operations: new Set<Operation>(["chat", "responses", "embeddings", "messages"]),
  async send(ex, _endpoint, ctx): Promise<UpstreamResponse> {
    const json = JSON.parse(new TextDecoder().decode(ex.body)) as Record<string, unknown>;
    if (ex.operation === "embeddings") {
      const format = json.encoding_format === "base64" ? "base64" : "float";
      const dims = typeof json.dimensions === "number" && json.dimensions > 0 && json.dimensions <= 4096 ? json.dimensions : 256;
      const body = embeddingsJson(ex.model, embeddingInputs(json), format, dims);
      return memoryResponse(200, { "content-type": "application/json" }, utf8(JSON.stringify(body)));
    }
    const text = lastUserText(ex.operation, json);
    const id = ex.operation === "chat" ? `chatcmpl-echo-${ex.id}` : ex.operation === "responses" ? `resp_echo_${ex.id}` : `msg_echo_${ex.id}`;
    const answer: Answer = {
      id,
      model: ex.model,
      created: Math.floor(ex.receivedAt / 1000),
      parts: [{ type: "text", text }],
      inputTokens: roughTokens(new TextDecoder().decode(ex.body)),
      outputTokens: roughTokens(text),
    };
    if (!ex.stream) {
      const body = answerJson(ex.operation, answer);
      return memoryResponse(200, { "content-type": "application/json" }, utf8(JSON.stringify(body)));
    }
    const includeUsage = (json.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const events =
      answerEvents(ex.operation, answer, includeUsage);
    return memoryResponse(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }, eventStream(events, ctx.signal));
  },
};
