// What the audit log records about a provider's answer: token usage, finish reasons, the
// provider's response id and the model that answered, from a JSON body or from a stream of
// server-sent events. Everything returned is ready for the audit entry encoder (R1): integers
// only, and absent facts are absent keys, never null or undefined.
//
// Streams are on the hot path, so an event is only JSON-parsed when a substring check says it
// may carry something we record; an ordinary text delta costs one decode and a few indexOf.
import { concatBytes } from "../bytes.ts";
import type { Operation } from "../providers/types.ts";

export interface Usage {
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write?: number;
  reasoning?: number;
}

export interface AnswerFacts {
  id?: string;
  model?: string;
  finish?: string[];
  usage?: Usage;
}

type Json = Record<string, unknown>;

const utf8 = new TextDecoder(); // not fatal: a bad byte must not cost us the rest of the facts
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const count = (v: unknown): number | undefined => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined);

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined; // garbage, `[DONE]`, nesting too deep: nothing to record
  }
}

// Where each API keeps each count, as a path inside its usage object.
const USAGE: Record<Operation, Partial<Record<keyof Usage, readonly string[]>>> = {
  chat: {
    input: ["prompt_tokens"],
    output: ["completion_tokens"],
    cache_read: ["prompt_tokens_details", "cached_tokens"],
    reasoning: ["completion_tokens_details", "reasoning_tokens"],
  },
  responses: {
    input: ["input_tokens"],
    output: ["output_tokens"],
    cache_read: ["input_tokens_details", "cached_tokens"],
    reasoning: ["output_tokens_details", "reasoning_tokens"],
  },
  embeddings: { input: ["prompt_tokens"] },
  // Anthropic's input_tokens excludes cached tokens (OpenAI's prompt_tokens includes them).
  messages: {
    input: ["input_tokens"],
    output: ["output_tokens"],
    cache_read: ["cache_read_input_tokens"],
    cache_write: ["cache_creation_input_tokens"],
  },
};

/** Facts gathered so far; later values win (stream usage counts are cumulative). */
class Collector {
  id?: string;
  model?: string;
  readonly usage: Usage = {};
  /** Finish reason per choice index (one entry, index 0, for the single-answer APIs). */
  readonly finish = new Map<number, string>();

  constructor(readonly operation: Operation) {}

  identity(j: Json): void {
    // First non-empty wins: Azure's first chat chunk has id "" and model "".
    this.id ??= text(j.id);
    this.model ??= text(j.model);
  }

  addUsage(u: unknown): void {
    if (!isObject(u)) return;
    for (const [field, path] of Object.entries(USAGE[this.operation]) as [keyof Usage, readonly string[]][]) {
      let v: unknown = u;
      for (const key of path) v = isObject(v) ? v[key] : undefined;
      const n = count(v);
      if (n !== undefined) this.usage[field] = n;
    }
  }

  setFinish(index: number, reason: unknown): void {
    const r = text(reason);
    if (r !== undefined) this.finish.set(index, r);
  }

  facts(): AnswerFacts {
    const out: AnswerFacts = {};
    if (this.id !== undefined) out.id = this.id;
    if (this.model !== undefined) out.model = this.model;
    if (this.finish.size > 0) out.finish = [...this.finish.keys()].sort((a, b) => a - b).map((i) => this.finish.get(i)!);
    if (Object.keys(this.usage).length > 0) out.usage = { ...this.usage };
    return out;
  }
}

// ── each API's answer object (a whole body, or the part of an event that carries it) ──

function takeChat(c: Collector, j: Json): void {
  c.identity(j);
  if (Array.isArray(j.choices)) {
    j.choices.forEach((choice: unknown, position) => {
      // Stream chunks carry one choice at a time, so its own index says which.
      if (isObject(choice)) c.setFinish(count(choice.index) ?? position, choice.finish_reason);
    });
  }
  c.addUsage(j.usage);
}

function takeResponse(c: Collector, r: Json, final: boolean): void {
  c.identity(r);
  if (!final) return; // response.created says "in_progress" and has no usage yet
  const reason = isObject(r.incomplete_details) ? text(r.incomplete_details.reason) : undefined;
  c.setFinish(0, reason ?? r.status);
  c.addUsage(r.usage);
}

function takeMessage(c: Collector, m: Json): void {
  c.identity(m);
  c.setFinish(0, m.stop_reason);
  c.addUsage(m.usage);
}

/** From a complete JSON answer body (bytes). Never throws; {} when unparseable. */
export function factsFromBody(operation: Operation, body: Uint8Array): AnswerFacts {
  const j = parse(utf8.decode(body));
  if (!isObject(j)) return {};
  const c = new Collector(operation);
  if (operation === "chat") takeChat(c, j);
  else if (operation === "responses") takeResponse(c, j, true);
  else if (operation === "messages") takeMessage(c, j);
  else {
    c.model = text(j.model); // embeddings have no id and no finish reason
    c.addUsage(j.usage);
  }
  return c.facts();
}

// ── streams ──────────────────────────────────────────────────────────────────────

// What makes an event worth parsing, per API. Chat chunks carry `"finish_reason":null` on
// every delta, and `"usage":null` too once usage is asked for, so only a non-null value counts
// (spaces allowed: some OpenAI-compatible servers pretty-print). Regular expressions rather
// than indexOf/includes: on Node 20 a miss costs ~35-60 ns on a 300-byte chunk against
// ~100-170 ns per indexOf or includes, which each set up a search of their own.
const CHAT_WORTH = /"(?:finish_reason|usage)"\s*:\s*[^\sn]/;
const USAGE_WORTH = /"usage"\s*:\s*[^\sn]/;
const RESPONSES_WORTH = /"response\.(?:created|completed|incomplete|failed)"/;
const MESSAGES_WORTH = /"message_(?:start|delta)"/;

