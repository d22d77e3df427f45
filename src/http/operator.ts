// Who acts through /api or the console, as rows and audit entries record them: the
// authenticated principal's pseudonym (never the subject or a credential), and the
// operator name a CLI passes along (--by, or the OS user) when it calls with the admin token.
import type { Deps } from "../deps.ts";
import type { Principal } from "../identity/principal.ts";
import type { ComplianceCtx, Operator } from "../compliance/context.ts";

export async function operatorOf(deps: Deps, p: Principal, by?: string): Promise<Operator> {
  const pseudonym = await deps.pseudonym(p.issuer, p.subject);
  const operator = by?.trim().slice(0, 100);
  const actor: Record<string, unknown> = { subject: pseudonym, iss: p.issuer, kind: p.kind, auth: { method: p.credential } };
  if (operator) actor.operator = operator;
  return { by: operator || `${p.issuerName}:${pseudonym}`, actor };
}

export const complianceCtx = (deps: Deps): ComplianceCtx => ({ storage: deps.storage, audit: deps.audit, now: () => deps.clock.now() });
