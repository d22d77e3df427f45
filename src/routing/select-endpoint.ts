// Which endpoint serves a call: the first in the catalogue that lists the model and
// speaks the operation. (The routing issue adds regions, priorities and fallbacks.)
import type { Endpoint } from "../config/providers.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { adapterFor } from "../providers/registry.ts";
import { OPERATION_ROUTES, type Operation } from "../providers/types.ts";

export const modelMatches = (pattern: string, model: string): boolean =>
  pattern.endsWith("*") ? model.startsWith(pattern.slice(0, -1)) : pattern === model;

export const servesModel = (e: Endpoint, model: string): boolean => e.models.some((p) => modelMatches(p, model));

export function selectEndpoint(endpoints: readonly Endpoint[], model: string, operation: Operation): Result<Endpoint, CustosError> {
  const serving = endpoints.filter((e) => servesModel(e, model));
  if (serving.length === 0) {
    return err(new CustosError("model_not_found", `The model '${model}' is not offered by this Custos deployment.`, { param: "model" }));
  }
  const match = serving.find((e) => adapterFor(e).operations.has(operation));
  if (!match) {
    return err(
      new CustosError("invalid_request", `The model '${model}' cannot be called through ${OPERATION_ROUTES[operation]}; its provider does not offer that API.`, {
        param: "model",
      }),
    );
  }
  return ok(match);
}

/** Every concrete (non-wildcard) model name in the catalogue, with the endpoint kind that serves it first. */
export function listModels(endpoints: readonly Endpoint[]): { id: string; ownedBy: string }[] {
  const seen = new Map<string, string>();
  for (const e of endpoints) for (const m of e.models) if (!m.endsWith("*") && !seen.has(m)) seen.set(m, e.kind);
  return [...seen].map(([id, ownedBy]) => ({ id, ownedBy }));
}
