import { describe, expect, it } from "vitest";
import { compilePolicies, type TeamPolicy } from "./compile.ts";
import { auditLevel } from "./decide.ts";

const org = (audit: string) => `description: b\nrules:\n  - id: a.floor\n    description: d\n    audit: ${audit}\nretention: { default: long, classes: { long: { events: 10 years, content: 1 year } } }\n`;
const team = (audit?: string) => `team: t\ndescription: d\n${audit ? `rules:\n  - id: t.audit\n    description: d\n    audit: ${audit}\n` : ""}`;

async function policyOf(orgAudit: string, teamAudit?: string): Promise<TeamPolicy> {
  const b = await compilePolicies({ "org.yaml": org(orgAudit), "teams/t.yaml": team(teamAudit) }, {});
  if (!b.ok) throw new Error(JSON.stringify(b.error));
  return b.value.teams.get("t")!;
}

describe("auditLevel: server.yaml is the floor, policies only raise it", () => {
  const server = { content: "hashes", on_failure: "fail_open" } as const;

  it("a higher content level and fail_closed from the policy apply", async () => {
    expect(auditLevel(await policyOf("{ content: encrypted, on_failure: fail_closed, retention: long }"), { ...server } as never)).toEqual({ content: "encrypted", onFailure: "fail_closed", retention: "long" });
  });

  it("a lower content level or fail_open from the policy does not lower the server's", async () => {
    expect(auditLevel(await policyOf("{ content: none, on_failure: fail_open }"), { content: "hashes", on_failure: "fail_closed" } as never)).toEqual({ content: "hashes", onFailure: "fail_closed" });
  });

  it("a team's rule raises the baseline's; without a policy the server decides", async () => {
    expect(auditLevel(await policyOf("{ content: hashes }", "{ content: encrypted }"), server as never)).toMatchObject({ content: "encrypted", onFailure: "fail_open" });
    expect(auditLevel(undefined, server as never)).toEqual({ content: "hashes", onFailure: "fail_open" });
  });
});
