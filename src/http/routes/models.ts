// GET /v1/models and /v1/models/{id}: the models the caller may use, in the OpenAI
// list shape, or Anthropic's when the caller sends anthropic-version.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { identify } from "../../identity/identify.ts";
import { listModels } from "../../routing/select-endpoint.ts";
import type { AppEnv } from "../app-env.ts";

export function modelRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const created = Math.floor(deps.clock.now() / 1000);

  const authorized = async (c: Context<AppEnv>) => {
    const anthropic = c.req.header("anthropic-version") !== undefined;
    const who = await identify(c.req.raw.headers, deps);
    if (!who.ok) {
      if (who.error.code === "authentication_failed") {
        deps.audit.authFailure({ source: deps.clientAddress(c.req.raw, c.env) ?? "unknown", reason: who.error.detail ?? "unknown", route: "/v1/models", at: deps.clock.now() });
      }
      return { error: errorResponse(anthropic ? "anthropic" : "openai", who.error, c.get("requestId")) };
    }
    return { anthropic, models: listModels(deps.config.providers.endpoints) };
  };

  const openaiModel = (m: { id: string; ownedBy: string }) => ({ id: m.id, object: "model", created, owned_by: m.ownedBy });
  const anthropicModel = (m: { id: string }) => ({ type: "model", id: m.id, display_name: m.id, created_at: new Date(created * 1000).toISOString() });

  app.get("/v1/models", async (c) => {
    const r = await authorized(c);
    if (r.error) return r.error;
    if (r.anthropic) {
      const data = r.models.map(anthropicModel);
      return c.json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }
    return c.json({ object: "list", data: r.models.map(openaiModel) });
  });

  app.get("/v1/models/:id{.+}", async (c) => {
    const r = await authorized(c);
    if (r.error) return r.error;
    const m = r.models.find((x) => x.id === c.req.param("id"));
    if (!m) {
      const e = new CustosError("model_not_found", "That model is not offered by this Custos deployment.", { param: "model" });
      return errorResponse(r.anthropic ? "anthropic" : "openai", e, c.get("requestId"));
    }
    return c.json(r.anthropic ? anthropicModel(m) : openaiModel(m));
  });
  return app;
}
