// What the policy engine sees of a call: the API, the model, streaming, the sizes, and the
// output limit the caller asked for — read from the request body the way each API says it.
import { promptText } from "../providers/prompt-text.ts";
import type { Operation } from "../providers/types.ts";
import type { PolicyRequest } from "./engine.ts";

/** The body field each API names its output limit by. */
export const OUTPUT_LIMIT_FIELDS: Record<Operation, readonly string[]> = {
  chat: ["max_completion_tokens", "max_tokens"],
  responses: ["max_output_tokens"],
  messages: ["max_tokens"],
  embeddings: [],
};

export function policyRequestOf(operation: Operation, body: Record<string, unknown>, bodyBytes: number): PolicyRequest {
  const req: PolicyRequest = {
    operation,
    model: typeof body.model === "string" ? body.model : "",
    stream: body.stream === true,
    bodyBytes,
    inputChars: promptText(operation, body).length,
  };
  for (const f of OUTPUT_LIMIT_FIELDS[operation]) {
    const v = body[f];
    if (typeof v === "number" && Number.isSafeInteger(v)) {
      req.maxOutputTokens = v;
      break;
    }
  }
  return req;
}
