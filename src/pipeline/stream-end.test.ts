import { describe, expect, it } from "vitest";
import { lastEventEnd, watchEventStream, type StreamOutcome } from "./stream-end.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function source(chunks: string[], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (failAfter !== undefined && i === failAfter) return c.error(new Error("socket closed"));
      if (i >= chunks.length) return c.close();
      c.enqueue(enc.encode(chunks[i++]));
    },
  });
}

async function drain(s: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) out.push(dec.decode(c));
  return out;
}

describe("lastEventEnd", () => {
  it("finds the end of the last complete event", () => {
    expect(lastEventEnd(enc.encode("data: a\n\ndata: b"))).toBe(9);
    expect(lastEventEnd(enc.encode("data: a\r\n\r\n"))).toBe(11);
    expect(lastEventEnd(enc.encode("data: a\n"))).toBe(-1);
  });
});

describe("watchEventStream", () => {
  it("passes whole events on, joining events split across chunks, and reports completion", async () => {
    const outcomes: StreamOutcome[] = [];
    const out = await drain(watchEventStream(source(["data: 1\n\nda", "ta: 2\n", "\ndata: 3\n\n"]), { done: (o) => outcomes.push(o), errorEvent: () => enc.encode("X") }));
    expect(out).toEqual(["data: 1\n\n", "data: 2\n\ndata: 3\n\n"]);
    expect(outcomes).toEqual([{ kind: "complete", bytes: 27 }]);
  });

  it("on a provider failure drops the partial event, sends the error event, and reports the error once", async () => {
    const outcomes: StreamOutcome[] = [];
    const out = await drain(watchEventStream(source(["data: 1\n\ndata: {\"par", "tial"], 2), { done: (o) => outcomes.push(o), errorEvent: () => enc.encode("data: ERR\n\n") }));
    expect(out.join("")).toBe("data: 1\n\ndata: ERR\n\n");
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.kind).toBe("error");
  });

  it("reports a reader's cancel as cancelled and cancels the source", async () => {
    let sourceCancelled = false;
    const src = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(enc.encode("data: x\n\n")),
      cancel: () => {
        sourceCancelled = true;
      },
    });
    const outcomes: StreamOutcome[] = [];
    const reader = watchEventStream(src, { done: (o) => outcomes.push(o), errorEvent: () => enc.encode("") }).getReader();
    await reader.read();
    await reader.cancel("client gone");
    expect(sourceCancelled).toBe(true);
    expect(outcomes.map((o) => o.kind)).toEqual(["cancelled"]);
  });
});
