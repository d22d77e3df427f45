// An /api request's JSON body, validated: the value, or the problem response (400
// invalid_request naming the field at fault) to return as it is.
import type { Context } from "hono";
import type { z } from "zod";
import { CustosError } from "../errors/errors.ts";
import { errorResponse } from "../errors/to-response.ts";

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, shape: string, requestId: string): Promise<{ ok: true; value: z.output<S> } | { ok: false; response: Response }> {
  const problem = (e: CustosError) => ({ ok: false as const, response: errorResponse("problem", e, requestId) });
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return problem(new CustosError("invalid_request", `The body must be JSON: ${shape}.`));
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.join(".");
    return problem(new CustosError("invalid_request", `${at || "body"}: ${issue.message}`, { param: at }));
  }
  return { ok: true, value: parsed.data };
}
