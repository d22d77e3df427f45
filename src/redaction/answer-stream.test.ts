// The SSE rewriter per API: text deltas redacted with entities split across events, pseudonyms
// given back even when a placeholder is split across events, tool-call arguments redacted as
// JSON once complete, blocked types ending the stream with the API's error event.
import { describe, expect, it } from "vitest";
import { STAND_INS } from "../../test/helpers/pii-stand-ins.ts";
import { PII_TYPES, type PiiAction, type PiiType } from "../policy/schema.ts";
import type { Operation } from "../providers/types.ts";
import { answerStreamRewriter } from "./answer-stream.ts";
import { detector } from "./detect/detect.ts";
import { textRedactor } from "./text-redactor.ts";
import { vault, type Vault } from "./vault.ts";

const actions = (over: Partial<Record<PiiType, PiiAction>>) => Object.fromEntries(PII_TYPES.map((t) => [t, over[t] ?? "allow"])) as Record<PiiType, PiiAction>;

function rewrite(op: Operation, events: string[], over: Partial<Record<PiiType, PiiAction>>, v: Vault = vault()) {
  const rw = answerStreamRewriter(op, textRedactor(detector(STAND_INS), actions(over), v), v);
  let out = "";
  for (const e of events) out += rw.each(e);
  out += rw.end();
  return { out, blocked: rw.blocked };
}

const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (content: string | undefined, extra: Record<string, unknown> = {}) => data({ id: "c", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: null, ...extra }] });
const dataOf = (sse: string) =>
  sse
    .split("\n\n")
    .filter((b) => b.includes("data: ") && !b.includes("[DONE]"))
    .map((b) => JSON.parse(b.slice(b.indexOf("data: ") + 6)) as Record<string, unknown>);
const chatText = (sse: string) => dataOf(sse).map((c) => ((c.choices as { delta?: { content?: string } }[] | undefined)?.[0]?.delta?.content ?? "")).join("");

describe("OpenAI chat streams", () => {
  const pieces = ["Write to anna.sm", "ith@exam", "ple.org or call", " Anna Sch", "midt today."];

  it("redacts entities split across chunks; the text is the one-shot text; SSE stays valid", () => {
    const events = [data({ id: "c", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }), ...pieces.map((p) => chunk(p)), chunk(undefined, { finish_reason: "stop" }), "data: [DONE]\n\n"];
    const { out } = rewrite("chat", events, { EMAIL: "redact", PERSON: "redact" });
    expect(chatText(out)).toBe("Write to [EMAIL] or call [PERSON] today.");
    expect(out).not.toMatch(/anna|ith@|Sch/);
    expect(out.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const finish = dataOf(out).find((c) => (c.choices as { finish_reason: unknown }[])[0]?.finish_reason === "stop");
    expect(finish).toBeDefined();
    // The role chunk goes out at once (it is not held back).
    expect(dataOf(out)[0]).toMatchObject({ choices: [{ delta: { role: "assistant" } }] });
  });

  it("gives pseudonyms back, a placeholder split across events included", () => {
    const v = vault();
    v.placeholder("EMAIL", "anna@example.org");
    const events = [chunk("Sure, I wrote to <EM"), chunk("AIL_"), chunk("1> today"), chunk(undefined, { finish_reason: "stop" }), "data: [DONE]\n\n"];
    expect(chatText(rewrite("chat", events, {}, v).out)).toBe("Sure, I wrote to anna@example.org today");
  });

  it("holds tool-call arguments until the call is complete, then sends them redacted as valid JSON", () => {
    const tc = (args: string, head = false) => data({ id: "c", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...(head ? { id: "call_1", type: "function", function: { name: "send", arguments: args } } : { function: { arguments: args } }) }] }, finish_reason: null }] });
    const events = [tc('{"to":"anna.sm', true), tc("ith@example.org"), tc('","n":1}'), chunk(undefined, { finish_reason: "tool_calls" }), "data: [DONE]\n\n"];
    const { out } = rewrite("chat", events, { EMAIL: "redact" });
    const args = dataOf(out)
      .flatMap((c) => (c.choices as { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[])[0]?.delta?.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? "")
      .join("");
    expect(JSON.parse(args)).toEqual({ to: "[EMAIL]", n: 1 });
    expect(out).toContain('"name":"send"');
  });

  it("a blocked type ends the stream at that point with an error event the SDK raises; nothing of it goes out", () => {
    const events = [chunk("Your card is 4111 11"), chunk("11 1111 1111, thanks"), chunk(" more"), chunk(undefined, { finish_reason: "stop" }), "data: [DONE]\n\n"];
    const { out, blocked } = rewrite("chat", events, { CREDIT_CARD: "block" });
    expect(blocked).toEqual(["CREDIT_CARD"]);
    expect(out).not.toContain("4111");
    expect(out).not.toContain("[DONE]");
    expect(chatText(out)).toBe("Your card is ");
    expect(dataOf(out).at(-1)).toMatchObject({ error: { code: "pii_blocked" } });
  });
});

