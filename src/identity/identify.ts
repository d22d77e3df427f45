// Pipeline stage: who is calling, and for which team.
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Identified } from "./principal.ts";

/** The caller's Custos credential: `Authorization: Bearer …` (OpenAI SDK, Anthropic SDK 1.x) or `x-api-key` (older Anthropic clients). */
export function credentialOf(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m?.[1];
  }
  return headers.get("x-api-key")?.trim() || undefined;
}

export async function identify(headers: Headers, deps: Pick<Deps, "verifier">): Promise<Result<Identified, CustosError>> {
  const token = credentialOf(headers);
  if (!token) {
    const malformed = headers.has("authorization");
    return err(
      new CustosError(
        "authentication_failed",
        malformed
          ? "The Authorization header must be 'Bearer <token>'."
          : "No credential: send 'Authorization: Bearer <token>' (for development, `npx custos token --sub you --team demo` mints one).",
      ),
    );
  }
  const verified = await deps.verifier.verify(token);
  if (!verified.ok) return verified;
  const principal = verified.value;

  const asked = headers.get("x-custos-team")?.trim();
  if (asked) {
    if (!principal.teams.includes(asked)) {
      return err(new CustosError("team_not_allowed", `The team named in x-custos-team is not one of your teams (you belong to: ${principal.teams.join(", ") || "none"}).`));
    }
    return ok({ principal, team: asked });
  }
  if (principal.teams.length === 1) return ok({ principal, team: principal.teams[0]! });
  if (principal.teams.length === 0) return err(new CustosError("team_required", "Your credential names no team; ask for one to be assigned to you."));
  return err(new CustosError("team_required", `You belong to several teams (${principal.teams.join(", ")}); choose one with the x-custos-team header.`));
}
