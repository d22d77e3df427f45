// An answer stream rewritten event by event: text deltas go through the hold-back redactor
// and then get the request's pseudonyms back; what is held comes out in an event of the same
// kind before the one that ends its part (finish, content_block_stop, output_text.done) or
// before the stream ends. Tool-call arguments are JSON in fragments: they are kept until the
// call is complete, then redacted as JSON and sent as one fragment. A blocked type ends the
// stream at the offending point with the API's own in-stream error; nothing of the entity
// goes out. Events are parsed only while rewriting is needed at all.
import { CustosError } from "../errors/errors.ts";
import type { PiiType } from "../policy/schema.ts";
import { streamErrorEvent } from "../providers/stream-errors.ts";
import type { Operation } from "../providers/types.ts";
import { mapJsonText } from "./body-texts.ts";
import { streamText, type StreamText } from "./stream-text.ts";
import { redactWhole, type TextRedactor } from "./text-redactor.ts";
import { pendingPlaceholder, type Vault } from "./vault.ts";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export interface AnswerStreamRewriter {
  /** A run of whole SSE events in, what the caller gets out. */
  each(events: string): string;
  /** The end of the stream: anything still held. */
  end(): string;
  /** Set once a blocked type ended the stream. */
  readonly blocked: PiiType[] | undefined;
}

interface SseEvent {
  event?: string;
  data: string;
}

function parseEvents(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === "") continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
    out.push(event === undefined ? { data: data.join("\n") } : { event, data: data.join("\n") });
  }
  return out;
}

const serialize = (e: SseEvent) => `${e.event !== undefined ? `event: ${e.event}\n` : ""}data: ${e.data}\n\n`;

/** Redact, then restore the request's pseudonyms, holding back a placeholder still arriving. */
class TextPipe {
  private readonly redact: StreamText;
  private pending = "";
  /** Everything emitted so far (the .done events repeat it). */
  emitted = "";
  constructor(
    r: TextRedactor,
    private readonly vault: Vault,
  ) {
    this.redact = streamText(r);
  }
  push(piece: string): { text: string; blocked?: PiiType[] } {
    const a = this.redact.push(piece);
    return this.restore(a.text, false, a.blocked);
  }
  end(): { text: string; blocked?: PiiType[] } {
    const a = this.redact.end();
    return this.restore(a.text, true, a.blocked);
  }
  private restore(text: string, final: boolean, blocked: PiiType[] | undefined): { text: string; blocked?: PiiType[] } {
    let s = this.pending + text;
    this.pending = "";
    if (!final && !blocked) {
      const k = pendingPlaceholder(s);
      if (k >= 0) {
        this.pending = s.slice(k);
        s = s.slice(0, k);
      }
    }
    const out = this.vault.restore(s);
    this.emitted += out;
    return blocked ? { text: out, blocked } : { text: out };
  }
}

