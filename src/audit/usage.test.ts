import { afterEach, describe, expect, it, vi } from "vitest";
import type { Operation } from "../providers/types.ts";
import { factsFromBody, requestStreamUsage, streamFacts, stripUsageChunk, type AnswerFacts } from "./usage.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (v: unknown) => enc.encode(JSON.stringify(v));
const data = (v: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${typeof v === "string" ? v : JSON.stringify(v)}\n\n`;

/** Feeds the events to a fresh observer, grouped into observe() calls of `per` events each. */
function observed(op: Operation, events: string[], per = 1): AnswerFacts {
  const s = streamFacts(op);
  for (let i = 0; i < events.length; i += per) s.observe(enc.encode(events.slice(i, i + per).join("")));
  return s.facts();
}
const crlf = (events: string[]) => events.map((e) => e.replace(/\n/g, "\r\n"));

afterEach(() => vi.restoreAllMocks());

// ── OpenAI chat completions (shapes as api.openai.com sends them) ─────────────────

const CHAT_ID = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG";
const CHAT_MODEL = "gpt-4o-2024-08-06";
const chatUsage = {
  prompt_tokens: 1117,
  completion_tokens: 46,
  total_tokens: 1163,
  prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 12, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
const chatFacts = { id: CHAT_ID, model: CHAT_MODEL, finish: ["stop"], usage: { input: 1117, output: 46, cache_read: 1024, reasoning: 12 } };

function chatChunk(choices: unknown[], extra: object = { usage: null }) {
  const base = { id: CHAT_ID, object: "chat.completion.chunk", created: 1741570283, model: CHAT_MODEL, service_tier: "default", system_fingerprint: "fp_4d06e8c6d5" };
  return data({ ...base, choices, ...extra });
}
const delta = (content: string, finish: string | null = null, index = 0) => chatChunk([{ index, delta: { content }, logprobs: null, finish_reason: finish }]);

/** A chat stream with include_usage: every chunk says `"usage":null` until the usage-only chunk. */
const CHAT_STREAM = [
  chatChunk([{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }]),
  delta("Hello"),
  delta(" \"usage\": {\"finish_reason\":\"x\"}"), // quoted keys inside content are escaped, so not matched
  delta("!"),
  chatChunk([{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }]),
  chatChunk([], { usage: chatUsage }),
  data("[DONE]"),
];

describe("factsFromBody: chat", () => {
  it("reads id, model, finish reasons in choice order (skipping null) and usage", () => {
    const body = {
      id: CHAT_ID,
      object: "chat.completion",
      created: 1741570283,
      model: CHAT_MODEL,
      choices: [
        { index: 0, message: { role: "assistant", content: "Hi", refusal: null }, logprobs: null, finish_reason: "stop" },
        { index: 1, message: { role: "assistant", content: null, tool_calls: [] }, logprobs: null, finish_reason: null },
        { index: 2, message: { role: "assistant", content: "Hi th" }, logprobs: null, finish_reason: "length" },
      ],
      usage: chatUsage,
      service_tier: "default",
      system_fingerprint: "fp_4d06e8c6d5",
    };
    expect(factsFromBody("chat", json(body))).toStrictEqual({ ...chatFacts, finish: ["stop", "length"] });
  });

  it("drops non-integer, negative and non-number counts, leaving no undefined keys", () => {
    const body = { id: CHAT_ID, model: CHAT_MODEL, choices: [], usage: { prompt_tokens: 12.5, completion_tokens: -1, prompt_tokens_details: { cached_tokens: "3" }, completion_tokens_details: null } };
    const f = factsFromBody("chat", json(body));
    expect(f).toStrictEqual({ id: CHAT_ID, model: CHAT_MODEL });
    expect(Object.keys(f)).toEqual(["id", "model"]);
    expect(factsFromBody("chat", json({ usage: { prompt_tokens: 2 ** 53, completion_tokens: 0 } }))).toStrictEqual({ usage: { output: 0 } });
  });

  it("returns {} for garbage, non-objects, empty bodies and invalid UTF-8", () => {
    for (const body of ["", "not json", "[1,2]", "null", "42", '{"id":', "[".repeat(100_000)]) {
      expect(factsFromBody("chat", enc.encode(body))).toStrictEqual({});
    }
    expect(factsFromBody("messages", new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]))).toStrictEqual({});
  });

  it("records nothing from an error body but keeps what is well-typed elsewhere", () => {
    expect(factsFromBody("chat", json({ error: { message: "Rate limit", type: "requests", code: "rate_limit_exceeded" } }))).toStrictEqual({});
    expect(factsFromBody("chat", json({ id: "", model: 7, choices: "x", usage: [] }))).toStrictEqual({});
  });
});

describe("streamFacts: chat", () => {
  it("reads id and model from chunks, the finish reason, and usage from the final chunk", () => {
    expect(observed("chat", CHAT_STREAM)).toStrictEqual(chatFacts);
  });

  it("gives the same facts however whole events are grouped, and with CRLF line endings", () => {
    for (const per of [2, 3, CHAT_STREAM.length]) expect(observed("chat", CHAT_STREAM, per)).toStrictEqual(chatFacts);
    expect(observed("chat", crlf(CHAT_STREAM))).toStrictEqual(chatFacts);
    expect(observed("chat", crlf(CHAT_STREAM), CHAT_STREAM.length)).toStrictEqual(chatFacts);
  });

  it("only parses the first chunk and those with a finish reason or usage", () => {
    const parse = vi.spyOn(JSON, "parse");
    const events = [CHAT_STREAM[0]!, ...Array.from({ length: 50 }, () => delta("word ")), CHAT_STREAM[2]!, ...CHAT_STREAM.slice(4)];
    expect(observed("chat", events)).toStrictEqual(chatFacts);
    expect(parse).toHaveBeenCalledTimes(3); // first chunk, finish chunk, usage chunk ([DONE] is not parsed either)
  });

  it("has no usage when the caller did not ask for it, and orders finish reasons by choice index", () => {
    const events = [
      chatChunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }], {}),
      chatChunk([{ index: 1, delta: { content: "b" }, finish_reason: "length" }], {}),
      chatChunk([{ index: 0, delta: { content: "a" }, finish_reason: "tool_calls" }], {}),
      data("[DONE]"),
    ];
    expect(observed("chat", events)).toStrictEqual({ id: CHAT_ID, model: CHAT_MODEL, finish: ["tool_calls", "length"] });
  });

  it("skips Azure's first chunk (empty id and model, prompt filter results)", () => {
    const azure = data({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] });
    expect(observed("chat", [azure, ...CHAT_STREAM])).toStrictEqual(chatFacts);
  });

  it("reads pretty-printed chunks from OpenAI-compatible servers", () => {
    const pretty = (v: object) => `data: ${JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "')}\n\n`;
    const events = [
      pretty({ id: "cmpl-1", model: "llama-3", choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }], usage: null }),
      pretty({ id: "cmpl-1", model: "llama-3", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 1 } }),
    ];
    expect(observed("chat", events)).toStrictEqual({ id: "cmpl-1", model: "llama-3", finish: ["stop"], usage: { input: 5, output: 1 } });
  });

  it("never throws on garbage and keeps the facts it has", () => {
    const s = streamFacts("chat");
    const garbage = [
      ": keep-alive\n\n",
      "data: {\"usage\":\n\n",
      "data: {\"choices\":5,\"usage\":7,\"finish_reason\":\"stop\"}\n\n",
      "data: {\"choices\":[null,{\"index\":-1,\"finish_reason\":\"\"}],\"usage\":{\"prompt_tokens\":1.5}}\n\n",
      "event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n",
      "data\n\n",
      "\n\n\n",
      "data: [DONE]\n\n",
    ];
    for (const g of garbage) s.observe(enc.encode(g));
    s.observe(new Uint8Array([0xff, 0x00, 0x0a, 0x0a, 0xc3]));
    s.observe(new Uint8Array(0));
    for (const e of CHAT_STREAM) s.observe(enc.encode(e));
    expect(s.facts()).toStrictEqual(chatFacts);
  });

  it("joins multi-line data fields", () => {
    const split = `data: {"id":"${CHAT_ID}","model":"${CHAT_MODEL}",\ndata: "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`;
    expect(observed("chat", [split])).toStrictEqual({ id: CHAT_ID, model: CHAT_MODEL, finish: ["stop"] });
  });
});

