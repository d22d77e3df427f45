// The identity.yaml examples in the README are real: each validates against the schema,
// the first is the shipped policies/identity.yaml, and each identity provider's example
// maps a token shaped like that provider's to the teams and roles the README promises.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IdentityFileSchema, type IssuerConfig } from "../../src/config/identity.ts";
import { parseYamlFile } from "../../src/config/yaml-file.ts";
import { claimAt, stringList } from "../../src/identity/claims.ts";
import { groupMapper } from "../../src/identity/mapping.ts";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";

const readme = await readFile(path.join(PACKAGE_ROOT, "README.md"), "utf8");
const start = readme.indexOf("\n## Identity\n");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

function load(text: string, env: Record<string, string> = {}) {
  const r = parseYamlFile("README.md", text, IdentityFileSchema, env);
  if (!r.ok) throw new Error(r.error.map((p) => `${p.line}:${p.column} ${p.message}`).join("\n"));
  return r.value;
}

/** What the issuer makes of a payload's groups (the part of verification that is configuration). */
function mapped(cfg: IssuerConfig, payload: Record<string, unknown>) {
  const groups = cfg.claims.groups.flatMap((p) => stringList(claimAt(payload, p)));
  const m = groupMapper(cfg.teams, cfg.roles, cfg.default_roles);
  return { teams: m.teams(groups), roles: m.roles(groups), subject: claimAt(payload, cfg.claims.subject), email: claimAt(payload, cfg.claims.email) };
}

const providers = new Map(
  blocks.slice(1).map((b) => {
    const cfg = load(`issuers:\n${b}`).issuers[0]!;
    return [cfg.name!, cfg] as const;
  }),
);

describe("README identity examples", () => {
  it("the first is the shipped policies/identity.yaml", async () => {
    const shipped = await readFile(path.join(PACKAGE_ROOT, "policies", "identity.yaml"), "utf8");
    const env = { CUSTOS_OIDC_ISSUER: "https://idp.example.com/realms/corp" };
    expect(load(blocks[0]!, env)).toEqual(load(shipped, env));
    expect(load(blocks[0]!).issuers[0]!.issuer).toBe(""); // unset: the entry is skipped
  });

  it("has a valid example for each of Keycloak, Entra ID, Okta, Auth0 and Google", () => {
    expect([...providers.keys()]).toEqual(["keycloak", "entra", "okta", "auth0", "google"]);
  });

  it("Keycloak: '/grp-ai-research' and realm roles", () => {
    const r = mapped(providers.get("keycloak")!, { sub: "f:1:alice", email: "alice@example.com", groups: ["/grp-ai-research", "/staff"], realm_access: { roles: ["custos-auditor", "offline_access"] } });
    expect(r).toEqual({ teams: ["research"], roles: ["user", "auditor"], subject: "f:1:alice", email: "alice@example.com" });
  });

  it("Entra ID: GUID groups, oid, preferred_username", () => {
    const cfg = providers.get("entra")!;
    expect(cfg.issuer).toMatch(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/);
    const r = mapped(cfg, { oid: "6b0e1a7c", sub: "pairwise", preferred_username: "alice@contoso.example", groups: ["8d7c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"] });
    expect(r).toEqual({ teams: ["finance"], roles: ["user", "admin"], subject: "6b0e1a7c", email: "alice@contoso.example" });
    expect(cfg.claims.tenant).toBe("tid");
  });

  it("Okta: ai- prefixed groups", () => {
    const r = mapped(providers.get("okta")!, { sub: "alice@example.com", cid: "0oa1b2c3d4E5F6g7H8i9", groups: ["Everyone", "ai-research"] });
    expect(r).toEqual({ teams: ["research"], roles: ["user"], subject: "alice@example.com", email: "alice@example.com" });
  });

  it("Auth0: namespaced claims, issuer with a trailing slash", () => {
    const cfg = providers.get("auth0")!;
    expect(cfg.issuer.endsWith("/")).toBe(true);
    const r = mapped(cfg, { sub: "auth0|64b7", "https://custos.example.com/groups": ["grp-ai-research"], "https://custos.example.com/email": "alice@example.com" });
    expect(r).toEqual({ teams: ["research"], roles: ["user"], subject: "auth0|64b7", email: "alice@example.com" });
  });

  it("Google: the hosted domain as the one group; no hd, no team", () => {
    const cfg = providers.get("google")!;
    expect(mapped(cfg, { sub: "1101", email: "alice@example.com", hd: "example.com" }).teams).toEqual(["all-staff"]);
    expect(mapped(cfg, { sub: "1102", email: "bob@gmail.com" }).teams).toEqual([]);
  });
});
