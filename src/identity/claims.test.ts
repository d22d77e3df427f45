import { describe, expect, it } from "vitest";
import { claimAt, stringClaim, stringList } from "./claims.ts";

const keycloak = {
  sub: "f:1:alice",
  groups: ["/grp-ai-research", "/staff"],
  realm_access: { roles: ["offline_access", "custos-auditor"] },
  resource_access: { custos: { roles: ["admin"] }, "my.client": { roles: ["x"] } },
};

describe("claimAt", () => {
  it("reads top-level and nested (dotted) claims", () => {
    expect(claimAt(keycloak, "groups")).toEqual(["/grp-ai-research", "/staff"]);
    expect(claimAt(keycloak, "realm_access.roles")).toEqual(["offline_access", "custos-auditor"]);
    expect(claimAt(keycloak, "resource_access.custos.roles")).toEqual(["admin"]);
  });

  it("prefers a claim whose whole name matches (Auth0's namespaced claims with dots and slashes)", () => {
    const auth0 = { "https://custos.example.com/groups": ["grp-ai-x"], https: { nope: 1 } };
    expect(claimAt(auth0, "https://custos.example.com/groups")).toEqual(["grp-ai-x"]);
    const dotted = { "realm_access.roles": ["flat"], realm_access: { roles: ["nested"] } };
    expect(claimAt(dotted, "realm_access.roles")).toEqual(["flat"]);
  });

  it("is undefined for missing paths and never walks into arrays, strings or null", () => {
    expect(claimAt(keycloak, "realm_access.missing")).toBeUndefined();
    expect(claimAt(keycloak, "nope.roles")).toBeUndefined();
    expect(claimAt(keycloak, "groups.0")).toBeUndefined();
    expect(claimAt(keycloak, "sub.length")).toBeUndefined();
    expect(claimAt({ a: null }, "a.b")).toBeUndefined();
  });

  it("does not read inherited properties", () => {
    expect(claimAt({}, "constructor")).toBeUndefined();
    expect(claimAt({}, "toString")).toBeUndefined();
    expect(claimAt({ a: {} }, "a.__proto__")).toBeUndefined();
    expect(claimAt({ a: {} }, "a.constructor.name")).toBeUndefined();
  });
});

describe("stringList", () => {
  it("takes arrays of strings (dropping non-strings and empties) and space-separated strings", () => {
    expect(stringList(["a", "", 3, null, "b"])).toEqual(["a", "b"]);
    expect(stringList("grp-ai-a  grp-ai-b\tgrp-ai-c ")).toEqual(["grp-ai-a", "grp-ai-b", "grp-ai-c"]);
    expect(stringList("")).toEqual([]);
    expect(stringList(undefined)).toEqual([]);
    expect(stringList({ roles: ["x"] })).toEqual([]);
    expect(stringList(42)).toEqual([]);
  });
});

describe("stringClaim", () => {
  it("is a non-empty string, or a number as text; anything else is absent", () => {
    expect(stringClaim(keycloak, "sub")).toBe("f:1:alice");
    expect(stringClaim({ sub: 110169484474 }, "sub")).toBe("110169484474");
    expect(stringClaim({ sub: "" }, "sub")).toBeUndefined();
    expect(stringClaim({ sub: ["a"] }, "sub")).toBeUndefined();
    expect(stringClaim({ sub: { id: "a" } }, "sub")).toBeUndefined();
    expect(stringClaim({ profile: { email: "a@example.com" } }, "profile.email")).toBe("a@example.com");
  });
});
