// Who is calling: a person (JWT from an identity provider) or a service (API key).
export type Role = "user" | "auditor" | "auditor_content" | "admin";
export const ROLES: readonly Role[] = ["user", "auditor", "auditor_content", "admin"];

export type CredentialKind = "jwt" | "api_key" | "dev" | "admin_token" | "session";

export interface TokenFacts {
  alg: string;
  kid?: string;
  aud?: string[];
  /** Authentication methods (pwd, mfa, …) and context class, when the IdP says. */
  amr?: string[];
  acr?: string;
}

export interface Principal {
  kind: "user" | "service";
  credential: CredentialKind;
  /** The `iss` of the token ("custos" for API keys). */
  issuer: string;
  /** Short issuer name from identity.yaml (for logs and records). */
  issuerName: string;
  /** Stable subject identifier within the issuer. */
  subject: string;
  email?: string;
  teams: string[];
  roles: Role[];
  /** azp / client_id / appid, when the token carries one. */
  clientId?: string;
  /** Entra tid and the like, when configured. */
  tenant?: string;
  /** jti of the token, or the API key's id. */
  tokenId?: string;
  /** How the token was signed and what it asserts about the sign-in (recorded with each call). */
  token?: TokenFacts;
}

export interface Identified {
  principal: Principal;
  /** The team this call is made for. */
  team: string;
}

/**
 * What a set of roles may do: `auditor_content` and `admin` each include everything an
 * `auditor` may (the one reveals content too, the other also runs the kill switch and keys).
 */
export function hasRole(roles: readonly Role[], ...wanted: Role[]): boolean {
  return roles.some((r) => wanted.includes(r) || (wanted.includes("auditor") && (r === "auditor_content" || r === "admin")));
}
