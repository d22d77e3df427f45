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
};

const remote = {
  base_url: baseUrl,
  /** The provider credential Custos injects; empty means none (local servers). */
  api_key: z.string().default(""),
};

export const EndpointSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("openai"), ...common, ...remote }).strict(),
  z.object({ kind: z.literal("openai-compatible"), ...common, ...remote }).strict(),
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
