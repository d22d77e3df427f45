// The proxied API routes: read the body (within the size limit), build the exchange,
// run the pipeline.
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse, shapeForPath } from "../../errors/to-response.ts";
import type { Exchange } from "../../pipeline/exchange.ts";
import { runPipeline } from "../../pipeline/pipeline.ts";
import { recordExchange } from "../../pipeline/record.ts";
import { OPERATION_ROUTES, type Bytes, type Operation } from "../../providers/types.ts";
import type { AppEnv } from "../app-env.ts";
import { readBodyLimited } from "../read-body.ts";

export function proxyRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxSize = deps.config.server.limits.max_body_bytes;

  for (const [operation, route] of Object.entries(OPERATION_ROUTES) as [Operation, string][]) {
    const newExchange = (id: string, req: Request, platform: unknown, body: Bytes): Exchange => ({
      id,
      operation,
      route,
      receivedAt: deps.clock.now(),
      start: deps.clock.monotonic(),
      headers: req.headers,
      source: deps.clientAddress(req, platform) ?? "unknown",
      signal: req.signal,
      body,
      json: {},
      model: "",
      stream: false,
      policy: deps.policies.current,
      timings: {},
    });

    app.post(route, async (c) => {
      c.set("requestId", deps.newId());
      const read = await readBodyLimited(c.req.raw, maxSize);
      if (!read.ok) {
        const e = new CustosError("request_too_large", `The request body is larger than this server accepts (${maxSize} bytes).`);
        recordExchange(newExchange(c.get("requestId"), c.req.raw, c.env, new Uint8Array()), deps, { status: e.status, error: e });
        return errorResponse(shapeForPath(route), e, c.get("requestId"));
      }
      return runPipeline(newExchange(c.get("requestId"), c.req.raw, c.env, read.body), deps);
    });
  }
  return app;
}