describe("Anthropic streams", () => {
  const ev = (name: string, o: unknown) => `event: ${name}\ndata: ${JSON.stringify(o)}\n\n`;
  const text = (t: string, index = 0) => ev("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: t } });
  const texts = (sse: string) =>
    sse
      .split("\n\n")
      .filter((b) => b.includes('"text_delta"'))
      .map((b) => (JSON.parse(b.slice(b.indexOf("data: ") + 6)) as { delta: { text: string } }).delta.text)
      .join("");

  it("redacts text deltas, flushes before content_block_stop, and redacts tool input JSON", () => {
    const events = [
      ev("message_start", { type: "message_start", message: { id: "m" } }),
      ev("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      text("Mail bob+x@ma"),
      text("il.co.uk now"),
      ev("content_block_stop", { type: "content_block_stop", index: 0 }),
      ev("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "t", name: "f", input: {} } }),
      ev("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"to": "bob+x@' } }),
      ev("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'mail.co.uk"}' } }),
      ev("content_block_stop", { type: "content_block_stop", index: 1 }),
      ev("message_stop", { type: "message_stop" }),
    ];
    const { out } = rewrite("messages", events, { EMAIL: "redact" });
    expect(texts(out)).toBe("Mail [EMAIL] now");
    expect(out).not.toContain("bob");
    const json = out
      .split("\n\n")
      .filter((b) => b.includes("input_json_delta"))
      .map((b) => (JSON.parse(b.slice(b.indexOf("data: ") + 6)) as { delta: { partial_json: string } }).delta.partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ to: "[EMAIL]" });
    expect(out.indexOf("[EMAIL] now") < out.indexOf('"index":0}')).toBe(true); // flushed before its stop
  });

  it("blocked: an error event Anthropic's SDK raises", () => {
    const { out, blocked } = rewrite("messages", [text("card 4111 1111 1111 1111 ok"), ev("message_stop", { type: "message_stop" })], { CREDIT_CARD: "block" });
    expect(blocked).toEqual(["CREDIT_CARD"]);
    expect(out).toContain("event: error");
    expect(out).not.toContain("4111");
    expect(out).not.toContain("message_stop");
  });
});

describe("Responses streams", () => {
  const ev = (o: Record<string, unknown>) => `event: ${String(o.type)}\ndata: ${JSON.stringify(o)}\n\n`;
  it("deltas, the done events and the completed response all carry the redacted text", () => {
    const events = [
      ev({ type: "response.output_text.delta", item_id: "i", output_index: 0, content_index: 0, delta: "Hi Anna Sch" }),
      ev({ type: "response.output_text.delta", item_id: "i", output_index: 0, content_index: 0, delta: "midt, ok" }),
      ev({ type: "response.output_text.done", item_id: "i", output_index: 0, content_index: 0, text: "Hi Anna Schmidt, ok" }),
      ev({ type: "response.content_part.done", item_id: "i", output_index: 0, content_index: 0, part: { type: "output_text", text: "Hi Anna Schmidt, ok" } }),
      ev({ type: "response.output_item.done", output_index: 0, item: { type: "message", content: [{ type: "output_text", text: "Hi Anna Schmidt, ok" }] } }),
      ev({ type: "response.completed", response: { output: [{ type: "message", content: [{ type: "output_text", text: "Hi Anna Schmidt, ok" }] }] } }),
    ];
    const { out } = rewrite("responses", events, { PERSON: "redact" });
    expect(out).not.toContain("Schmidt");
    const deltas = out
      .split("\n\n")
      .filter((b) => b.includes("output_text.delta"))
      .map((b) => (JSON.parse(b.slice(b.indexOf("data: ") + 6)) as { delta: string }).delta)
      .join("");
    expect(deltas).toBe("Hi [PERSON], ok");
    expect(out.match(/Hi \[PERSON\], ok/g)!.length).toBe(4); // done, part done, item done, completed
  });
});
