// custos policy check: the example set is valid; a team that tries to loosen the baseline,
// or a malformed file, is reported as file:line:column with exit 1.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { runCli } from "../helpers/cli.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-policy-cli-"));
  await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("custos policy check", () => {
  it("accepts the example set (exit 0) and names its teams and version", async () => {
    const r = await runCli(["policy", "check"], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: policies — baseline and 4 team\(s\) \(demo, hr, research, support\), version sha256:[0-9a-f]{16}/);
  });

  it("reports a team loosening the baseline in the team file, naming the baseline rule and its place (exit 1)", async () => {
    const file = path.join(dir, "policies", "teams", "support.yaml");
    const original = await readFile(file, "utf8");
    await writeFile(file, `${original}  - id: support.previews\n    description: Let support try previews.\n    models:\n      allow: ["gpt-4o-preview"]\n`);
    try {
      const r = await runCli(["policy", "check", "policies"], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^policies\/teams\/support\.yaml:\d+:\d+: models allow 'gpt-4o-preview' is denied by baseline rule 'models\.approved' \(policies\/org\.yaml:\d+:\d+\)$/m);
    } finally {
      await writeFile(file, original);
    }
  });

  it("reports schema errors with positions; a directory without org.yaml is a problem (exit 1); an unknown subcommand exits 2", async () => {
    await writeFile(path.join(dir, "policies", "teams", "broken.yaml"), "team: broken\ndescription: x\nrules:\n  - id: b\n    description: d\n    pii:\n      prompt: { EMAIL: scramble }\n");
    try {
      const r = await runCli(["policy", "check"], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^policies\/teams\/broken\.yaml:7:\d+: rules\.0\.pii\.prompt\.EMAIL: /m);
    } finally {
      await rm(path.join(dir, "policies", "teams", "broken.yaml"));
    }
    const missing = await runCli(["policy", "check", "nowhere"], { cwd: dir });
    expect(missing.code).toBe(1); // no org.yaml: reported as a problem of the (empty) directory
    expect(missing.stdout).toContain("org.yaml:1:1: file not found");
    expect((await runCli(["policy", "frobnicate"], { cwd: dir })).code).toBe(2);
  });

});

describe("custos policy test", () => {
  it("runs the example set's tests: every case passes (exit 0)", async () => {
    const r = await runCli(["policy", "test"], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^14 passed, 0 failed$/m);
  });

  it("a decision that changed fails with a readable diff (exit 1)", async () => {
    const file = path.join(dir, "policies", "tests", "changed.yaml");
    await writeFile(
      file,
      "- name: hr may stream\n  team: hr\n  request: { api: chat, body: { model: gpt-4o, stream: true, messages: [] } }\n  expect: { decision: allow }\n" +
        "- name: a team without a file\n  team: nobody\n  request: { api: chat, body: { model: gpt-4o } }\n  expect: { decision: deny }\n",
    );
    try {
      const r = await runCli(["policy", "test"], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("FAIL  hr may stream (policies/tests/changed.yaml)");
      expect(r.stdout).toContain('decision: expected "allow", got "deny"');
      expect(r.stdout).toContain("team 'nobody' has no policy file");
      expect(r.stdout).toMatch(/^14 passed, 2 failed$/m);
    } finally {
      await rm(file);
    }
  });

});

describe("custos policy explain", () => {
  it("explains a request for a team or a token: the decision, its obligations and every rule with its description", async () => {
    await writeFile(path.join(dir, "req.json"), JSON.stringify({ model: "gpt-4o", max_tokens: 50000, messages: [{ role: "user", content: "hi" }] }));
    const byTeam = await runCli(["policy", "explain", "--request", "req.json", "--team", "support"], { cwd: dir });
    expect(byTeam.code, byTeam.stderr).toBe(0);
    expect(byTeam.stdout).toMatch(/^allow: team support, model gpt-4o, policy sha256:[0-9a-f]{16}$/m);
    expect(byTeam.stdout).toContain("output tokens clamped to 2048 by support.chat-only");
    expect(byTeam.stdout).toContain("support.eu-only: Support data is processed in the EU only. (policies/teams/support.yaml)");
    const token = (await runCli(["token", "--sub", "eve", "--team", "hr"], { cwd: dir })).stdout.trim();
    const byToken = await runCli(["policy", "explain", "--request", "req.json", "--token", token], { cwd: dir });
    expect(byToken.code, byToken.stderr).toBe(0);
    expect(byToken.stdout).toMatch(/^deny: output_too_large by hr\.no-streaming — /m);
    const nobody = await runCli(["policy", "explain", "--request", "req.json", "--team", "nobody"], { cwd: dir });
    expect(nobody.stdout).toContain("deny: team_not_configured");
    expect((await runCli(["policy", "explain", "--request", "req.json"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["policy", "explain", "--request", "req.json", "--token", "not-a-token"], { cwd: dir })).code).toBe(1);
  });
});
