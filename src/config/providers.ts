// The provider catalogue (policies/providers.yaml): which endpoints exist, where they
// are, which models they serve. The caller never chooses an upstream URL; only this file does.
import { z } from "zod";

const id = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "lower-case letters, digits, '-', '_' or '.'");

const baseUrl = z
  .string()
  .refine((s) => URL.canParse(s), "a URL such as https://api.openai.com/v1")
  .refine((s) => /^https?:$/.test(new URL(s).protocol), "must be http:// or https://")
  .refine((s) => new URL(s).username === "" && new URL(s).password === "", "must not contain credentials; use api_key")
  .transform((s) => s.replace(/\/+$/, ""));

const common = {
  id,
  /** A region name as the provider spells it (eu-west-1, westeurope, us-east-1…). */
  region: z.string().min(1).default("unspecified"),
  jurisdiction: z.string().min(2).optional(),
  /** Model names this endpoint serves; a trailing `*` matches a prefix (`gpt-4o*`). */
  models: z.array(z.string().min(1)).min(1),
  /** Overrides server.yaml's upstream.headers_timeout_ms for this endpoint. */
  timeout_ms: z.number().int().min(1).max(3_600_000).optional(),
  /**
   * The provider's own name for a catalogue model, where it differs (an Azure deployment,
   * a vLLM served-model name): `{ gpt-4o: gpt4o-eu-prod }`. Callers always use the catalogue name.
   */
  model_names: z.record(z.string().min(1), z.string().min(1).max(200)).default({}),
  /** Lower goes first: candidates are tried by priority, then by weight among equals. */
  priority: z.number().int().min(0).max(1000).default(100),
  /** Share of calls among endpoints of the same priority. */
  weight: z.number().int().min(1).max(1000).default(1),
  /** Labels policies can route by (`self_hosted`, `zero_retention`…). */
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "lower-case letters, digits, '-', '_' or '.'")).default([]),
};

const remote = {
  base_url: baseUrl,
  /** The provider credential Custos injects; empty means none (local servers). */
  api_key: z.string().default(""),
};

export const EndpointSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("openai"), ...common, ...remote }).strict(),
  z.object({ kind: z.literal("openai-compatible"), ...common, ...remote }).strict(),
  z.object({ kind: z.literal("mistral"), ...common, ...remote }).strict(),
  /** Gemini's OpenAI-compatible endpoint (…/v1beta/openai). */
  z.object({ kind: z.literal("gemini"), ...common, ...remote }).strict(),
  /** base_url is the resource (https://NAME.openai.azure.com); model_names gives each model's deployment. */
  z.object({ kind: z.literal("azure-openai"), ...common, ...remote, api_version: z.string().regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, "an api-version such as 2024-10-21").default("2024-10-21") }).strict(),
  z.object({ kind: z.literal("anthropic"), ...common, ...remote, anthropic_version: z.string().default("2023-06-01") }).strict(),
  z.object({ kind: z.literal("echo"), ...common, region: z.string().min(1).default("local") }).strict(),
]);

export const ProvidersFileSchema = z
  .object({ endpoints: z.array(EndpointSchema).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.endpoints.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: "custom", path: ["endpoints", i, "id"], message: `duplicate endpoint id '${e.id}'` });
      seen.add(e.id);
    });
  });

export type Endpoint = z.output<typeof EndpointSchema>;
export type EndpointKind = Endpoint["kind"];
export type ProvidersFile = z.output<typeof ProvidersFileSchema>;

/** The name the endpoint's provider knows a catalogue model by. */
export const providerModelName = (e: Endpoint, model: string): string => e.model_names[model] ?? model;
