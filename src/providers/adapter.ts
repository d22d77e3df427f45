// A provider adapter: which operations an endpoint kind serves and how one call is
// sent there. Each kind is data (providers.yaml) plus one of these.
import type { Endpoint } from "../config/providers.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { Operation, UpstreamClient, UpstreamResponse } from "./types.ts";

export interface SendContext {
  upstream: UpstreamClient;
  /** Headers timeout for this call (endpoint override or server default). */
  timeoutMs: number;
  signal: AbortSignal;
  /** The attempt's W3C trace context (traceparent, tracestate) for the provider. */
  traceHeaders?: Record<string, string>;
}

export interface ProviderAdapter<E extends Endpoint = Endpoint> {
  readonly operations: ReadonlySet<Operation>;
  send(ex: Exchange, endpoint: E, ctx: SendContext): Promise<UpstreamResponse>;
}
