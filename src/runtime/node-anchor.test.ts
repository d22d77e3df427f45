import { appendFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anchorLine, parseAnchorLines, type AnchoredCheckpoint } from "../audit/anchor.ts";
import { anchorPath, fileAnchor, readAnchorFile, type FileAnchor } from "./node-anchor.ts";

const ROOT = Buffer.alloc(32, 9).toString("base64");
const cp = (size: number): AnchoredCheckpoint => ({
  size,
  root: ROOT,
  note: `custos.example/log\n${size}\n${ROOT}\n\n— custos.example/log AAAA\n`,
  jws: "eyJhbGciOiJFZDI1NTE5In0..c2ln",
  at: "2026-03-01T12:00:00.000Z",
});

let dir: string;
let anchors: FileAnchor[] = [];
const open = (d: string, origin: string) => {
  const a = fileAnchor(d, origin);
  anchors.push(a);
  return a;
};
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-anchor-"));
});
afterEach(async () => {
  await Promise.all(anchors.map((a) => a.close()));
  anchors = [];
  await rm(dir, { recursive: true, force: true });
});

describe("fileAnchor", () => {
  it("names the file after the origin, private, and references lines", async () => {
    const sub = path.join(dir, "anchors");
    const file = anchorPath(sub, "custos.example/log v1");
    expect(file).toBe(path.join(sub, "custos.example_log_v1.checkpoints.jsonl"));
    const a = open(sub, "custos.example/log v1");
    expect(a.kind).toBe("file");
    expect(await a.append(cp(1))).toBe(`file:${file}#line=1`);
    expect(await a.append(cp(2))).toBe(`file:${file}#line=2`);
    expect((await stat(sub)).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readAnchorFile(file)).toEqual({ checkpoints: [cp(1), cp(2)], problems: [] });
  });

  it("percent-encodes what a reference cannot hold", async () => {
    const a = open(path.join(dir, "a #b"), "o");
    expect(await a.append(cp(1))).toMatch(/^file:\/.*\/a%20%23b\/o\.checkpoints\.jsonl#line=1$/);
  });

  it("lands concurrent appends whole and in call order", async () => {
    const a = open(dir, "o");
    const refs = await Promise.all(Array.from({ length: 50 }, (_, i) => a.append(cp(i))));
    expect(refs.map((r) => r.split("#line=")[1])).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    const { checkpoints, problems } = await readAnchorFile(anchorPath(dir, "o"));
    expect(problems).toEqual([]);
    expect(checkpoints.map((c) => c.size)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("continues an existing file, only appending, and steps over a torn last line", async () => {
    const file = anchorPath(dir, "o");
    const first = open(dir, "o");
    await first.append(cp(1));
    await first.close();
    const before = await readFile(file, "utf8");
    await appendFile(file, anchorLine(cp(2)).slice(0, 30)); // a write cut short by a crash
    const again = open(dir, "o");
    expect(await again.append(cp(3))).toBe(`file:${file}#line=3`);
    const text = await readFile(file, "utf8");
    expect(text.startsWith(before)).toBe(true);
    const parsed = parseAnchorLines(text);
    expect(parsed.checkpoints.map((c) => c.size)).toEqual([1, 3]);
    expect(parsed.problems).toEqual([{ line: 2, why: "not JSON" }]);
  });

  it("refuses to write a checkpoint the reader would reject", async () => {
    const a = open(dir, "o");
    await expect(a.append({ ...cp(1), root: "short" })).rejects.toThrow(RangeError);
    expect(await a.append(cp(1))).toMatch(/#line=1$/);
  });
});

describe("parseAnchorLines", () => {
  it("reports malformed lines by number and keeps the good ones", () => {
    const good = anchorLine(cp(5));
    const text = [
      good,
      "\n", // 2
      "[1,2]\n", // 3
      `${JSON.stringify({ ...cp(6), size: -1 })}\n`, // 4
      `${JSON.stringify({ ...cp(6), root: Buffer.alloc(31).toString("base64") })}\n`, // 5
      `${JSON.stringify({ ...cp(6), root: ROOT.replace(/.=$/, "B=") })}\n`, // 6: non-canonical padding bits
      `${JSON.stringify({ ...cp(6), note: 7 })}\n`, // 7
      `${JSON.stringify({ ...cp(6), jws: "" })}\n`, // 8
      `${JSON.stringify({ ...cp(6), at: "yesterday" })}\n`, // 9
      anchorLine(cp(7)), // 10
      '{"size":8', // 11: torn, no newline
    ].join("");
    const { checkpoints, problems } = parseAnchorLines(text);
    expect(checkpoints.map((c) => c.size)).toEqual([5, 7]);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(problems.find((p) => p.line === 11)?.why).toMatch(/no newline/);
    expect(problems.find((p) => p.line === 5)?.why).toMatch(/root/);
  });

  it("reads empty text as no checkpoints", () => {
    expect(parseAnchorLines("")).toEqual({ checkpoints: [], problems: [] });
  });
});
