// Pipeline stage: the request body must be a JSON object with a model (and, if
// given, a boolean stream flag); anything else is refused before it goes anywhere.
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Operation } from "../providers/types.ts";

export interface ParsedBody {
  json: Record<string, unknown>;
  model: string;
  stream: boolean;
}

const invalid = (message: string, param?: string) => err(new CustosError("invalid_request", message, param === undefined ? {} : { param }));

export function parseBody(operation: Operation, raw: Uint8Array): Result<ParsedBody, CustosError> {
  if (raw.byteLength === 0) return invalid("The request body is empty; send a JSON object.");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(raw));
  } catch (e) {
    const what = e instanceof TypeError ? "is not valid UTF-8" : "is not valid JSON";
    return invalid(`The request body ${what}.`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return invalid("The request body must be a JSON object.");
  const body = json as Record<string, unknown>;
  if (typeof body.model !== "string" || body.model.trim() === "") return invalid("'model' is required and must be a non-empty string.", "model");
  if (body.model.length > 256) return invalid("'model' is too long.", "model");
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") return invalid("'stream' must be true or false.", "stream");
  if (operation === "embeddings" && body.stream === true) return invalid("Embeddings cannot be streamed.", "stream");
  return ok({ json: body, model: body.model, stream: body.stream === true });
}
