// Who may call (policies/identity.yaml): trusted token issuers (SSO identity
// providers and the local development issuer), how their claims map to Custos teams
// and roles, and the console's sign-in client per issuer.
import { z } from "zod";

export const DEV_ISSUER = "urn:custos:dev-issuer";
export const DEV_AUDIENCE = "custos";

export const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"] as const;
export const HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"] as const;
export const DEFAULT_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA", "Ed25519"] as const;

const role = z.enum(["user", "auditor", "auditor_content", "admin"]);

/** A claim path: "groups", "realm_access.roles", "resource_access.custos.roles". */
const claimPath = z.string().regex(/^[A-Za-z0-9_:/.-]+$/, "a claim name or a dotted path such as realm_access.roles");

/** How a group value is matched: exactly one of an exact name, a prefix, or a regex whose captures fill $1… */
const match = {
  group: z.string().min(1).optional(),
  prefix: z.string().min(1).optional(),
  regex: z
    .string()
    .min(1)
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, "not a valid regular expression")
    .optional(),
};
const oneMatcher = (m: { group?: string; prefix?: string; regex?: string }) => [m.group, m.prefix, m.regex].filter((x) => x !== undefined).length === 1;
const ONE_MATCHER = "give exactly one of group, prefix or regex";

const teamRule = z.object({ ...match, team: z.string().min(1).optional() }).strict().refine(oneMatcher, ONE_MATCHER);
const roleRule = z.object({ ...match, role }).strict().refine(oneMatcher, ONE_MATCHER);
export type MatchRule = { group?: string; prefix?: string; regex?: string };

export const IssuerSchema = z
  .object({
    /** A short name for logs and the audit record (defaults to the issuer URL's host). */
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/).optional(),
    /** The `iss` value; an empty value disables the entry (so the example can read it from an unset variable). */
    issuer: z.string(),
    /** Where the keys are; without it, OIDC discovery at {issuer}/.well-known/openid-configuration. */
    jwks_uri: z
      .string()
      .optional()
      .transform((u) => (u === "" ? undefined : u)),
    /** Accepted `aud` values (at least one must match). */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((a) => (Array.isArray(a) ? a : [a])),
    algorithms: z.array(z.enum([...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS])).min(1).optional(),
    /** Enables HS256/384/512 for this issuer only; the secret comes from the environment. */
    hs_secret: z.string().optional(),
    clock_skew_seconds: z.number().int().min(0).max(600).default(60),
    required_claims: z.array(z.string().min(1)).default([]),
    /** When set, the token's client (`azp`, else `client_id`, `cid` or `appid`) must be one of these; a token naming no client is refused. */
    authorized_parties: z.array(z.string().min(1)).optional(),
    /** Expected JOSE `typ` header (e.g. "at+jwt"); when unset, "JWT", "at+jwt" or none are accepted. */
    typ: z.string().min(1).optional(),
    claims: z
      .object({
        subject: claimPath.default("sub"),
        email: claimPath.default("email"),
        /** Where group (or role) names are: an array or a space-separated string. */
        groups: z.union([claimPath, z.array(claimPath).min(1)]).default("groups").transform((g) => (Array.isArray(g) ? g : [g])),
        /** An optional claim holding the tenant (Entra: tid) kept with the principal. */
        tenant: claimPath.optional(),
      })
      .strict()
      .prefault({}),
    /** Group → team rules, tried in order; every match adds a team. `team` may use $1… from a regex. Default team: the group itself (prefix rules: the rest after the prefix). */
    teams: z.array(teamRule).default([]),
    /** Group → role rules; every principal also has `default_roles`. */
    roles: z.array(roleRule).default([]),
    default_roles: z.array(role).default(["user"]),
    /** The console's sign-in client (OIDC authorization code + PKCE). */
    console: z
      .object({
        /** Empty: no console sign-in through this issuer (so the example can read it from an unset variable). */
        client_id: z.string(),
        /** Empty or absent: a public client (PKCE alone). */
        client_secret: z
          .string()
          .optional()
          .transform((s) => (s === "" ? undefined : s)),
        /** How a confidential client authenticates at the token endpoint (as registered with the IdP). */
        token_auth: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
        /** Where the IdP sends the browser back; absent: this server's /console/callback at the address the browser used (register it with the IdP). */
        redirect_url: z.url().optional(),
        scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).default(["openid", "email", "profile"]),
        /** The label on the sign-in button (default: the issuer's name). */
        label: z.string().min(1).max(80).optional(),
      })
      .strict()
      .optional(),
    /** Seconds a fetched key set stays fresh before it is refreshed (rotation without restart). */
    jwks_max_age_seconds: z.number().int().min(10).max(86_400).default(600),
    /** Bound on each discovery / JWKS fetch. */
    fetch_timeout_ms: z.number().int().min(100).max(30_000).default(3000),
  })
  .strict()
  .superRefine((iss, ctx) => {
    if (iss.issuer === "") return;
    if (!URL.canParse(iss.issuer) && !iss.issuer.startsWith("urn:")) ctx.addIssue({ code: "custom", path: ["issuer"], message: "an issuer URL such as https://login.example.com/realms/corp" });
    if (iss.jwks_uri && !URL.canParse(iss.jwks_uri)) ctx.addIssue({ code: "custom", path: ["jwks_uri"], message: "a URL" });
    if (!iss.jwks_uri && !/^https?:\/\//.test(iss.issuer) && !iss.hs_secret) ctx.addIssue({ code: "custom", path: ["jwks_uri"], message: "required when the issuer is not an http(s) URL (no discovery)" });
    const hs = (iss.algorithms ?? []).filter((a) => a.startsWith("HS"));
    if (hs.length > 0 && !iss.hs_secret) ctx.addIssue({ code: "custom", path: ["algorithms"], message: `${hs.join(", ")} need hs_secret for this issuer` });
    if (iss.hs_secret !== undefined && iss.hs_secret !== "" && iss.hs_secret.length < 32) ctx.addIssue({ code: "custom", path: ["hs_secret"], message: "at least 32 characters" });
  });

export const IdentityFileSchema = z
  .object({
    development_issuer: z
      .object({
        /** Trust tokens minted by `custos token`; honoured only on loopback unless CUSTOS_DEV_ISSUER=1. */
        trusted: z.boolean().default(false),
        clock_skew_seconds: z.number().int().min(0).max(600).default(60),
      })
      .strict()
      .prefault({}),
    issuers: z.array(IssuerSchema).default([]),
    /** Largest credential accepted, in bytes (401 beyond). */
    max_token_bytes: z.number().int().min(1024).max(65_536).default(16_384),
    /** How many verified tokens are kept (until their exp) so repeat calls skip the signature check. */
    token_cache_size: z.number().int().min(0).max(1_000_000).default(10_000),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.issuers.forEach((iss, i) => {
      if (iss.issuer === "") return;
      if (seen.has(iss.issuer)) ctx.addIssue({ code: "custom", path: ["issuers", i, "issuer"], message: `issuer '${iss.issuer}' is listed twice` });
      seen.add(iss.issuer);
      if (iss.issuer === DEV_ISSUER) ctx.addIssue({ code: "custom", path: ["issuers", i, "issuer"], message: "the development issuer is configured under development_issuer" });
    });
  });

export type IdentityFile = z.output<typeof IdentityFileSchema>;
export type IssuerConfig = z.output<typeof IssuerSchema>;
