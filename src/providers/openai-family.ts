// OpenAI and the APIs shaped like it (OpenAI-compatible servers such as vLLM, TGI, Ollama;
// Mistral; Gemini's OpenAI endpoint; Azure OpenAI): one adapter, configured per kind by
// which operations the provider has, where each one is, and how the key is sent.
import { providerModelName, type Endpoint } from "../config/providers.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { ProviderAdapter } from "./adapter.ts";
import { providerBody } from "./provider-body.ts";
import type { Operation } from "./types.ts";

type OpenAiFamilyKind = "openai" | "openai-compatible" | "mistral" | "gemini" | "azure-openai";
type KindEndpoint<K extends OpenAiFamilyKind> = Extract<Endpoint, { kind: K }>;

interface FamilySpec<E extends KindEndpoint<OpenAiFamilyKind>> {
  /** The operations the provider serves, each with its URL. */
  urls: Partial<Record<Operation, (endpoint: E, ex: Exchange) => string>>;
  /** The provider's credential header, built from the endpoint's key (never the caller's). */
  auth: (apiKey: string) => Record<string, string>;
}

const bearer = (apiKey: string): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});
const under = (path: string) => (endpoint: { base_url: string }) => endpoint.base_url + path;

/** Azure addresses a deployment (the provider's model name) in the path, with the api-version in the query. */
const azureDeployment = (path: string) => (endpoint: KindEndpoint<"azure-openai">, ex: Exchange) =>
  `${endpoint.base_url}/openai/deployments/${encodeURIComponent(providerModelName(endpoint, ex.model))}${path}?api-version=${encodeURIComponent(endpoint.api_version)}`;

function openAiFamilyAdapter<E extends KindEndpoint<OpenAiFamilyKind>>(spec: FamilySpec<E>): ProviderAdapter<E> {
  const urls = spec.urls;
  return {
    operations: new Set(Object.keys(urls) as Operation[]),
    send(ex, endpoint, ctx) {
      const url = urls[ex.operation];
      // Routing only picks endpoints whose adapter serves the operation; this is the backstop.
      if (!url) return Promise.reject(new Error(`${endpoint.kind} endpoints do not serve the ${ex.operation} API`));
      return ctx.upstream.send({
        url: url(endpoint, ex),
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: ex.stream ? "text/event-stream" : "application/json",
          ...ctx.traceHeaders,
          ...spec.auth(endpoint.api_key),
        },
        body: providerBody(ex, endpoint),
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs,
      });
    },
  };
}

const openAi: FamilySpec<KindEndpoint<"openai" | "openai-compatible">> = {
  urls: { chat: under("/chat/completions"), responses: under("/responses"), embeddings: under("/embeddings") },
  auth: bearer,
};

export const openaiAdapter = openAiFamilyAdapter(openAi);

/** Mistral has no Responses API. */
export const mistralAdapter = openAiFamilyAdapter<KindEndpoint<"mistral">>({
  urls: { chat: under("/chat/completions"), embeddings: under("/embeddings") },
  auth: bearer,
});

/** Gemini's OpenAI-compatible surface (base_url …/v1beta/openai) has chat and embeddings, not Responses. */
export const geminiAdapter = openAiFamilyAdapter<KindEndpoint<"gemini">>({
  urls: { chat: under("/chat/completions"), embeddings: under("/embeddings") },
  auth: bearer,
});

/**
 * Azure OpenAI: deployment URLs and an `api-key` header. Responses is left out: Azure
 * serves it at /openai/responses only with a preview api-version (2025-03-01-preview or
 * later) or under /openai/v1/, not with the GA api_version chat and embeddings use, so an
 * endpoint configured for those would turn every Responses call into a provider error.
 */
export const azureOpenAiAdapter = openAiFamilyAdapter<KindEndpoint<"azure-openai">>({
  urls: { chat: azureDeployment("/chat/completions"), embeddings: azureDeployment("/embeddings") },
  auth: (apiKey): Record<string, string> => (apiKey ? { "api-key": apiKey } : {}),
});
