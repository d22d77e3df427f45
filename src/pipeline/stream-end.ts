// Pass a stream through unchanged (pull by pull, so backpressure holds) and report
// once how it ended: read to the end, cancelled by the reader (client gone), or failed.
export type StreamOutcome = { kind: "complete"; bytes: number } | { kind: "cancelled"; bytes: number } | { kind: "error"; bytes: number; error: unknown };

export function onStreamEnd(src: ReadableStream<Uint8Array>, done: (o: StreamOutcome) => void): ReadableStream<Uint8Array> {
  const reader = src.getReader();
  let bytes = 0;
  let ended = false;
  const end = (o: StreamOutcome) => {
    if (ended) return;
    ended = true;
    done(o);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (error) {
          end({ kind: "error", bytes, error });
          controller.error(error);
          return;
        }
        if (r.done) {
          controller.close();
          end({ kind: "complete", bytes });
          return;
        }
        bytes += r.value.byteLength;
        controller.enqueue(r.value);
      },
      async cancel(reason) {
        end({ kind: "cancelled", bytes });
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
