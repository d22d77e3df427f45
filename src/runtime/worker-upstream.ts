// The Workers upstream client: the runtime's fetch, with the two timeouts server.yaml
// sets (until the headers arrive; longest silence inside the body) and the failure
// classes core code maps to Custos errors.
import type { ServerSettings } from "../config/server.ts";
import { UpstreamFailure, type Bytes, type UpstreamClient, type UpstreamResponse } from "../providers/types.ts";

/** What went wrong below HTTP, judged by which signal fired first and what fetch threw. */
export function classify(e: unknown, caller: AbortSignal): UpstreamFailure {
  if (e instanceof UpstreamFailure) return e;
  const name = (e as { name?: string } | null)?.name ?? "";
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (caller.aborted || name === "AbortError") return new UpstreamFailure("aborted", message, { cause: e });
  // fetch rejects with a TypeError when no connection can be made (refused, DNS, reset).
  if (e instanceof TypeError || /network|connect|dns/i.test(message)) return new UpstreamFailure("unreachable", message, { cause: e });
  return new UpstreamFailure("protocol", message, { cause: e });
}

/** The body, pull by pull; errors when a read waits longer than idleMs; cancelling it cancels the body. */
function idleGuard(body: ReadableStream<Uint8Array>, idleMs: number, caller: AbortSignal): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new UpstreamFailure("timeout", `the provider sent nothing for ${idleMs} ms`)), idleMs);
        });
        try {
          const r = await Promise.race([reader.read(), idle]);
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        } catch (e) {
          const failure = classify(e, caller);
          controller.error(failure);
          reader.cancel(failure).catch(() => {});
        } finally {
          if (timer !== undefined) clearTimeout(timer);
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

export function fetchUpstream(settings: ServerSettings["upstream"]): UpstreamClient {
  return {
    async send(req): Promise<UpstreamResponse> {
      const headersTimeout = new AbortController();
      const timer = setTimeout(
        () => headersTimeout.abort(new UpstreamFailure("timeout", `no response headers within ${req.timeoutMs} ms`)),
        req.timeoutMs,
      );
      let res: Response;
      try {
        res = await fetch(req.url, {
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body }),
          signal: AbortSignal.any([req.signal, headersTimeout.signal]),
          // A provider has no business redirecting a credentialed call; a 3xx is an upstream error.
          redirect: "manual",
        });
      } catch (e) {
        throw headersTimeout.signal.aborted && !req.signal.aborted ? classify(headersTimeout.signal.reason, req.signal) : classify(e, req.signal);
      } finally {
        clearTimeout(timer);
      }
      const body = () => (res.body ? idleGuard(res.body, settings.idle_timeout_ms, req.signal) : new ReadableStream<Uint8Array>({ start: (c) => c.close() }));
      return {
        status: res.status,
        headers: res.headers,
        stream: body,
        async bytes(): Promise<Bytes> {
          const reader = body().getReader();
          const chunks: Uint8Array[] = [];
          let size = 0;
          try {
            for (let r = await reader.read(); !r.done; r = await reader.read()) {
              chunks.push(r.value);
              size += r.value.byteLength;
            }
          } catch (e) {
            throw classify(e, req.signal);
          }
          const out = new Uint8Array(size);
          let at = 0;
          for (const c of chunks) {
            out.set(c, at);
            at += c.byteLength;
          }
          return out;
        },
        discard() {
          res.body?.cancel().catch(() => {});
        },
      };
    },
  };
}
