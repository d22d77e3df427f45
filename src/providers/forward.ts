// Pipeline stage: send the call to the chosen endpoint and classify what came back.
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import { adapterFor } from "./registry.ts";
import type { UpstreamResponse } from "./types.ts";
import { fromProviderStatus, fromUpstreamFailure } from "./upstream-errors.ts";

/** Provider error bodies are read for their message only up to this size. */
const ERROR_BODY_LIMIT = 64 * 1024;

export async function forward(ex: Exchange, deps: Pick<Deps, "upstream" | "config">): Promise<Result<UpstreamResponse, CustosError>> {
  const endpoint = ex.endpoint;
  if (!endpoint) return err(new CustosError("internal_error", "No endpoint was chosen.", { detail: "forward before route" }));
  // The request's own signal: it fires when the caller goes away, and when a shutdown
  // closes connections that outlived the grace period.
  const signal = ex.signal;
  let res: UpstreamResponse;
  try {
    res = await adapterFor(endpoint).send(ex, endpoint, {
      upstream: deps.upstream,
      timeoutMs: endpoint.timeout_ms ?? deps.config.server.upstream.headers_timeout_ms,
      signal,
    });
  } catch (e) {
    if (ex.signal.aborted) return err(new CustosError("client_closed_request", "The caller went away before the provider answered."));
    return err(fromUpstreamFailure(e, endpoint));
  }
  ex.upstreamStatus = res.status;
  if (res.status >= 200 && res.status < 300) return ok(res);
  let body: Uint8Array;
  try {
    body = (await res.bytes()).subarray(0, ERROR_BODY_LIMIT);
  } catch {
    body = new Uint8Array();
  }
  return err(fromProviderStatus(res.status, body, res.headers.get("retry-after"), endpoint));
}
