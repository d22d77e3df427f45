// custos redact: the shipped detector on stdin, as text or as JSON Lines for scoring.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-redact-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("custos redact", () => {
  it("text mode: entities replaced by [TYPE], everything else byte for byte", async () => {
    const r = await runCli(["redact"], { cwd: dir, input: "Mail anna.kowalska@example.org, IBAN DE89 3704 0044 0532 0130 00 — ok ✓\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Mail [EMAIL], IBAN [IBAN] — ok ✓\n");
  });

  it("--jsonl: spans are UTF-16 offsets into the input; ids kept; a bad line is reported and skipped (exit 1)", async () => {
    const text = "🙂 Écrivez à jean.dupont@example.fr";
    const input = `${JSON.stringify({ id: "a", text })}\nnot json\n${JSON.stringify({ id: 7, text: "nothing here" })}\n`;
    const r = await runCli(["redact", "--jsonl"], { cwd: dir, input });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 2:");
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: unknown; text: string; spans: { type: string; start: number; end: number }[] });
    expect(lines).toHaveLength(2);
    const email = lines[0]!.spans.find((s) => s.type === "EMAIL")!;
    expect(text.slice(email.start, email.end)).toBe("jean.dupont@example.fr");
    expect(lines[0]!.text).toContain("[EMAIL]");
    expect(lines[1]).toEqual({ id: 7, text: "nothing here", spans: [] });
  });

  it("--types limits what is looked for; an unknown type exits 2", async () => {
    const r = await runCli(["redact", "--types", "IBAN"], { cwd: dir, input: "a@b.org DE89 3704 0044 0532 0130 00" });
    expect(r.stdout).toBe("a@b.org [IBAN]");
    expect((await runCli(["redact", "--types", "NOPE"], { cwd: dir, input: "" })).code).toBe(2);
  });
});
