// Pipeline stage: may this call happen, and on what terms? The team's policy (baseline and
// team file, from the bundle the call arrived under) decides; an allowed call carries its
// obligations, and the body is changed here for the two that concern it: an alias becomes
// the model it names, and an output limit above the policy's is lowered to it.
import type { ServerSettings } from "../config/server.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { setBody, type Decision, type Exchange } from "../pipeline/exchange.ts";
import type { TeamPolicy } from "./compile.ts";
import { auditObligations, decidePolicy } from "./engine.ts";
import { OUTPUT_LIMIT_FIELDS, policyRequestOf } from "./request.ts";
import { CONTENT_LEVELS, type ContentLevel } from "./schema.ts";

export function decide(ex: Exchange): Result<Decision, CustosError> {
  const policy = ex.teamPolicy;
  if (!policy) {
    ex.decision = { allowed: false, rules: [], shadow: [] };
    return err(new CustosError("team_not_configured", `Team '${ex.team ?? ""}' has no policy file, so its calls are refused; ask your security team to add teams/${ex.team ?? ""}.yaml.`));
  }
  const d = decidePolicy(policy, policyRequestOf(ex.operation, ex.json, ex.body.length));
  const shadow = d.shadow.map((s) => ({ rule: s.rule, code: s.code }));
  if (!d.allowed) {
    ex.decision = { allowed: false, rules: d.rules, deniedBy: d.denial.rule, shadow };
    return err(new CustosError(d.denial.code, d.denial.message));
  }
  const decision: Decision = { allowed: true, rules: d.rules, shadow, obligations: d.obligations };
  ex.decision = decision;
  const clamp = d.obligations.clampOutputTokens;
  if (d.model !== ex.model || clamp) {
    const json: Record<string, unknown> = { ...ex.json, model: d.model };
    if (clamp) json[OUTPUT_LIMIT_FIELDS[ex.operation].find((f) => f in json) ?? CLAMP_FIELD[ex.operation]] = clamp.limit;
    ex.model = d.model;
    setBody(ex, json);
  }
  return ok(decision);
}

/** Where a limit goes when the caller set none (chat: the current field; o-series models refuse max_tokens). */
const CLAMP_FIELD = { chat: "max_completion_tokens", responses: "max_output_tokens", messages: "max_tokens", embeddings: "" } as const;

export interface AuditLevel {
  content: ContentLevel;
  onFailure: "fail_closed" | "fail_open";
  retention?: string;
}

/**
 * How this call is recorded: server.yaml's audit settings are the floor, and a team's audit
 * rules may only raise them (a higher content level; fail_closed). Known before the body is
 * read, since audit rules do not depend on the request.
 */
export function auditLevel(policy: TeamPolicy | undefined, server: ServerSettings["audit"]): AuditLevel {
  const a = policy ? auditObligations(policy) : {};
  const content = a.content && CONTENT_LEVELS.indexOf(a.content) > CONTENT_LEVELS.indexOf(server.content) ? a.content : server.content;
  const onFailure = a.onFailure === "fail_closed" ? "fail_closed" : server.on_failure;
  return { content, onFailure, ...(a.retention ? { retention: a.retention } : {}) };
}
