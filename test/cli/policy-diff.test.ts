// custos policy diff: two copies of the example set, one edited; the rule changes listed,
// a sample of requests and recorded entries decided under both, exit codes as diff(1).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { runCli } from "../helpers/cli.ts";

let dir: string;

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(path.join(dir, file), "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  await writeFile(path.join(dir, file), text.replace(from, to));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-policy-diff-"));
  for (const side of ["old", "same", "new"]) await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, side), { recursive: true });
  await edit("new/org.yaml", '"gpt-4o*", "gpt-4.1*"', '"gpt-4o*"');
  await edit("new/teams/hr.yaml", "streaming: false", "streaming: true");
  await edit("new/teams/research.yaml", "    mode: shadow\n", "");
  await rm(path.join(dir, "new/teams/demo.yaml"));
  await writeFile(path.join(dir, "new/teams/ops.yaml"), "team: ops\ndescription: Ops.\nrules:\n  - id: ops.small\n    description: Small answers.\n    limits: { max_output_tokens: 100 }\n");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An llm.request line of an export bundle's entries.jsonl, as `custos audit export` writes it. */
const exported = (team: string, model: string, maxTokens: number) =>
  JSON.stringify({
    log_index: 12,
    leaf: "AAAA",
    type: "llm.request",
    team,
    model,
    decision: "allow",
    entry: { v: 1, type: "llm.request", actor: { team, iss: "https://idp.example" }, request: { op: "chat", api: "/v1/chat/completions", stream: false, model, params: { max_tokens: maxTokens, temperature: "0.2" }, input: { bytes: 812, items: 2 } }, policy: { decision: "allow", rules: ["models.approved"] } },
  });

describe("custos policy diff", () => {
  it("finds no differences between identical directories (exit 0), with or without a sample", async () => {
    const r = await runCli(["policy", "diff", "old", "same"], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^old: old \(sha256:[0-9a-f]{16}\)\nnew: same \(sha256:[0-9a-f]{16}\)\nno rule changes\n$/);
    await writeFile(path.join(dir, "same.jsonl"), `${JSON.stringify({ team: "hr", api: "chat", body: { model: "gpt-4o", stream: true } })}\n`);
    const s = await runCli(["policy", "diff", "old", "same", "--sample", "same.jsonl"], { cwd: dir });
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.stdout).toMatch(/^1 sampled, 0 would change$/m);
  });

  it("lists the rules added, removed and changed, and the teams (exit 1)", async () => {
    const r = await runCli(["policy", "diff", "old", "new"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const body = r.stdout.split("\n").slice(2).join("\n");
    expect(body).toBe(
      [
        "baseline (org.yaml)",
        "  changed rule models.approved",
        '      models.allow: ["custos-echo","gpt-4o*","gpt-4.1*","gpt-5*","o4-mini*","text-embedding-3-*","claude-*"] → ["custos-echo","gpt-4o*","gpt-5*","o4-mini*","text-embedding-3-*","claude-*"]',
        "team demo: removed",
        "team hr",
        "  changed rule hr.no-streaming",
        "      limits.streaming: false → true",
        "team ops: added",
        "  added rule ops.small (limits)",
        "team research",
        "  changed rule research.output-ceiling",
        "      mode: shadow → enforce",
        "",
      ].join("\n"),
    );
  });

  it("decides a sample of requests and exported entries under both, skipping malformed lines by number", async () => {
    const secret = "Tell nobody: the merger closes Friday";
    const lines = [
      JSON.stringify({ team: "hr", api: "chat", body: { model: "gpt-4o", stream: true, messages: [{ role: "user", content: secret }] } }),
      JSON.stringify({ team: "research", api: "chat", body: { model: "gpt-4o", max_tokens: 2000, messages: [{ role: "user", content: secret }] } }),
      exported("support", "gpt-4.1-mini", 100),
      exported("support", "gpt-4o", 100),
      JSON.stringify({ type: "llm.response", actor: { team: "support" }, request: { op: "chat" } }),
      "{ this is not json",
      JSON.stringify({ team: "demo", api: "chat", body: { model: "gpt-4o" } }),
    ];
    await writeFile(path.join(dir, "sample.jsonl"), `${lines.join("\n")}\n`);
    const r = await runCli(["policy", "diff", "old", "new", "--sample", "sample.jsonl"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const decisions = r.stdout.slice(r.stdout.indexOf("decisions (sample.jsonl):"));
    expect(decisions).toBe(
      [
        "decisions (sample.jsonl):",
        "  line 1: team hr, chat gpt-4o: newly allowed (was stream_not_allowed by hr.no-streaming)",
        "  line 2: team research, chat gpt-4o: newly denied: output_too_large by research.output-ceiling",
        "  line 3: team support, chat gpt-4.1-mini: newly denied: model_not_allowed by models.approved",
        "  line 7: team demo, chat gpt-4o: newly denied: team_not_configured (no teams/demo.yaml)",
        "5 sampled, 4 would change (3 newly denied, 1 newly allowed), 1 line skipped",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toBe("sample.jsonl:6: skipped: not JSON\n");
    expect(r.stdout + r.stderr).not.toContain("merger");
    await mkdir(path.join(dir, "bundle"));
    await writeFile(path.join(dir, "bundle", "entries.jsonl"), `${exported("support", "gpt-4.1", 50)}\n`);
    const b = await runCli(["policy", "diff", "old", "new", "--sample", "bundle"], { cwd: dir });
    expect(b.stdout).toContain("decisions (bundle/entries.jsonl):\n  line 1: team support, chat gpt-4.1: newly denied: model_not_allowed by models.approved\n1 sampled, 1 would change (1 newly denied)\n");
  });

  it("lists the first 50 changed decisions and counts the rest", async () => {
    const line = JSON.stringify({ team: "demo", api: "chat", body: { model: "gpt-4o" } });
    await writeFile(path.join(dir, "many.jsonl"), `${Array(60).fill(line).join("\n")}\n`);
    const r = await runCli(["policy", "diff", "old", "new", "--sample", "many.jsonl"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.match(/^ {2}line \d+:/gm)).toHaveLength(50);
    expect(r.stdout).toContain("  … and 10 more\n60 sampled, 60 would change (60 newly denied)\n");
  });

  it("exits 2 on an invalid policy directory, a missing one, a missing sample or bad arguments", async () => {
    await cp(path.join(dir, "old"), path.join(dir, "broken"), { recursive: true });
    await edit("broken/teams/hr.yaml", "streaming: false", "streaming: maybe");
    const r = await runCli(["policy", "diff", "old", "broken"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^broken\/teams\/hr\.yaml:\d+:\d+: rules\.3\.limits\.streaming: /m);
    const missing = await runCli(["policy", "diff", "old", "nowhere"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("could not read nowhere");
    const noSample = await runCli(["policy", "diff", "old", "new", "--sample", "absent.jsonl"], { cwd: dir });
    expect(noSample.code).toBe(2);
    expect(noSample.stderr).toContain("could not read the sample absent.jsonl");
    expect((await runCli(["policy", "diff", "old"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["policy", "diff", "old", "new", "--frobnicate"], { cwd: dir })).code).toBe(2);
  });
});