/** Calls back with the data of each event in s (lines end in \r\n, \n or \r; data lines join with \n). */
function eachData(s: string, fn: (data: string) => void): void {
  let data: string | undefined;
  for (const line of s.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (data !== undefined) fn(data);
      data = undefined;
    } else if (line.startsWith("data:") || line === "data") {
      const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
    } // event:, id:, retry: and comments carry nothing we record (the type is in the data too)
  }
  if (data !== undefined) fn(data); // a last event without its blank line, as a stream's end may have
}

const RESPONSE_FINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** Per operation: may this text hold a recordable event (cheap), and what to take from a parsed one. */
interface StreamReader {
  wants(s: string): boolean;
  take(j: Json): void;
}

function reader(operation: Operation, c: Collector): StreamReader {
  switch (operation) {
    case "chat": {
      // id and model are on every chunk: read them from the first few, then only look at
      // chunks with a finish reason or usage (bounded, for servers that never send a model).
      let heads = 0;
      const needHead = () => (c.id === undefined || c.model === undefined) && heads < 3;
      return {
        wants: (s) => needHead() || CHAT_WORTH.test(s),
        take: (j) => {
          heads++;
          takeChat(c, j);
        },
      };
    }
    case "responses":
      return {
        wants: (s) => RESPONSES_WORTH.test(s),
        take: (j) => {
          if (isObject(j.response) && typeof j.type === "string") takeResponse(c, j.response, RESPONSE_FINAL.has(j.type));
        },
      };
    case "messages":
      return {
        wants: (s) => MESSAGES_WORTH.test(s),
        take: (j) => {
          if (j.type === "message_start" && isObject(j.message)) takeMessage(c, j.message);
          // message_delta's usage is cumulative, so the last one is the answer's total.
          else if (j.type === "message_delta") takeMessage(c, { stop_reason: isObject(j.delta) ? j.delta.stop_reason : undefined, usage: j.usage });
        },
      };
    default:
      return { wants: () => false, take: () => {} }; // embeddings do not stream
  }
}

/** Observes a stream one whole SSE event (bytes of one or more complete events, each ending with a blank line) at a time. */
export interface StreamFacts {
  observe(events: Uint8Array): void;
  facts(): AnswerFacts;
}

export function streamFacts(operation: Operation): StreamFacts {
  const c = new Collector(operation);
  const r = reader(operation, c);
  return {
    observe(events) {
      const s = utf8.decode(events);
      if (!r.wants(s)) return; // the common case: a delta with nothing to record
      eachData(s, (data) => {
        if (!r.wants(data)) return; // other events sharing the chunk
        const j = parse(data);
        if (isObject(j)) r.take(j);
      });
    },
    facts: () => c.facts(),
  };
}

// ── asking OpenAI chat streams for usage ─────────────────────────────────────────

/**
 * OpenAI chat streams only report usage when asked: returns the body to forward with
 * stream_options.include_usage = true, and whether the caller had asked itself. Only for
 * operation chat with stream true; other cases return {json unchanged, callerAsked: true}.
 * Does not mutate the input.
 */
export function requestStreamUsage(operation: Operation, json: Record<string, unknown>): { json: Record<string, unknown>; callerAsked: boolean } {
  if (operation !== "chat" || json.stream !== true) return { json, callerAsked: true };
  const options = json.stream_options;
  if (isObject(options) && options.include_usage === true) return { json, callerAsked: true };
  // A malformed stream_options (a string, an array) is left for the provider to reject, so
  // the caller sees the provider's own error rather than one we made by repairing it.
  if (options !== undefined && options !== null && !isObject(options)) return { json, callerAsked: true };
  return { json: { ...json, stream_options: { ...(isObject(options) ? options : {}), include_usage: true } }, callerAsked: false };
}

/** Whether one event's data is the usage-only chunk: `"choices":[]` with a usage object. */
function isUsageChunk(segment: string): boolean {
  if (!USAGE_WORTH.test(segment)) return false; // the other events sharing the bytes
  let found = false;
  eachData(segment, (data) => {
    const j = parse(data);
    found ||= isObject(j) && Array.isArray(j.choices) && j.choices.length === 0 && isObject(j.usage);
  });
  return found;
}

/**
 * For a chat stream where the caller did not ask for usage: removes the usage-only chunk from
 * the bytes of whole events, returning the bytes to pass on (the same Uint8Array when nothing
 * was removed). Everything else, including `data: [DONE]`, passes through byte for byte.
 */
export function stripUsageChunk(events: Uint8Array): Uint8Array {
  if (!USAGE_WORTH.test(utf8.decode(events))) return events;
  // Cut the bytes into events (each through its blank line) so whatever is kept is the
  // original bytes; every blank line ends a segment, so stray blank lines are kept as they are.
  const kept: Uint8Array[] = [];
  let removed = false;
  let segment = 0;
  let line = 0;
  for (let i = 0; i < events.length; i++) {
    const b = events[i];
    if (b !== 0x0a && b !== 0x0d) continue;
    const end = b === 0x0d && events[i + 1] === 0x0a ? i + 2 : i + 1;
    if (i === line) {
      const part = events.subarray(segment, end);
      if (isUsageChunk(utf8.decode(part))) removed = true;
      else kept.push(part);
      segment = end;
    }
    line = end;
    i = end - 1;
  }
  if (!removed) return events;
  if (segment < events.length) kept.push(events.subarray(segment));
  return concatBytes(kept);
}
