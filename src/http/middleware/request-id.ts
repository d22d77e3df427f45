// Gives every request an id (never the caller's: ids key the audit log) and returns it
// in x-request-id on every response.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";

export function requestId(newId: () => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = newId();
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-request-id", id);
  };
}
