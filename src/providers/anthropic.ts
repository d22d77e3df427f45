// Anthropic's Messages API. The caller's anthropic-version / anthropic-beta choose the
// API behaviour and are passed on; its credential is Custos's and is not.
import type { Endpoint } from "../config/providers.ts";
import type { ProviderAdapter } from "./adapter.ts";
import { providerBody } from "./provider-body.ts";
import type { Operation } from "./types.ts";

type AnthropicEndpoint = Extract<Endpoint, { kind: "anthropic" }>;

export const anthropicAdapter: ProviderAdapter<AnthropicEndpoint> = {
  operations: new Set<Operation>(["messages"]),
  send(ex, endpoint, ctx) {
    const headers: Record<string, string> = {
      ...ctx.traceHeaders,
      "content-type": "application/json",
      accept: ex.stream ? "text/event-stream" : "application/json",
      "anthropic-version": ex.headers.get("anthropic-version") ?? endpoint.anthropic_version,
    };
    const beta = ex.headers.get("anthropic-beta");
    if (beta) headers["anthropic-beta"] = beta;
    if (endpoint.api_key) headers["x-api-key"] = endpoint.api_key;
    return ctx.upstream.send({
      url: `${endpoint.base_url}/v1/messages`,
      method: "POST",
      headers,
      body: providerBody(ex, endpoint),
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
  },
};