export function answerStreamRewriter(op: Operation, r: TextRedactor, vault: Vault): AnswerStreamRewriter {
  const pipes = new Map<string, TextPipe>();
  const pipe = (key: string) => {
    let p = pipes.get(key);
    if (!p) pipes.set(key, (p = new TextPipe(r, vault)));
    return p;
  };
  const args = new Map<string, string>();
  let blocked: PiiType[] | undefined;
  const redactArgs = (a: string) => mapJsonText(a, (s) => vault.restore(redactWhole(r, s).text));
  const blockError = (types: PiiType[]) => {
    blocked = types;
    return streamErrorEvent(op, new CustosError("pii_blocked", `The answer contains personal data the policy blocks (${types.join(", ")}); it was stopped there.`));
  };
  const rewrite = op === "messages" ? anthropicEvent : op === "responses" ? responsesEvent : chatEvent;
  let last: Json | undefined; // the latest chat chunk: the envelope for held text at the end

  function chatEvent(e: SseEvent, out: string[]): void {
    if (e.data.trim() === "[DONE]") {
      flushChat(out);
      if (!blocked) out.push(serialize(e));
      return;
    }
    const c = parse(e.data);
    if (!c || !Array.isArray(c.choices)) return void out.push(serialize(e));
    last = c;
    let keep = c.choices.length === 0; // usage-only chunks go out as they are
    for (const ch of c.choices as Json[]) {
      const i = String(ch.index ?? 0);
      const d = isObject(ch.delta) ? ch.delta : undefined;
      if (d && typeof d.content === "string" && d.content !== "") {
        const o = pipe(i).push(d.content);
        d.content = o.text;
        if (o.blocked) {
          if (o.text) out.push(serialize({ data: JSON.stringify({ ...c, choices: [{ index: ch.index ?? 0, delta: { content: o.text }, finish_reason: null }] }) }));
          out.push(blockError(o.blocked));
          return;
        }
      }
      if (d && Array.isArray(d.tool_calls)) {
        for (const tc of d.tool_calls as Json[]) {
          const fn = isObject(tc.function) ? tc.function : undefined;
          if (fn && typeof fn.arguments === "string") {
            const k = `${i}:${String(tc.index ?? 0)}`;
            args.set(k, (args.get(k) ?? "") + fn.arguments);
            fn.arguments = "";
          }
        }
      }
      if (ch.finish_reason != null) {
        const held = heldChat(i);
        if (held === "blocked") return void out.push(blockError(blocked!));
        if (held) out.push(serialize({ data: JSON.stringify({ ...c, choices: [{ index: ch.index ?? 0, delta: held, finish_reason: null }], usage: undefined }) }));
      }
      if (!d || ch.finish_reason != null || d.role !== undefined || (typeof d.content === "string" && d.content !== "") || (Array.isArray(d.tool_calls) && (d.tool_calls as Json[]).some((t) => t.id !== undefined || (isObject(t.function) && t.function.name !== undefined)))) keep = true;
    }
    if (keep || c.usage != null) out.push(serialize({ data: JSON.stringify(c) }));
  }

  /** What one choice still holds, as a delta (text and complete tool-call arguments), or "blocked". */
  function heldChat(i: string): Json | "blocked" | undefined {
    const delta: Json = {};
    const p = pipes.get(i);
    if (p) {
      pipes.delete(i);
      const o = p.end();
      if (o.blocked) {
        blocked = o.blocked;
        return "blocked";
      }
      if (o.text) delta.content = o.text;
    }
    const calls: Json[] = [];
    for (const [k, a] of args) {
      if (!k.startsWith(`${i}:`)) continue;
      args.delete(k);
      calls.push({ index: Number(k.slice(i.length + 1)), function: { arguments: redactArgs(a) } });
    }
    if (calls.length > 0) delta.tool_calls = calls;
    return Object.keys(delta).length > 0 ? delta : undefined;
  }

  function flushChat(out: string[]): void {
    if (blocked || !last) return;
    const ids = new Set([...pipes.keys(), ...[...args.keys()].map((k) => k.slice(0, k.indexOf(":")))]);
    for (const i of ids) {
      const held = heldChat(i);
      if (held === "blocked") return void out.push(blockError(blocked!));
      if (held) out.push(serialize({ data: JSON.stringify({ ...last, choices: [{ index: Number(i), delta: held, finish_reason: null }], usage: undefined }) }));
    }
  }

  function anthropicEvent(e: SseEvent, out: string[]): void {
    const ev = parse(e.data);
    if (!ev) return void out.push(serialize(e));
    const i = String(ev.index ?? 0);
    if (ev.type === "content_block_delta" && isObject(ev.delta)) {
      const d = ev.delta;
      if (d.type === "text_delta" && typeof d.text === "string") {
        const o = pipe(i).push(d.text);
        if (o.text) out.push(serialize({ event: e.event ?? "content_block_delta", data: JSON.stringify({ ...ev, delta: { ...d, text: o.text } }) }));
        if (o.blocked) out.push(blockError(o.blocked));
        return;
      }
      if (d.type === "input_json_delta" && typeof d.partial_json === "string") {
        args.set(i, (args.get(i) ?? "") + d.partial_json);
        return;
      }
    }
    if (ev.type === "content_block_stop") {
      if (flushBlock(i, out)) return;
    } else if (ev.type === "message_delta" || ev.type === "message_stop") {
      // A block the provider never closed still gets what it holds, before the message ends.
      for (const k of new Set([...pipes.keys(), ...args.keys()])) if (flushBlock(k, out)) return;
    }
    out.push(serialize(e));
  }

  /** What one content block still holds, as deltas of its kind; true when that ended the stream. */
  function flushBlock(i: string, out: string[]): boolean {
    const index = Number(i);
    const p = pipes.get(i);
    if (p) {
      pipes.delete(i);
      const o = p.end();
      if (o.text) out.push(serialize({ event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index, delta: { type: "text_delta", text: o.text } }) }));
      if (o.blocked) {
        out.push(blockError(o.blocked));
        return true;
      }
    }
    const a = args.get(i);
    if (a !== undefined) {
      args.delete(i);
      out.push(serialize({ event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: redactArgs(a) } }) }));
    }
    return false;
  }

  const textKey = (ev: Json) => `${String(ev.output_index ?? 0)}:${String(ev.content_index ?? 0)}`;
  /** Final texts of the parts streamed, for the events that repeat them. */
  const finalTexts = new Map<string, string>();
  const finalArgs = new Map<string, string>();

  function responsesEvent(e: SseEvent, out: string[]): void {
    const ev = parse(e.data);
    if (!ev) return void out.push(serialize(e));
    const type = ev.type;
    if (type === "response.output_text.delta" && typeof ev.delta === "string") {
      const o = pipe(textKey(ev)).push(ev.delta);
      if (o.text) out.push(serialize({ event: e.event, data: JSON.stringify({ ...ev, delta: o.text }) }));
      if (o.blocked) out.push(blockError(o.blocked));
      return;
    }
    if (type === "response.output_text.done") {
      const k = textKey(ev);
      const p = pipe(k);
      pipes.delete(k);
      const o = p.end();
      if (o.text) out.push(serialize({ event: "response.output_text.delta", data: JSON.stringify({ type: "response.output_text.delta", item_id: ev.item_id, output_index: ev.output_index, content_index: ev.content_index, delta: o.text }) }));
      if (o.blocked) return void out.push(blockError(o.blocked));
      finalTexts.set(k, p.emitted);
      return void out.push(serialize({ event: e.event, data: JSON.stringify({ ...ev, text: p.emitted }) }));
    }
    if (type === "response.function_call_arguments.delta" && typeof ev.delta === "string") {
      const k = String(ev.output_index ?? 0);
      args.set(k, (args.get(k) ?? "") + ev.delta);
      return;
    }
    if (type === "response.function_call_arguments.done" && typeof ev.arguments === "string") {
      const k = String(ev.output_index ?? 0);
      args.delete(k);
      const a = redactArgs(ev.arguments);
      finalArgs.set(k, a);
      out.push(serialize({ event: "response.function_call_arguments.delta", data: JSON.stringify({ type: "response.function_call_arguments.delta", item_id: ev.item_id, output_index: ev.output_index, delta: a }) }));
      return void out.push(serialize({ event: e.event, data: JSON.stringify({ ...ev, arguments: a }) }));
    }
    if (type === "response.content_part.done" && isObject(ev.part) && typeof ev.part.text === "string") {
      const t = finalTexts.get(textKey(ev));
      if (t !== undefined) ev.part = { ...ev.part, text: t };
      return void out.push(serialize({ event: e.event, data: JSON.stringify(ev) }));
    }
    if (type === "response.output_item.done" && isObject(ev.item)) {
      ev.item = finalItem(ev.item, String(ev.output_index ?? 0));
      return void out.push(serialize({ event: e.event, data: JSON.stringify(ev) }));
    }
    if ((type === "response.completed" || type === "response.incomplete" || type === "response.failed") && isObject(ev.response) && Array.isArray(ev.response.output)) {
      ev.response = { ...ev.response, output: (ev.response.output as unknown[]).map((item, n) => (isObject(item) ? finalItem(item, String(n)) : item)) };
      return void out.push(serialize({ event: e.event, data: JSON.stringify(ev) }));
    }
    out.push(serialize(e));
  }

  /** An output item as the caller saw it streamed (its texts and arguments redacted). */
  function finalItem(item: Json, outputIndex: string): Json {
    if (item.type === "function_call" && typeof item.arguments === "string") return { ...item, arguments: finalArgs.get(outputIndex) ?? redactArgs(item.arguments) };
    if (!Array.isArray(item.content)) return item;
    return {
      ...item,
      content: (item.content as unknown[]).map((part, c) => {
        if (!isObject(part) || typeof part.text !== "string") return part;
        const t = finalTexts.get(`${outputIndex}:${c}`);
        return { ...part, text: t ?? vault.restore(redactWhole(r, part.text).text) };
      }),
    };
  }

  return {
    get blocked() {
      return blocked;
    },
    each(text) {
      if (blocked) return "";
      const out: string[] = [];
      for (const e of parseEvents(text)) {
        rewrite(e, out);
        if (blocked) break;
      }
      return out.join("");
    },
    end() {
      if (blocked) return "";
      const out: string[] = [];
      if (op === "chat") flushChat(out);
      return out.join("");
    },
  };
}

function parse(data: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
