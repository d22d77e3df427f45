// GET /v1/models and /v1/models/{id}: the models the caller may use, in the OpenAI
// list shape, or Anthropic's when the caller sends anthropic-version.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { identify } from "../../identity/identify.ts";
import type { Endpoint } from "../../config/providers.ts";
import type { TeamPolicy } from "../../policy/compile.ts";
import { modelAllowed, routeConstraints } from "../../policy/engine.ts";
import { excludedBy, listModels, servesModel } from "../../routing/select-endpoint.ts";
import type { AppEnv } from "../app-env.ts";

/** What the team may use: catalogue models its rules allow on endpoints its data may go to, and its aliases for them. */
function modelsFor(policy: TeamPolicy, endpoints: readonly Endpoint[]): { id: string; ownedBy: string }[] {
  const constraints = routeConstraints(policy);
  const models = listModels(endpoints, constraints).filter((m) => modelAllowed(policy, m.id));
  for (const [alias, target] of Object.entries(policy.aliases)) {
    const via = endpoints.find((e) => servesModel(e, target) && !excludedBy(e, constraints));
    if (via && modelAllowed(policy, alias) && !models.some((m) => m.id === alias)) models.push({ id: alias, ownedBy: via.kind });
  }
  return models;
}

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
    const bundle = deps.policies.current;
    const policy = bundle.teams.get(who.value.team);
    if (!policy) {
      const e = new CustosError("team_not_configured", `Team '${who.value.team}' has no policy file, so it may use no model; ask your security team to add teams/${who.value.team}.yaml.`);
      return { error: errorResponse(anthropic ? "anthropic" : "openai", e, c.get("requestId")) };
    }
    c.header("x-custos-policy-version", bundle.version);
    return { anthropic, models: modelsFor(policy, deps.config.providers.endpoints) };
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
