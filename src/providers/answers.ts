// Builders for each API's answer, JSON and server-sent events, from one neutral
// description. The in-process echo provider and the test/bench fake provider use them;
// the official SDKs parsing their output is what checks them.

export type AnswerPart =
  | { type: "text"; text: string }
  | { type: "tool_call"; id: string; name: string; arguments: string };

export interface Answer {
  id: string;
  model: string;
  created: number;
  parts: AnswerPart[];
  inputTokens: number;
  outputTokens: number;
}

/** Split text into stream pieces (a word and its trailing space each), joining back to the same text. */
export const pieces = (text: string): string[] => text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);

/** Cut a string into n roughly equal pieces (for streamed tool-call arguments). */
function slices(s: string, n: number): string[] {
  if (s.length === 0) return [""];
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

export const sse = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;

/** A rough token count (≈ 4 characters a token), for answers that have no tokenizer. */
export const roughTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

const textOf = (a: Answer) => a.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
const toolCalls = (a: Answer) => a.parts.filter((p): p is Extract<AnswerPart, { type: "tool_call" }> => p.type === "tool_call");

// ── OpenAI chat completions ──────────────────────────────────────────────────────

function chatUsage(a: Answer) {
  return { prompt_tokens: a.inputTokens, completion_tokens: a.outputTokens, total_tokens: a.inputTokens + a.outputTokens };
}

export function chatCompletionJson(a: Answer) {
  const calls = toolCalls(a);
  return {
    id: a.id,
    object: "chat.completion",
    created: a.created,
    model: a.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: textOf(a) || (calls.length > 0 ? null : ""),
          refusal: null,
          ...(calls.length > 0
            ? { tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: calls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage: chatUsage(a),
  };
}

export function chatCompletionEvents(a: Answer, includeUsage: boolean): string[] {
  const base = { id: a.id, object: "chat.completion.chunk", created: a.created, model: a.model };
  const chunk = (delta: object, finish: string | null = null) =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const out = [chunk({ role: "assistant", content: "" })];
  for (const w of pieces(textOf(a))) out.push(chunk({ content: w }));
  toolCalls(a).forEach((c, index) => {
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
    for (const s of slices(c.arguments, 3)) out.push(chunk({ tool_calls: [{ index, function: { arguments: s } }] }));
  });
  out.push(chunk({}, toolCalls(a).length > 0 ? "tool_calls" : "stop"));
  if (includeUsage) out.push(sse({ ...base, choices: [], usage: chatUsage(a) }));
  out.push(sse("[DONE]"));
  return out;
}

// ── OpenAI responses ─────────────────────────────────────────────────────────────

function responseOutput(a: Answer) {
  const out: object[] = [];
  const text = textOf(a);
  if (text) {
    out.push({
      type: "message",
      id: `msg_${a.id}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
    });
  }
  for (const c of toolCalls(a)) {
    out.push({ type: "function_call", id: `fc_${c.id}`, call_id: c.id, name: c.name, arguments: c.arguments, status: "completed" });
  }
  return out;
}

export function responsesJson(a: Answer, status: "completed" | "in_progress" = "completed") {
  return {
    id: a.id,
    object: "response",
    created_at: a.created,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model: a.model,
    output: status === "completed" ? responseOutput(a) : [],
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
    usage:
      status === "completed"
        ? {
            input_tokens: a.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: a.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: a.inputTokens + a.outputTokens,
          }
        : null,
  };
}

export function responsesEvents(a: Answer): string[] {
  let seq = 0;
  const ev = (type: string, fields: object) => sse({ type, sequence_number: seq++, ...fields }, type);
  const out = [ev("response.created", { response: responsesJson(a, "in_progress") }), ev("response.in_progress", { response: responsesJson(a, "in_progress") })];
  responseOutput(a).forEach((item, output_index) => {
    const it = item as { type: string; id: string; content?: { text: string }[]; arguments?: string };
    if (it.type === "message") {
      const text = it.content?.[0]?.text ?? "";
      out.push(ev("response.output_item.added", { output_index, item: { ...it, status: "in_progress", content: [] } }));
      const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
      out.push(ev("response.content_part.added", { item_id: it.id, output_index, content_index: 0, part }));
      for (const w of pieces(text)) out.push(ev("response.output_text.delta", { item_id: it.id, output_index, content_index: 0, delta: w, logprobs: [] }));
      out.push(ev("response.output_text.done", { item_id: it.id, output_index, content_index: 0, text, logprobs: [] }));
      out.push(ev("response.content_part.done", { item_id: it.id, output_index, content_index: 0, part: { ...part, text } }));
    } else {
      out.push(ev("response.output_item.added", { output_index, item: { ...it, arguments: "", status: "in_progress" } }));
      for (const s of slices(it.arguments ?? "", 3)) out.push(ev("response.function_call_arguments.delta", { item_id: it.id, output_index, delta: s }));
      out.push(ev("response.function_call_arguments.done", { item_id: it.id, output_index, arguments: it.arguments }));
    }
    out.push(ev("response.output_item.done", { output_index, item }));
  });
  out.push(ev("response.completed", { response: responsesJson(a) }));
  return out;
}

// ── Anthropic messages ───────────────────────────────────────────────────────────

export function messagesJson(a: Answer) {
  const content: object[] = [];
  const text = textOf(a);
  if (text) content.push({ type: "text", text });
  for (const c of toolCalls(a)) content.push({ type: "tool_use", id: c.id, name: c.name, input: JSON.parse(c.arguments || "{}") });
  return {
    id: a.id,
    type: "message",
    role: "assistant",
    model: a.model,
    content,
    stop_reason: toolCalls(a).length > 0 ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: a.inputTokens, output_tokens: a.outputTokens },
  };
}

export function messagesEvents(a: Answer): string[] {
  const ev = (type: string, fields: object) => sse({ type, ...fields }, type);
  const start = { ...messagesJson(a), content: [], stop_reason: null, usage: { input_tokens: a.inputTokens, output_tokens: 1 } };
  const out = [ev("message_start", { message: start }), ev("ping", {})];
  let index = 0;
  const text = textOf(a);
  if (text) {
    out.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const w of pieces(text)) out.push(ev("content_block_delta", { index, delta: { type: "text_delta", text: w } }));
    out.push(ev("content_block_stop", { index }));
    index++;
  }
  for (const c of toolCalls(a)) {
    out.push(ev("content_block_start", { index, content_block: { type: "tool_use", id: c.id, name: c.name, input: {} } }));
    for (const s of slices(c.arguments, 3)) out.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: s } }));
    out.push(ev("content_block_stop", { index }));
    index++;
  }
  out.push(ev("message_delta", { delta: { stop_reason: toolCalls(a).length > 0 ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: a.outputTokens } }));
  out.push(ev("message_stop", {}));
  return out;
}

// ── OpenAI embeddings ────────────────────────────────────────────────────────────

/** A deterministic unit-ish vector from the text, so equal inputs embed equally. */
export function pseudoEmbedding(text: string, dims: number): Float32Array {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    v[i] = (h / 4294967295) * 2 - 1;
  }
  return v;
}

function base64OfFloats(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function embeddingsJson(model: string, inputs: string[], format: "float" | "base64", dims: number) {
  return {
    object: "list",
    data: inputs.map((text, index) => {
      const v = pseudoEmbedding(text, dims);
      return { object: "embedding", index, embedding: format === "base64" ? base64OfFloats(v) : Array.from(v) };
    }),
    model,
    usage: { prompt_tokens: inputs.reduce((n, t) => n + roughTokens(t), 0), total_tokens: inputs.reduce((n, t) => n + roughTokens(t), 0) },
  };
}

// ── by operation ─────────────────────────────────────────────────────────────────

export type AnsweringOperation = "chat" | "responses" | "messages";

/** The JSON answer of a chat, responses or messages call. */
export function answerJson(op: AnsweringOperation, a: Answer): object {
  return op === "chat" ? chatCompletionJson(a) : op === "responses" ? responsesJson(a) : messagesJson(a);
}

/** The SSE events of a streamed chat, responses or messages call. */
export function answerEvents(op: AnsweringOperation, a: Answer, includeUsage: boolean): string[] {
  return op === "chat" ? chatCompletionEvents(a, includeUsage) : op === "responses" ? responsesEvents(a) : messagesEvents(a);
}