// ── OpenAI responses ──────────────────────────────────────────────────────────────

const RESP_ID = "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b";
const response = (status: string, extra: object = {}) => ({
  id: RESP_ID,
  object: "response",
  created_at: 1741476542,
  status,
  error: null,
  incomplete_details: null,
  model: "o4-mini-2025-04-16",
  output: [],
  usage:
    status === "in_progress"
      ? null
      : { input_tokens: 36, input_tokens_details: { cached_tokens: 0 }, output_tokens: 87, output_tokens_details: { reasoning_tokens: 64 }, total_tokens: 123 },
  ...extra,
});
const respFacts = { id: RESP_ID, model: "o4-mini-2025-04-16", finish: ["completed"], usage: { input: 36, output: 87, cache_read: 0, reasoning: 64 } };

function responseEvents(final: object, finalType: string): string[] {
  let sequence_number = 0;
  const ev = (type: string, fields: object) => data({ type, sequence_number: sequence_number++, ...fields }, type);
  return [
    ev("response.created", { response: response("in_progress") }),
    ev("response.in_progress", { response: response("in_progress") }),
    ev("response.output_item.added", { output_index: 0, item: { id: "msg_1", type: "message", status: "in_progress", role: "assistant", content: [] } }),
    ev("response.output_text.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hi" }),
    ev("response.output_text.done", { item_id: "msg_1", output_index: 0, content_index: 0, text: "Hi" }),
    ev(finalType, { response: final }),
  ];
}

