// The answer stream as the caller receives it: passed on event by event (only whole
// server-sent events, so a provider that breaks off never leaves half an event
// behind), pull by pull so backpressure holds, and reported once when it ends. If the
// provider's stream fails, the caller gets an error event in its API's own shape
// instead of a silently truncated answer.
import { concatBytes } from "../bytes.ts";

export type StreamOutcome = { kind: "complete"; bytes: number } | { kind: "cancelled"; bytes: number } | { kind: "error"; bytes: number; error: unknown };

export interface StreamWatch {
  /** Sees each run of whole events before it goes out, and may replace it (an empty result sends nothing). */
  each?(events: Uint8Array): Uint8Array;
  /** What still goes out when the provider's stream has ended (text held back until then). */
  flush?(): Uint8Array;
  /** True once the stream must end here (what has gone out ended it): the provider's stream is cancelled. */
  stopped?(): boolean;
  done(o: StreamOutcome): void;
  /** The bytes of an error event to send when the provider's stream fails. */
  errorEvent(): Uint8Array;
}

/** Index just past the last blank line ("\n\n" or "\n\r\n") in b, or -1. */
export function lastEventEnd(b: Uint8Array): number {
  for (let i = b.length - 1; i > 0; i--) {
    if (b[i] !== 0x0a) continue;
    if (b[i - 1] === 0x0a) return i + 1;
    if (b[i - 1] === 0x0d && i > 1 && b[i - 2] === 0x0a) return i + 1;
  }
  return -1;
}


export function watchEventStream(src: ReadableStream<Uint8Array>, watch: StreamWatch): ReadableStream<Uint8Array> {
  const reader = src.getReader();
  let pending: Uint8Array = new Uint8Array(0);
  let bytes = 0;
  let ended = false;
  const end = (o: StreamOutcome) => {
    if (ended) return;
    ended = true;
    watch.done(o);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          let r: ReadableStreamReadResult<Uint8Array>;
          try {
            r = await reader.read();
          } catch (error) {
            end({ kind: "error", bytes, error });
            controller.enqueue(watch.errorEvent()); // the partial event in `pending` is dropped
            controller.close();
            return;
          }
          if (r.done) {
            if (pending.length > 0) controller.enqueue(watch.each ? watch.each(pending) : pending); // a last event without its blank line
            const rest = watch.flush?.();
            if (rest && rest.length > 0) controller.enqueue(rest);
            controller.close();
            end({ kind: "complete", bytes });
            return;
          }
          const buf = pending.length === 0 ? r.value : concatBytes([pending, r.value]);
          const cut = lastEventEnd(buf);
          if (cut < 0) {
            pending = buf;
            continue;
          }
          pending = cut === buf.length ? new Uint8Array(0) : buf.slice(cut);
          bytes += cut;
          const events = cut === buf.length ? buf : buf.subarray(0, cut);
          const out = watch.each ? watch.each(events) : events;
          if (out.length > 0) controller.enqueue(out);
          if (watch.stopped?.()) {
            controller.close();
            end({ kind: "complete", bytes });
            await reader.cancel().catch(() => {});
            return;
          }
          if (out.length === 0) continue;
          return;
        }
      },
      async cancel(reason) {
        end({ kind: "cancelled", bytes });
        await reader.cancel(reason).catch(() => {});
      },
    },
    // One event read ahead: the first one is on its way while the server writes the headers.
    { highWaterMark: 1 },
  );
}
