import { describe, expect, it } from "vitest";
import { groupMapper } from "./mapping.ts";

describe("group → team rules", () => {
  it("exact names map to the given team, or to the group itself", () => {
    const m = groupMapper([{ group: "3f2a1c9e-guid", team: "research" }, { group: "finance" }], [], ["user"]);
    expect(m.teams(["3f2a1c9e-guid", "finance", "other"])).toEqual(["research", "finance"]);
    expect(m.teams(["3F2A1C9E-GUID"])).toEqual([]); // exact means exact
  });

  it("prefixes map to the rest of the name, or to the given team; the bare prefix is no team", () => {
    const m = groupMapper([{ prefix: "ai-" }, { prefix: "ops-", team: "operations" }], [], ["user"]);
    expect(m.teams(["ai-research", "ops-eu", "ops-us", "ai-", "xai-research"])).toEqual(["research", "operations"]);
  });

  it("a regex is anchored; team '$1' takes the capture; without a team the first capture (or the group) is the team", () => {
    const m = groupMapper([{ regex: "/?grp-ai-(.*)", team: "$1" }, { regex: "team-([a-z]+)-(eu|us)", team: "$2-$1" }, { regex: "solo-(x)" }, { regex: "all" }], [], ["user"]);
    expect(m.teams(["/grp-ai-research", "grp-ai-legal", "team-data-eu", "solo-x", "all", "prefix-grp-ai-nope"])).toEqual(["research", "legal", "eu-data", "x", "all"]);
    expect(m.teams(["grp-ai-nope-suffix-x"])).toEqual(["nope-suffix-x"]);
  });

  it("team names from captures that are not team names are dropped (empty, spaces, slashes, too long, leading dot)", () => {
    const m = groupMapper([{ regex: "grp-ai-(.*)", team: "$1" }, { regex: "g-(.*)", team: "$9" }], [], ["user"]);
    expect(m.teams(["grp-ai-", "grp-ai-has space", "grp-ai-a/b", `grp-ai-${"x".repeat(65)}`, "grp-ai-.hidden", "grp-ai-ok_1.x-y"])).toEqual(["ok_1.x-y"]);
    expect(m.teams(["g-anything"])).toEqual([]); // $9 does not exist: empty, dropped
  });

  it("every matching rule adds a team, each team once, in the order of the groups", () => {
    const m = groupMapper([{ prefix: "ai-" }, { regex: "ai-(.*)" }, { group: "ai-research", team: "science" }], [], ["user"]);
    expect(m.teams(["ai-research", "ai-legal"])).toEqual(["research", "science", "legal"]);
  });

  it("no groups, no rules: no teams", () => {
    expect(groupMapper([], [], ["user"]).teams(["anything"])).toEqual([]);
    expect(groupMapper([{ prefix: "ai-" }], [], ["user"]).teams([])).toEqual([]);
  });
});

describe("group → role rules", () => {
  it("default roles always, plus each matching rule's role once", () => {
    const m = groupMapper([], [{ group: "custos-admins", role: "admin" }, { prefix: "audit-", role: "auditor" }, { regex: "dpo|privacy-.*", role: "auditor_content" }, { group: "custos-admins", role: "admin" }], ["user"]);
    expect(m.roles([])).toEqual(["user"]);
    expect(m.roles(["custos-admins"])).toEqual(["user", "admin"]);
    expect(m.roles(["audit-eu", "audit-us", "privacy-office", "dpo"])).toEqual(["user", "auditor", "auditor_content"]);
    expect(m.roles(["xdpo", "audit-"])).toEqual(["user"]);
  });

  it("default roles can be empty or other roles", () => {
    expect(groupMapper([], [{ group: "a", role: "admin" }], []).roles(["b"])).toEqual([]);
    expect(groupMapper([], [], ["auditor"]).roles([])).toEqual(["auditor"]);
  });
});