describe("responses", () => {
  it("reads a JSON answer, preferring incomplete_details.reason to the status", () => {
    expect(factsFromBody("responses", json(response("completed")))).toStrictEqual(respFacts);
    const cut = response("incomplete", { incomplete_details: { reason: "max_output_tokens" } });
    expect(factsFromBody("responses", json(cut))).toStrictEqual({ ...respFacts, finish: ["max_output_tokens"] });
  });

  it("reads a stream's created and final events, split or grouped, LF or CRLF", () => {
    const events = responseEvents(response("completed"), "response.completed");
    expect(observed("responses", events)).toStrictEqual(respFacts);
    expect(observed("responses", crlf(events), 4)).toStrictEqual(respFacts);
  });

  it("does not parse the delta events", () => {
    const parse = vi.spyOn(JSON, "parse");
    observed("responses", responseEvents(response("completed"), "response.completed"));
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it("records incomplete and failed streams, and only id and model when the stream is cut", () => {
    const cut = response("incomplete", { incomplete_details: { reason: "content_filter" } });
    expect(observed("responses", responseEvents(cut, "response.incomplete"))).toStrictEqual({ ...respFacts, finish: ["content_filter"] });
    const failed = response("failed", { error: { code: "server_error", message: "boom" }, usage: null });
    expect(observed("responses", responseEvents(failed, "response.failed"))).toStrictEqual({ id: RESP_ID, model: "o4-mini-2025-04-16", finish: ["failed"] });
    expect(observed("responses", responseEvents(response("completed"), "response.completed").slice(0, 4))).toStrictEqual({ id: RESP_ID, model: "o4-mini-2025-04-16" });
  });
});

// ── OpenAI embeddings ─────────────────────────────────────────────────────────────

describe("embeddings", () => {
  it("reads the model and input tokens only", () => {
    const body = { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.0023, -0.0093] }], model: "text-embedding-3-small", usage: { prompt_tokens: 8, total_tokens: 8 } };
    expect(factsFromBody("embeddings", json(body))).toStrictEqual({ model: "text-embedding-3-small", usage: { input: 8 } });
  });

  it("records nothing from a stream (embeddings do not stream)", () => {
    expect(observed("embeddings", CHAT_STREAM)).toStrictEqual({});
  });
});

// ── Anthropic messages ────────────────────────────────────────────────────────────

const MSG_ID = "msg_01XFDUDYJgAACzvnptvVoYEL";
const MSG_MODEL = "claude-sonnet-4-20250514";
const msgUsage = { input_tokens: 21, cache_creation_input_tokens: 188, cache_read_input_tokens: 1024, output_tokens: 1, service_tier: "standard" };
const msgFacts = { id: MSG_ID, model: MSG_MODEL, finish: ["end_turn"], usage: { input: 21, output: 15, cache_read: 1024, cache_write: 188 } };

const ev = (type: string, fields: object) => data({ type, ...fields }, type);
const MSG_STREAM = [
  ev("message_start", { message: { id: MSG_ID, type: "message", role: "assistant", model: MSG_MODEL, content: [], stop_reason: null, stop_sequence: null, usage: msgUsage } }),
  ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
  ev("ping", {}),
  ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hello" } }),
  ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "!" } }),
  ev("content_block_stop", { index: 0 }),
  ev("message_delta", { delta: { stop_reason: "max_tokens", stop_sequence: null }, usage: { output_tokens: 9 } }),
  ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 15 } }),
  ev("message_stop", {}),
];

