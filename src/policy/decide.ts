// Pipeline stage: may this call happen? The walking skeleton allows every call to a
// model in the catalogue and records which configuration version said so; the policy
// issue replaces this with per-team policy files.
import type { Deps } from "../deps.ts";
import type { CustosError } from "../errors/errors.ts";
import { ok, type Result } from "../errors/result.ts";
import type { Decision, Exchange } from "../pipeline/exchange.ts";

export const DEFAULT_ALLOW_RULE = "catalogue.allow";

export function decide(_ex: Exchange, deps: Pick<Deps, "config">): Result<Decision, CustosError> {
  return ok({ allowed: true, policyVersion: deps.config.version, rules: [DEFAULT_ALLOW_RULE] });
}
