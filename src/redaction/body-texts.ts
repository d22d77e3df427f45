// Every place text travels in a request or a JSON answer, per API, mapped through one function
// (copy on write: an object without text to change is returned as it is). Tool-call arguments
// are JSON inside a string: their string values are mapped decoded and re-encoded, so the
// arguments stay valid JSON whatever the escapes (\u0040, \"). A number there that the
// function changes (a card number written as a number) becomes a string: its digits cannot
// stay a number once replaced, and a valid JSON string is better than refusing the call.
import type { Operation } from "../providers/types.ts";

export type MapText = (text: string) => string;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Maps `o[key]` when it is a string; returns o itself when nothing changed. */
function mapField<T extends Json>(o: T, key: string, f: (v: unknown) => unknown): T {
  if (!(key in o)) return o;
  const v = o[key];
  const m = f(v);
  return m === v ? o : { ...o, [key]: m };
}

const str = (f: MapText) => (v: unknown) => (typeof v === "string" ? f(v) : v);

function mapArray(v: unknown, f: (item: unknown) => unknown): unknown {
  if (!Array.isArray(v)) return v;
  let changed = false;
  const out = v.map((item) => {
    const m = f(item);
    if (m !== item) changed = true;
    return m;
  });
  return changed ? out : v;
}

/** Every string in a JSON value (keys stay), numbers whose text the function changes become strings. */
export function mapJsonValue(v: unknown, f: MapText): unknown {
  if (typeof v === "string") return f(v);
  if (typeof v === "number") {
    const s = String(v);
    const m = f(s);
    return m === s ? v : m;
  }
  if (Array.isArray(v)) return mapArray(v, (x) => mapJsonValue(x, f));
  if (isObject(v)) {
    let out: Json = v;
    for (const k of Object.keys(v)) out = mapField(out, k, (x) => mapJsonValue(x, f));
    return out;
  }
  return v;
}

/** Tool-call arguments (a JSON text): mapped value by value; text that is not JSON is mapped as text. */
export function mapJsonText(text: string, f: MapText): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return f(text);
  }
  const m = mapJsonValue(parsed, f);
  return m === parsed ? text : JSON.stringify(m);
}

/** Text in a content field: a string, or an array of parts with text (OpenAI text/input_text/output_text, Anthropic text/tool_result). */
function mapContent(v: unknown, f: MapText): unknown {
  if (typeof v === "string") return f(v);
  return mapArray(v, (part) => {
    if (!isObject(part)) return typeof part === "string" ? f(part) : part;
    let p = mapField(part, "text", str(f));
    if (p.type === "tool_result") p = mapField(p, "content", (c) => mapContent(c, f));
    if (p.type === "tool_use") p = mapField(p, "input", (i) => mapJsonValue(i, f));
    if (p.type === "refusal") p = mapField(p, "refusal", str(f));
    return p;
  });
}

function mapToolCalls(v: unknown, f: MapText): unknown {
  return mapArray(v, (tc) => (isObject(tc) && isObject(tc.function) ? mapField(tc, "function", (fn) => mapField(fn as Json, "arguments", (a) => (typeof a === "string" ? mapJsonText(a, f) : a))) : tc));
}

/** OpenAI chat messages and Anthropic messages: content, tool calls, tool results. */
function mapMessages(v: unknown, f: MapText): unknown {
  return mapArray(v, (m) => {
    if (!isObject(m)) return m;
    let out = mapField(m, "content", (c) => mapContent(c, f));
    out = mapField(out, "tool_calls", (t) => mapToolCalls(t, f));
    out = mapField(out, "refusal", str(f));
    return out;
  });
}

/** Responses API input items (messages, function calls and their outputs) and output items alike. */
function mapItems(v: unknown, f: MapText): unknown {
  if (typeof v === "string") return f(v);
  return mapArray(v, (item) => {
    if (!isObject(item)) return item;
    let out = mapField(item, "content", (c) => mapContent(c, f));
    if (item.type === "function_call") out = mapField(out, "arguments", (a) => (typeof a === "string" ? mapJsonText(a, f) : a));
    if (item.type === "function_call_output") out = mapField(out, "output", (o) => (typeof o === "string" ? f(o) : mapContent(o, f)));
    return out;
  });
}

/** The request body with every text the provider would read mapped. */
export function mapRequestTexts(op: Operation, body: Json, f: MapText): Json {
  switch (op) {
    case "chat":
      return mapField(body, "messages", (m) => mapMessages(m, f));
    case "messages":
      return mapField(
        mapField(body, "system", (s) => mapContent(s, f)),
        "messages",
        (m) => mapMessages(m, f),
      );
    case "responses":
      return mapField(
        mapField(body, "instructions", str(f)),
        "input",
        (i) => mapItems(i, f),
      );
    case "embeddings":
      return mapField(body, "input", (i) => (typeof i === "string" ? f(i) : mapArray(i, str(f))));
  }
}

/** A JSON answer with every text the caller will read mapped. */
export function mapAnswerTexts(op: Operation, body: Json, f: MapText): Json {
  switch (op) {
    case "chat":
      return mapField(body, "choices", (cs) => mapArray(cs, (c) => (isObject(c) ? mapField(c, "message", (m) => (isObject(m) ? ((mapMessages([m], f) as Json[])[0] ?? m) : m)) : c)));
    case "messages":
      return mapField(body, "content", (c) => mapContent(c, f));
    case "responses":
      return mapField(body, "output", (o) => mapItems(o, f));
    case "embeddings":
      return body;
  }
}