describe("messages", () => {
  it("reads a JSON answer, with cache reads and writes", () => {
    const body = { id: MSG_ID, type: "message", role: "assistant", model: MSG_MODEL, content: [{ type: "text", text: "Hi" }], stop_reason: "end_turn", stop_sequence: null, usage: { ...msgUsage, output_tokens: 15 } };
    expect(factsFromBody("messages", json(body))).toStrictEqual(msgFacts);
    expect(factsFromBody("messages", json({ ...body, stop_reason: null, usage: { input_tokens: 3 } }))).toStrictEqual({ id: MSG_ID, model: MSG_MODEL, usage: { input: 3 } });
  });

  it("reads message_start and the last (cumulative) message_delta, however grouped", () => {
    expect(observed("messages", MSG_STREAM)).toStrictEqual(msgFacts);
    expect(observed("messages", crlf(MSG_STREAM), 3)).toStrictEqual(msgFacts);
    expect(observed("messages", MSG_STREAM, MSG_STREAM.length)).toStrictEqual(msgFacts);
  });

  it("parses only message_start and message_delta", () => {
    const parse = vi.spyOn(JSON, "parse");
    observed("messages", MSG_STREAM);
    expect(parse).toHaveBeenCalledTimes(3);
  });

  it("keeps the start's counts when a delta has none, and ignores error events", () => {
    const events = [MSG_STREAM[0]!, ev("message_delta", { delta: { stop_reason: "end_turn" }, usage: null }), ev("error", { error: { type: "overloaded_error", message: "Overloaded" } })];
    expect(observed("messages", events)).toStrictEqual({ ...msgFacts, usage: { ...msgFacts.usage, output: 1 } });
  });
});

// ── asking chat streams for usage, and hiding it again ───────────────────────────

describe("requestStreamUsage", () => {
  const deepFreeze = <T extends object>(o: T): T => {
    for (const v of Object.values(o)) if (typeof v === "object" && v !== null) deepFreeze(v);
    return Object.freeze(o);
  };

  it("adds include_usage to a chat stream without mutating the input", () => {
    const req = deepFreeze({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] });
    const r = requestStreamUsage("chat", req);
    expect(r).toStrictEqual({ json: { ...req, stream_options: { include_usage: true } }, callerAsked: false });
    expect(req).not.toHaveProperty("stream_options");
  });

  it("keeps the caller's other stream options, and overrides include_usage false", () => {
    const req = deepFreeze({ model: "gpt-4o", stream: true, stream_options: { include_usage: false, include_obfuscation: false } });
    const r = requestStreamUsage("chat", req);
    expect(r.callerAsked).toBe(false);
    expect(r.json.stream_options).toStrictEqual({ include_usage: true, include_obfuscation: false });
    expect(req.stream_options.include_usage).toBe(false);
    expect(requestStreamUsage("chat", { stream: true, stream_options: null }).json.stream_options).toStrictEqual({ include_usage: true });
  });

  it("leaves the body as it is when the caller asked, when not streaming, for other operations, and when stream_options is malformed", () => {
    const cases: [Operation, Record<string, unknown>][] = [
      ["chat", { stream: true, stream_options: { include_usage: true } }],
      ["chat", { stream: false }],
      ["chat", {}],
      ["chat", { stream: "true" }],
      ["chat", { stream: true, stream_options: "yes" }],
      ["responses", { stream: true }],
      ["messages", { stream: true }],
      ["embeddings", { input: "x" }],
    ];
    for (const [op, body] of cases) {
      const r = requestStreamUsage(op, body);
      expect(r.json).toBe(body);
      expect(r.callerAsked).toBe(true);
    }
  });
});

describe("stripUsageChunk", () => {
  const strip = (s: string) => dec.decode(stripUsageChunk(enc.encode(s)));

  it("removes only the usage-only chunk, keeping every other byte (incl. [DONE]) as it was", () => {
    const all = CHAT_STREAM.join("");
    const without = [...CHAT_STREAM.slice(0, 5), CHAT_STREAM[6]!].join("");
    expect(strip(all)).toBe(without);
    expect(strip(CHAT_STREAM.slice(4).join(""))).toBe(CHAT_STREAM[4]! + CHAT_STREAM[6]!);
    expect(strip(CHAT_STREAM[5]!)).toBe("");
    expect(strip(crlf(CHAT_STREAM).join(""))).toBe(crlf([...CHAT_STREAM.slice(0, 5), CHAT_STREAM[6]!]).join(""));
  });

  it("keeps non-ASCII content, comments and stray blank lines byte for byte", () => {
    const chunk = `: ping\n\n\n${delta("naïve 日本 🙂")}${CHAT_STREAM[5]!}\r\n${data("[DONE]")}`;
    const out = stripUsageChunk(enc.encode(chunk));
    expect(out).toStrictEqual(enc.encode(`: ping\n\n\n${delta("naïve 日本 🙂")}\r\n${data("[DONE]")}`));
  });

  it("returns the very same array when there is nothing to remove", () => {
    const cases = [
      CHAT_STREAM.slice(0, 5).join(""), // "usage":null on every chunk
      data("[DONE]"),
      chatChunk([{ index: 0, delta: {}, finish_reason: "stop" }], { usage: chatUsage }), // usage on a chunk with choices
      chatChunk([], { usage: null }),
      'data: {"choices":[],"usage":\n\n', // garbage
      "",
    ];
    for (const c of cases) {
      const bytes = enc.encode(c);
      expect(stripUsageChunk(bytes)).toBe(bytes);
    }
  });
});
