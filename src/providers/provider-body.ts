// The body an adapter sends upstream: the caller's (already redacted) bytes, or, when the
// endpoint knows the model by another name (model_names), a copy carrying that name.
import { providerModelName, type Endpoint } from "../config/providers.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { Bytes } from "./types.ts";

const encoder = new TextEncoder();

/**
 * Re-encodes only when the provider's name differs, so the common path forwards the
 * exchange's bytes untouched. ex.json is kept in step with ex.body by setBody, so the copy
 * carries every earlier stage's changes; ex.model and ex.json themselves are left as the
 * caller named the model (the record and the answer keep the catalogue name).
 */
export function providerBody(ex: Exchange, endpoint: Endpoint): Bytes {
  const name = providerModelName(endpoint, ex.model);
  if (name === ex.json.model) return ex.body;
  return encoder.encode(JSON.stringify({ ...ex.json, model: name })) as Bytes;
}
