// Liveness (the process answers) and readiness (storage answers too).
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { AppEnv } from "../app-env.ts";

const READY_TIMEOUT_MS = 2000;

export function healthRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        deps.storage.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("storage ping timed out")), READY_TIMEOUT_MS))),
      ]);
      return c.json({ status: "ready", storage: deps.storage.kind });
    } catch (e) {
      deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "readiness check failed");
      return errorResponse("problem", new CustosError("unavailable", "Storage is not answering."), c.get("requestId"));
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  });
  return app;
}
