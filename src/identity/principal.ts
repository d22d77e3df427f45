// Who is calling: a person (JWT from an identity provider) or a service (API key).
export type Role = "user" | "auditor" | "auditor_content" | "admin";
export const ROLES: readonly Role[] = ["user", "auditor", "auditor_content", "admin"];

export interface Principal {
  kind: "user" | "service";
  /** Stable subject identifier, qualified by issuer when needed. */
  subject: string;
  issuer: string;
  email?: string;
  teams: string[];
  roles: Role[];
}

export interface Identified {
  principal: Principal;
  /** The team this call is made for. */
  team: string;
}
