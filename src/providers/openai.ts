// OpenAI and every OpenAI-compatible server (vLLM, TGI, Ollama, LM Studio…): one
// adapter, configured by the endpoint's base URL and key.
import type { Endpoint } from "../config/providers.ts";
import type { ProviderAdapter } from "./adapter.ts";
import type { Operation } from "./types.ts";

type OpenAiEndpoint = Extract<Endpoint, { kind: "openai" | "openai-compatible" | "mistral" | "gemini" | "azure-openai" }>;

const PATHS: Partial<Record<Operation, string>> = {
  chat: "/chat/completions",
  responses: "/responses",
  embeddings: "/embeddings",
};

export const openaiAdapter: ProviderAdapter<OpenAiEndpoint> = {
  operations: new Set<Operation>(["chat", "responses", "embeddings"]),
  send(ex, endpoint, ctx) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: ex.stream ? "text/event-stream" : "application/json",
    };
    if (endpoint.api_key) headers.authorization = `Bearer ${endpoint.api_key}`;
    return ctx.upstream.send({
      url: endpoint.base_url + PATHS[ex.operation]!,
      method: "POST",
      headers,
      body: ex.body,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
  },
};
