import { describe, expect, it } from "vitest";
import { mapAnswerTexts, mapJsonText, mapRequestTexts } from "./body-texts.ts";

const up = (s: string) => s.replace(/secret/g, "[X]");

describe("mapRequestTexts: every place a prompt carries text", () => {
  it("OpenAI chat: string content, text parts, tool-call arguments and tool results; images untouched", () => {
    const body = {
      model: "m",
      messages: [
        { role: "system", content: "secret system" },
        { role: "user", content: [{ type: "text", text: "a secret" }, { type: "image_url", image_url: { url: "https://x/secret.png" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"q":"secret","n":1}' } }] },
        { role: "tool", tool_call_id: "c1", content: "result secret" },
      ],
    };
    const out = mapRequestTexts("chat", body, up) as typeof body;
    expect(out.messages[0]!.content).toBe("[X] system");
    expect(out.messages[1]!.content).toEqual([{ type: "text", text: "a [X]" }, { type: "image_url", image_url: { url: "https://x/secret.png" } }]);
    expect(JSON.parse(out.messages[2]!.tool_calls![0]!.function.arguments)).toEqual({ q: "[X]", n: 1 });
    expect(out.messages[3]!.content).toBe("result [X]");
    expect(body.messages[0]!.content).toBe("secret system"); // copy on write
  });

  it("returns the same object when nothing changes", () => {
    const body = { model: "m", messages: [{ role: "user", content: "plain" }] };
    expect(mapRequestTexts("chat", body, up)).toBe(body);
  });

  it("Anthropic: system (string and blocks), text, tool_use input and tool_result content", () => {
    const body = {
      system: [{ type: "text", text: "secret sys" }],
      messages: [
        { role: "user", content: "secret" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: { a: { b: ["secret"] } } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "secret out" }] }] },
      ],
    };
    const out = mapRequestTexts("messages", body, up);
    expect(JSON.stringify(out)).not.toContain("secret");
    expect(mapRequestTexts("messages", { system: "secret", messages: [] }, up)).toEqual({ system: "[X]", messages: [] });
  });

  it("Responses: instructions, string input, message items, function calls and outputs", () => {
    expect(mapRequestTexts("responses", { input: "secret", instructions: "secret" }, up)).toEqual({ input: "[X]", instructions: "[X]" });
    const body = {
      input: [
        { role: "user", content: [{ type: "input_text", text: "secret" }] },
        { type: "function_call", call_id: "c", name: "f", arguments: '{"x":"secret"}' },
        { type: "function_call_output", call_id: "c", output: "secret" },
      ],
    };
    expect(JSON.stringify(mapRequestTexts("responses", body, up))).not.toContain("secret");
  });

  it("Embeddings: a string or a list of strings; token arrays untouched", () => {
    expect(mapRequestTexts("embeddings", { input: "secret" }, up)).toEqual({ input: "[X]" });
    expect(mapRequestTexts("embeddings", { input: ["secret", "ok"] }, up)).toEqual({ input: ["[X]", "ok"] });
    expect(mapRequestTexts("embeddings", { input: [1, 2, 3] }, up)).toEqual({ input: [1, 2, 3] });
  });
});

describe("mapJsonText: tool-call arguments stay valid JSON", () => {
  const at = (s: string) => s.replace(/a@b\.c/g, "[EMAIL]");
  it("maps decoded strings, so escapes cannot hide a value, and re-encodes", () => {
    const out = mapJsonText('{"to":"a\\u0040b.c","quote":"say \\"a@b.c\\""}', at);
    expect(JSON.parse(out)).toEqual({ to: "[EMAIL]", quote: 'say "[EMAIL]"' });
  });

  it("a number whose digits are replaced becomes a string (it cannot stay a number)", () => {
    const out = mapJsonText('{"card":4111111111111111,"n":3}', (s) => s.replace("4111111111111111", "[CREDIT_CARD]"));
    expect(JSON.parse(out)).toEqual({ card: "[CREDIT_CARD]", n: 3 });
  });

  it("text that is not JSON (a fragment) is mapped as text; unchanged JSON keeps its bytes", () => {
    expect(mapJsonText('{"to":"a@b.c"', at)).toBe('{"to":"[EMAIL]"');
    expect(mapJsonText('{ "x" : 1 }', at)).toBe('{ "x" : 1 }');
  });
});

describe("mapAnswerTexts", () => {
  it("chat message content and tool calls; Anthropic content blocks; Responses output items", () => {
    const chat = { choices: [{ index: 0, message: { role: "assistant", content: "secret", tool_calls: [{ function: { name: "f", arguments: '{"a":"secret"}' } }] } }] };
    expect(JSON.stringify(mapAnswerTexts("chat", chat, up))).not.toContain("secret");
    const msg = { content: [{ type: "text", text: "secret" }, { type: "tool_use", input: { q: "secret" } }] };
    expect(JSON.stringify(mapAnswerTexts("messages", msg, up))).not.toContain("secret");
    const resp = { output: [{ type: "message", content: [{ type: "output_text", text: "secret" }] }, { type: "function_call", arguments: '{"q":"secret"}' }] };
    expect(JSON.stringify(mapAnswerTexts("responses", resp, up))).not.toContain("secret");
  });
});
