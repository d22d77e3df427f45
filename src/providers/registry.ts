// Endpoint kind → adapter. Adding a provider kind is a schema entry plus one line here.
import type { Endpoint, EndpointKind } from "../config/providers.ts";
import type { ProviderAdapter } from "./adapter.ts";
import { anthropicAdapter } from "./anthropic.ts";
import { echoAdapter } from "./echo.ts";
import { azureOpenAiAdapter, geminiAdapter, mistralAdapter, openaiAdapter } from "./openai-family.ts";

const ADAPTERS: { [K in EndpointKind]: ProviderAdapter<Extract<Endpoint, { kind: K }>> } = {
  openai: openaiAdapter,
  "openai-compatible": openaiAdapter,
  mistral: mistralAdapter,
  gemini: geminiAdapter,
  "azure-openai": azureOpenAiAdapter,
  anthropic: anthropicAdapter,
  echo: echoAdapter,
};

export const adapterFor = (endpoint: Endpoint): ProviderAdapter => ADAPTERS[endpoint.kind] as ProviderAdapter;
