// Pipeline stage: who is calling, and for which team. A credential is a Custos API key
// (cst_…) or a JWT from a trusted issuer, sent as `Authorization: Bearer` or `x-api-key`.
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { looksLikeApiKey } from "./api-keys.ts";
import type { Identified, Principal } from "./principal.ts";

export type CredentialResult = { ok: true; credential: string } | { ok: false; error: CustosError };

const unauthenticated = (message: string, detail: string) => ({ ok: false as const, error: new CustosError("authentication_failed", message, { detail }) });

/** The caller's Custos credential, or why there is none usable. Never echoes it. */
export function credentialOf(headers: Headers, maxBytes: number): CredentialResult {
  const auth = headers.get("authorization");
  let credential: string | undefined;
  if (auth !== null) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (!m) return unauthenticated("The Authorization header must be 'Bearer <token>'.", "malformed authorization header");
    credential = m[1]!;
  } else {
    credential = headers.get("x-api-key")?.trim() || undefined;
  }
  if (!credential) {
    return unauthenticated("No credential: send 'Authorization: Bearer <token>' or 'x-api-key: <key>' (for development, `npx custos token --sub you --team demo` mints one).", "missing credential");
  }
  if (credential.length > maxBytes) return unauthenticated(`The credential is longer than this server accepts (${maxBytes} bytes).`, "oversized credential");
  return { ok: true, credential };
}

export async function authenticate(headers: Headers, deps: Pick<Deps, "verifier" | "apiKeys" | "config">): Promise<Result<Principal, CustosError>> {
  const c = credentialOf(headers, deps.config.identity.max_token_bytes);
  if (!c.ok) return err(c.error);
  return looksLikeApiKey(c.credential) ? deps.apiKeys.verify(c.credential) : deps.verifier.verify(c.credential);
}

/** The team this call is for: the x-custos-team header (one of the caller's own), or the caller's only team. */
export function chooseTeam(principal: Principal, headers: Headers): Result<string, CustosError> {
  const asked = headers.get("x-custos-team")?.trim();
  if (asked) {
    if (!principal.teams.includes(asked)) {
      return err(new CustosError("team_not_allowed", `The team named in x-custos-team is not one of your teams (you belong to: ${principal.teams.join(", ") || "none"}).`));
    }
    return ok(asked);
  }
  if (principal.teams.length === 1) return ok(principal.teams[0]!);
  if (principal.teams.length === 0) return err(new CustosError("team_required", "Your credential maps to no Custos team; ask for a group that grants one."));
  return err(new CustosError("team_required", `You belong to several teams (${principal.teams.join(", ")}); choose one with the x-custos-team header.`));
}

export async function identify(headers: Headers, deps: Pick<Deps, "verifier" | "apiKeys" | "config">): Promise<Result<Identified, CustosError>> {
  const principal = await authenticate(headers, deps);
  if (!principal.ok) return principal;
  const team = chooseTeam(principal.value, headers);
  if (!team.ok) return team;
  return ok({ principal: principal.value, team: team.value });
}
