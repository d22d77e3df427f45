// The offline verifier against real bundles built here (signed checkpoints, manifests,
// anchors): intact bundles in JSONL and CSV, and every tampering the verifier must name.
// Past 500 lines on purpose: one bundle builder and the cases that share it; split across
// files, each would rebuild the same signed fixtures.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { appendFile, mkdtemp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeEntry, rfc3339Millis } from "./canonical-json.ts";
import { generateSigningKey, importSigningKey, signCheckpoint, signManifest, type SigningKey } from "./checkpoint.ts";
import { CompactRange, consistencyProof, leafHash, rootFromLeafHashes, type Sha256 } from "./merkle.ts";
import { projectionOf } from "./projection.ts";
import { BUNDLE_COLUMNS, CSV_HEADER, verifyBundle, type AnchoredCheckpoint, type BundleReader, type Trust, type VerifyResult } from "./verify-bundle.ts";
import { formatReport, formatReportJson } from "./verify-report.ts";

const sha: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const ORIGIN = "audit.example.eu/acme/eu-central/2026";
const T0 = Date.parse("2026-11-29T10:00:00.000Z");
const STEP = 5_000; // between entries' ts
const CREATED = T0 + 86_400_000; // when the bundles are made
const CP_SIZES = [10, 25, 40, 50, 64];
const ZERO = b64url(new Uint8Array(32));

type Entry = Record<string, unknown>;
type Writer = { id: string; seq: number; prev: string };
type Made = { entry: Entry; leaf: Uint8Array };

/** An audit log as the integrator would hold it: entries with writer chains, their leaves, signed checkpoints. */
class TestLog {
  readonly entries: Entry[] = [];
  readonly leaves: Uint8Array[] = [];
  private readonly signed = new Map<string, { size: number; root: Uint8Array; note: string; jws: string }>();
  private clock = T0;

  writer(): Writer {
    return { id: b64url(randomBytes(16)), seq: 0, prev: ZERO };
  }

  /** The writer's next entry (advancing its chain), not yet integrated. */
  make(w: Writer, type: string, fields: Entry = {}, chain: { seq?: number; prev?: string } = {}): Made {
    this.clock += STEP;
    const seq = chain.seq ?? w.seq;
    const entry: Entry = { v: 1, type, log: ORIGIN, event_id: randomUUID(), ts: rfc3339Millis(this.clock), writer: { id: w.id, seq, prev: chain.prev ?? w.prev }, ...fields };
    const bytes = encodeEntry(entry);
    if (!bytes.ok) throw bytes.error;
    const leaf = leafHash(sha, bytes.value);
    w.seq = seq + 1;
    w.prev = b64url(leaf);
    return { entry, leaf };
  }

  add(m: Made): Made {
    this.entries.push(m.entry);
    this.leaves.push(m.leaf);
    return m;
  }

  emit(w: Writer, type: string, fields: Entry = {}, chain: { seq?: number; prev?: string } = {}): Made {
    return this.add(this.make(w, type, fields, chain));
  }

  async checkpoint(key: SigningKey, size: number): Promise<{ size: number; root: Uint8Array; note: string; jws: string }> {
    const id = `${key.kid}:${size}`;
    let cp = this.signed.get(id);
    if (cp === undefined) {
      const root = rootFromLeafHashes(sha, this.leaves.slice(0, size));
      const s = await signCheckpoint({ origin: ORIGIN, size, root, privateKey: key.privateKey, publicJwk: key.publicJwk, now: T0 + size * STEP + 1000 });
      this.signed.set(id, (cp = { size, root, note: s.note, jws: s.jws }));
    }
    return cp;
  }

  async anchored(key: SigningKey, sizes: number[], at = (size: number) => T0 + size * STEP + 2000): Promise<AnchoredCheckpoint[]> {
    return Promise.all(sizes.map(async (size) => ({ ...(await this.checkpoint(key, size)), root: b64((await this.checkpoint(key, size)).root), at: rfc3339Millis(at(size)) })));
  }
}

const request = (team: string): Entry => ({
  actor: { tenant: "acme", team, subject: "h7FsubjectPseudonym" },
  request: { op: "chat", model: "gpt-x", stream: false },
  route: { provider: "azure.ai.openai", region: "swedencentral" },
  policy: { decision: "allow_redacted", pii: { counts: { IBAN: 1, EMAIL: 2 } } },
});
const response = (req: Made): Entry => ({ request_event_id: req.entry.event_id, status: 200, actor: req.entry.actor });

/** 64 entries: two writers open, 30 request/response pairs (teams risk and ops), both close. */
function standardLog(): TestLog {
  const log = new TestLog();
  const [w0, w1] = [log.writer(), log.writer()];
  log.emit(w0, "writer.open", { system: { proxy_build: "1.0.0" } });
  log.emit(w1, "writer.open", { system: { proxy_build: "1.0.0" } });
  for (let k = 0; k < 30; k++) {
    const w = k % 2 === 0 ? w0 : w1;
    const req = log.emit(w, "llm.request", request(k % 3 === 0 ? "ops" : "risk"));
    log.emit(w, "llm.response", response(req));
  }
  log.emit(w0, "writer.close");
  log.emit(w1, "writer.close");
  return log;
}

type ExportOptions = {
  a?: number;
  b?: number;
  n?: number;
  checkpoints?: number[];
  scope?: "full" | "team";
  team?: string;
  format?: "jsonl" | "csv";
  checkpointKey?: SigningKey;
  manifestKey?: SigningKey;
  /** The stored entry at index i as the database now holds it (null: the row is gone). */
  entry?: (i: number, entry: Entry) => Entry | null;
  /** Edit the projection columns of index i. */
  columns?: (i: number, columns: Entry) => void;
  /** The stored leaf hash at index i as the database now holds it. */
  leaf?: (i: number) => Uint8Array | undefined;
  /** Edit the parsed bundle.json. */
  describe?: (bundle: Entry) => void;
  /** Edit checkpoints.jsonl lines. */
  checkpointLine?: (line: Entry) => void;
};

let root: string;
let key: SigningKey;
let other: SigningKey;

/** An exporter as the contract describes it; returns the bundle directory. */
async function exportBundle(log: TestLog, o: ExportOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(root, "bundle-"));
  const n = o.n ?? log.leaves.length;
  const [a, b] = [o.a ?? 0, o.b ?? n];
  const scope = o.scope ?? "full";
  const format = o.format ?? "jsonl";
  const leafAt = (i: number): Uint8Array => o.leaf?.(i) ?? log.leaves[i]!;
  const files: Record<string, string> = {};

  files["leaves.txt"] = Array.from({ length: b - a }, (_, k) => `${b64url(leafAt(a + k))}\n`).join("");
  const rows: string[] = format === "csv" ? [`${CSV_HEADER}\n`] : [];
  for (let i = a; i < b; i++) {
    const entry = o.entry ? o.entry(i, log.entries[i]!) : log.entries[i]!;
    if (entry === null) continue;
    const p = projectionOf(entry);
    if (scope === "team" && p.team !== o.team) continue;
    const columns: Entry = {};
    for (const [column, field] of BUNDLE_COLUMNS) if (p[field] !== undefined && p[field] !== "") columns[column] = p[field];
    o.columns?.(i, columns);
    const bytes = encodeEntry(entry);
    if (!bytes.ok) throw bytes.error;
    if (format === "jsonl") {
      rows.push(`${JSON.stringify({ log_index: i, leaf: b64url(leafAt(i)), entry, ...columns })}\n`);
    } else {
      const cell = (v: unknown): string => {
        const s = v === undefined ? "" : Array.isArray(v) ? v.join(";") : String(v);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      };
      rows.push(`${[String(i), b64url(leafAt(i)), ...BUNDLE_COLUMNS.map(([c]) => cell(columns[c])), cell(new TextDecoder().decode(bytes.value))].join(",")}\n`);
    }
  }
  files[`entries.${format}`] = rows.join("");

  const left = new CompactRange(sha);
  for (let i = 0; i < a; i++) left.append(log.leaves[i]!);
  const right: Entry[] = [];
  for (let start = b; start < n; ) {
    let level = 0;
    while (start % 2 ** (level + 1) === 0 && start + 2 ** (level + 1) <= n) level++;
    right.push({ level, hash: b64url(rootFromLeafHashes(sha, log.leaves.slice(start, start + 2 ** level))) });
    start += 2 ** level;
  }
  const bundle: Entry = { format: "custos-audit-bundle/1", origin: ORIGIN, scope, ...(scope === "team" && { team: o.team }), from_index: a, to_index: b, tree_size: n, left: left.hashes.map(b64url), right, entries: `entries.${format}` };
  o.describe?.(bundle);
  files["bundle.json"] = `${JSON.stringify(bundle, null, 2)}\n`;

  const lines: string[] = [];
  let prev: number | undefined;
  for (const size of o.checkpoints ?? CP_SIZES.filter((s) => s <= n)) {
    const cp = await log.checkpoint(o.checkpointKey ?? key, size);
    const line: Entry = { size, root: b64(cp.root), note: cp.note, jws: cp.jws, ...(prev !== undefined && { prev_size: prev, consistency: consistencyProof(sha, log.leaves, prev, size).map(b64url) }) };
    o.checkpointLine?.(line);
    lines.push(`${JSON.stringify(line)}\n`);
    prev = size;
  }
  files["checkpoints.jsonl"] = lines.join("");

  const manifestFiles = [];
  for (const [path, text] of Object.entries(files)) {
    await writeFile(join(dir, path), text);
    const bytes = Buffer.from(text);
    manifestFiles.push({ path, sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length });
  }
  const mk = o.manifestKey ?? key;
  const jws = await signManifest(manifestFiles, mk.privateKey, mk.kid, CREATED);
  await writeFile(join(dir, "manifest.jws"), `${jws}\n`);
  await writeFile(join(dir, "manifest.json"), Buffer.from(jws.split(".")[1]!, "base64url"));
  return dir;
}

/** What the CLI would pass: a directory read with node:fs, lines streamed, files hashed streaming. */
function dirReader(dir: string): BundleReader {
  const absent = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === "ENOENT";
  return {
    async list() {
      const all = await readdir(dir, { recursive: true, withFileTypes: true });
      return all.filter((d) => d.isFile()).map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join("/"));
    },
    async text(path) {
      try {
        return await readFile(join(dir, path), "utf8");
      } catch (e) {
        if (absent(e)) return undefined;
        throw e;
      }
    },
    async *lines(path) {
      yield* createInterface({ input: createReadStream(join(dir, path)), crlfDelay: Infinity });
    },
    async digest(path) {
      try {
        const h = createHash("sha256");
        let bytes = 0;
        for await (const chunk of createReadStream(join(dir, path)) as AsyncIterable<Buffer>) {
          h.update(chunk);
          bytes += chunk.length;
        }
        return { sha256: h.digest("hex"), bytes };
      } catch (e) {
        if (absent(e)) return undefined;
        throw e;
      }
    },
  };
}

async function trustFor(log: TestLog, anchored: number[] = [10, 25, 40, 64]): Promise<Trust> {
  return { origin: ORIGIN, keys: [key.publicJwk], anchored: await log.anchored(key, anchored) };
}

async function verify(dir: string, trust: Trust, opts: { from?: string; to?: string } = {}): Promise<VerifyResult> {
  return verifyBundle(dirReader(dir), trust, { sha, ...opts });
}

function outcome(r: VerifyResult, name: string): string | undefined {
  return r.checks.find((c) => c.name === name)?.outcome;
}

function expectTampered(r: VerifyResult, check: string, why: RegExp, at: { logIndex?: number; eventId?: unknown; checkpointSize?: number } = {}): void {
  expect(r.status, formatReport(r)).toBe("tampered");
  expect(r.exitCode).toBe(1);
  expect(r.first?.check, formatReport(r)).toBe(check);
  expect(r.first?.why).toMatch(why);
  if ("logIndex" in at) expect(r.first?.logIndex).toBe(at.logIndex);
  if ("eventId" in at) expect(r.first?.eventId).toBe(at.eventId);
  if ("checkpointSize" in at) expect(r.first?.checkpointSize).toBe(at.checkpointSize);
}

let log: TestLog;
let trust: Trust;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "custos-verify-"));
  const [k1, k2] = await Promise.all([importSigningKey(await generateSigningKey()), importSigningKey(await generateSigningKey())]);
  if (!k1.ok || !k2.ok) throw new Error("key setup failed");
  [key, other] = [k1.value, k2.value];
  log = standardLog();
  trust = await trustFor(log);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("an intact bundle", () => {
  it("verifies in full: JSONL", async () => {
    const r = await verify(await exportBundle(log), trust);
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.exitCode).toBe(0);
    expect(r.first).toBeUndefined();
    expect(r.checks.filter((c) => c.outcome !== "pass"), formatReport(r)).toEqual([]);
    expect(r.counts).toEqual({ leaves: 64, entries: 64, entriesInRange: 64, checkpoints: 5, anchors: 4, writers: 2 });
    expect(r.findings).toEqual([]);
    expect(r.bundle).toMatchObject({ origin: ORIGIN, scope: "full", fromIndex: 0, toIndex: 64, treeSize: 64, entries: "entries.jsonl", created: rfc3339Millis(CREATED) });
  });

  it("verifies in full: CSV", async () => {
    const r = await verify(await exportBundle(log, { format: "csv" }), trust);
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.counts.entries).toBe(64);
    expect(r.checks.filter((c) => c.outcome !== "pass")).toEqual([]);
  });

  it("verifies when a writer's events were integrated out of seq order", async () => {
    const l = new TestLog();
    const w = l.writer();
    l.emit(w, "writer.open");
    const [m1, m2, m3] = [l.make(w, "config.change"), l.make(w, "config.change"), l.make(w, "config.change")];
    l.add(m3);
    l.add(m1);
    l.add(m2);
    for (let k = 0; k < 59; k++) l.emit(w, "config.change");
    l.emit(w, "writer.close");
    const r = await verify(await exportBundle(l), await trustFor(l));
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.counts.writers).toBe(1);
  });

  it("verifies a range bundle with a > 0 through its left and right hashes", async () => {
    const dir = await exportBundle(log, { a: 20, b: 45, format: "csv" });
    const r = await verify(dir, { ...trust, anchored: await log.anchored(key, [8, 10, 25, 40, 64]) });
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.counts).toMatchObject({ leaves: 25, entries: 25, checkpoints: 5 });
    expect(outcome(r, "tree")).toBe("pass");
    expect(outcome(r, "checkpoint consistency")).toBe("pass");
    // 8 is below a, not a checkpoint in the bundle, and not a prefix of [0, 20)'s compact range.
    expect(r.checks.find((c) => c.name === "anchors")?.detail).toMatch(/4 anchored checkpoint\(s\) agree.*1 \(size 8\) not checkable/);
  });

  it("verifies a range bundle whose start needs three left hashes", async () => {
    const r = await verify(await exportBundle(log, { a: 21, b: 33, checkpoints: [25, 64] }), trust);
    expect(r.status, formatReport(r)).toBe("intact");
  });

  it("verifies a team export with other teams' entries omitted, their leaves keeping it complete", async () => {
    const dir = await exportBundle(log, { scope: "team", team: "risk" });
    const r = await verify(dir, trust);
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.counts.leaves).toBe(64);
    expect(r.counts.entries).toBe(log.entries.filter((e) => projectionOf(e).team === "risk").length);
    expect(outcome(r, "writer chains")).toBe("skipped");
    expect(r.checks.find((c) => c.name === "writer chains")?.detail).toMatch(/not checkable in a team export/);
  });

  it("reports requests nothing answered and writers that did not close, without failing", async () => {
    const l = new TestLog();
    const [w1, w2] = [l.writer(), l.writer()];
    l.emit(w1, "writer.open");
    l.emit(w2, "writer.open");
    const lost = l.emit(w1, "llm.request", request("risk"));
    for (let k = 0; k < 30; k++) {
      const req = l.emit(w2, "llm.request", request("ops"));
      l.emit(w2, "llm.response", response(req));
    }
    l.emit(w2, "writer.close");
    l.emit(w1, "config.change");
    const n = l.leaves.length;
    const dir = await exportBundle(l, { checkpoints: [25, n] });
    const r = await verify(dir, await trustFor(l, [n]));
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.findingCounts).toEqual({ unterminated_request: 1, writer_abnormal_end: 1, writer_gap_at_edge: 0 });
    expect(r.findings.find((f) => f.kind === "unterminated_request")).toMatchObject({ eventId: lost.entry.event_id, logIndex: 2 });
    expect(r.findings.find((f) => f.kind === "writer_abnormal_end")).toMatchObject({ writer: w1.id, logIndex: n - 1 });
    // The report does not call that "all fine".
    expect(formatReport(r)).toMatch(/^Audit bundle verification: INTACT, WITH 2 FINDINGS: /);
    expect(formatReport(r)).toContain("requests with no recorded end");
    // Only entries with ts in [from, to) are reported; everything is still checked.
    const from = T0 + 10 * STEP;
    const later = await verify(dir, await trustFor(l, [n]), { from: rfc3339Millis(from) });
    expect(later.status).toBe("intact");
    expect(later.findingCounts.unterminated_request).toBe(0);
    expect(later.findingCounts.writer_abnormal_end).toBe(1);
    expect(later.counts).toMatchObject({ entries: n, entriesInRange: l.entries.filter((e) => Date.parse(e.ts as string) >= from).length });
    expect(later.timeRange).toEqual({ from: rfc3339Millis(from) });
  });

  it("reports a gap at the edge of a range as a finding: the missing event may lie just outside it", async () => {
    const l = new TestLog();
    const w = l.writer();
    l.emit(w, "writer.open");
    for (let k = 1; k < 44; k++) l.emit(w, "config.change");
    const [m44, m45] = [l.make(w, "config.change"), l.make(w, "config.change")];
    l.add(m45); // index 44: seq 45, integrated before seq 44
    l.add(m44); // index 45
    for (let k = 46; k < 63; k++) l.emit(w, "config.change");
    l.emit(w, "writer.close");
    const r = await verify(await exportBundle(l, { b: 45 }), await trustFor(l));
    expect(r.status, formatReport(r)).toBe("intact");
    expect(r.findingCounts.writer_gap_at_edge).toBe(1);
    expect(r.findings[0]?.detail).toMatch(/seq 44 is missing, before seq 45 at log index 44/);
  });
});

describe("a tampered log or bundle", () => {
  it("names an altered entry by log index and event id (JSONL and CSV)", async () => {
    const entry = (i: number, e: Entry) => (i === 7 ? { ...structuredClone(e), status: 500 } : e);
    for (const format of ["jsonl", "csv"] as const) {
      const r = await verify(await exportBundle(log, { entry, format }), trust);
      expectTampered(r, "entry hashes", /^entry bytes do not hash to the integrated leaf \(altered\)$/, { logIndex: 7, eventId: log.entries[7]!.event_id });
      expect(outcome(r, "tree")).toBe("pass");
    }
  });

  it("names a deleted entry", async () => {
    const r = await verify(await exportBundle(log, { entry: (i, e) => (i === 9 ? null : e) }), trust);
    expectTampered(r, "completeness", /^leaf 9 has no entry \(deleted\)$/, { logIndex: 9 });
  });

  it("names the first of two swapped entries", async () => {
    const r = await verify(await exportBundle(log, { entry: (i, e) => log.entries[i === 11 ? 12 : i === 12 ? 11 : i]! ?? e }), trust);
    expectTampered(r, "entry hashes", /altered/, { logIndex: 11, eventId: log.entries[12]!.event_id });
    expect(r.checks.find((c) => c.name === "entry hashes")?.detail).toMatch(/and 1 more/);
  });

  it("names an edited projection column, without printing personal values", async () => {
    const r = await verify(await exportBundle(log, { columns: (i, c) => void (i === 14 && (c.model = "gpt-cheap")) }), trust);
    expectTampered(r, "entry fields", /^log index 14: column model says "gpt-cheap", entry says "gpt-x"$/, { logIndex: 14 });
    const csv = await verify(await exportBundle(log, { format: "csv", columns: (i, c) => void (i === 17 && (c.team = "ops")) }), trust);
    expectTampered(csv, "entry fields", /column team says "ops", entry says "risk"/, { logIndex: 17 });
    const subject = await verify(await exportBundle(log, { columns: (i, c) => void (i === 16 && (c.subject = "someone-else")) }), trust);
    expectTampered(subject, "entry fields", /column subject differs .*values not shown/, { logIndex: 16 });
    const text = formatReport(subject);
    expect(text).not.toContain("someone-else");
    expect(text).not.toContain("h7FsubjectPseudonym");
  });

  it("names the checkpoint whose root no longer matches when leaves.txt was rewritten to fit an altered entry", async () => {
    const altered = { ...structuredClone(log.entries[20]!), status: 500 };
    const bytes = encodeEntry(altered);
    if (!bytes.ok) throw bytes.error;
    const dir = await exportBundle(log, { entry: (i, e) => (i === 20 ? altered : e), leaf: (i) => (i === 20 ? leafHash(sha, bytes.value) : undefined) });
    const r = await verify(dir, trust);
    expectTampered(r, "tree", /root recomputed at size 25 differs .*a leaf hash in \[10, 25\) of leaves\.txt was altered/, { checkpointSize: 25 });
    expect(r.first?.leafRange).toEqual([10, 25]);
    expect(outcome(r, "entry hashes")).toBe("pass");
    expect(outcome(r, "anchors")).toBe("fail"); // the anchored roots at 25, 40 and 64 disagree too
  });

  it("refuses checkpoints signed by a key the trust file does not pin (the whole log re-signed)", async () => {
    const r = await verify(await exportBundle(log, { checkpointKey: other }), trust);
    expectTampered(r, "checkpoint signatures", new RegExp(`^the checkpoint of size 10 is signed by key ${other.kid}, which the trust file does not pin`), { checkpointSize: 10 });
    expect(r.checks.find((c) => c.name === "checkpoint signatures")?.detail).toMatch(/and 4 more/);
    const all = await verify(await exportBundle(log, { checkpointKey: other, manifestKey: other }), trust);
    expectTampered(all, "manifest signature", /signed by key .* which the trust file does not pin/);
  });

  it("detects a truncated tail against the outside anchor", async () => {
    const dir = await exportBundle(log, { n: 50 });
    const r = await verify(dir, trust);
    expectTampered(r, "anchors", /^the anchor holds a checkpoint of size 64 but the log ends at 50 \(truncated\)$/, { checkpointSize: 64 });
    expect(r.first?.leafRange).toEqual([50, 64]);
    // A checkpoint anchored after the bundle was made is newer, not evidence of truncation.
    const newer = await verify(dir, { ...trust, anchored: await log.anchored(key, [10, 25, 64], (s) => (s === 64 ? CREATED + 1000 : T0)) });
    expect(newer.status, formatReport(newer)).toBe("intact");
  });

  it("detects a checkpoint that differs from the anchored one of the same size", async () => {
    const l = standardLog();
    const r = await verify(await exportBundle(l, { a: 30, b: 40, checkpoints: [25, 40, 64] }), { ...trust, anchored: await log.anchored(key, [25]) });
    expectTampered(r, "anchors", /anchored checkpoint of size 25 and the bundle's checkpoint of that size have different roots/, { checkpointSize: 25 });
  });

  it("names a writer gap: an event lost between two integrated ones", async () => {
    const l = new TestLog();
    const w = l.writer();
    l.emit(w, "writer.open");
    for (let k = 1; k < 30; k++) l.emit(w, "config.change");
    l.make(w, "config.change"); // seq 30 never integrated
    for (let k = 31; k < 64; k++) l.emit(w, "config.change");
    l.emit(w, "writer.close");
    const r = await verify(await exportBundle(l), await trustFor(l));
    expectTampered(r, "writer chains", new RegExp(`^writer ${w.id}: seq 30 is missing \\(lost or deleted\\), before seq 31 at log index 30$`), { logIndex: 30, eventId: l.entries[30]!.event_id });
  });

  it("names a writer fork: a seq used twice, or a prev that skips the previous leaf", async () => {
    const l = new TestLog();
    const w = l.writer();
    l.emit(w, "writer.open");
    for (let k = 1; k < 20; k++) l.emit(w, "config.change");
    const clone = { ...w };
    l.emit(w, "config.change"); // seq 20
    l.emit(clone, "config.change"); // seq 20 again, from a cloned writer state
    for (let k = 21; k < 62; k++) l.emit(w, "config.change");
    l.emit(w, "writer.close");
    const r = await verify(await exportBundle(l), await trustFor(l));
    expectTampered(r, "writer chains", /seq 20 appears twice \(log indices 20 and 21\): the chain forks/, { logIndex: 21 });

    const m = new TestLog();
    const v = m.writer();
    m.emit(v, "writer.open");
    for (let k = 1; k < 63; k++) m.emit(v, "config.change", {}, k === 33 ? { prev: b64url(m.leaves[10]!) } : {});
    m.emit(v, "writer.close");
    const s = await verify(await exportBundle(m), await trustFor(m));
    expectTampered(s, "writer chains", /seq 33 at log index 33 does not link to seq 32 at log index 32/, { logIndex: 33 });
  });

  it("refuses entries of another team in a team export", async () => {
    const inserted = await verify(await exportBundle(log, { scope: "team", team: "risk", describe: (b) => void (b.team = "ops") }), trust);
    expectTampered(inserted, "entry fields", /the entry's team is "risk", but the export is for team "ops"/);
  });

  it("detects a consistency proof that does not link two checkpoints", async () => {
    const dir = await exportBundle(log, { a: 20, b: 45, checkpointLine: (c) => void (c.size === 25 && (c.consistency as string[]).reverse()) });
    const r = await verify(dir, trust);
    expectTampered(r, "checkpoint consistency", /checkpoints of size 10 and 25 are not consistent/, { checkpointSize: 25 });
  });

  it("detects altered right-hand hashes of a range bundle", async () => {
    const r = await verify(await exportBundle(log, { a: 20, b: 45, describe: (b) => void ((b.right as Entry[])[2]!.hash = b64url(new Uint8Array(32).fill(7))) }), trust);
    expectTampered(r, "tree", /size 64 differs .*bundle\.json's right hashes/, { checkpointSize: 64 });
  });

  it("detects a file changed after the manifest was signed, a file added, and an edited manifest.json", async () => {
    const changed = await exportBundle(log);
    await appendFile(join(changed, "leaves.txt"), `${b64url(new Uint8Array(32))}\n`);
    expectTampered(await verify(changed, trust), "manifest files", /^"leaves\.txt" does not match the signed manifest/);

    const added = await exportBundle(log);
    await writeFile(join(added, "notes.txt"), "nothing to see\n");
    expectTampered(await verify(added, trust), "manifest files", /^"notes\.txt" is in the bundle but not in the signed manifest$/);

    const edited = await exportBundle(log);
    const manifest = JSON.parse(await readFile(join(edited, "manifest.json"), "utf8")) as { created: string };
    await writeFile(join(edited, "manifest.json"), JSON.stringify({ ...manifest, created: "2020-01-01T00:00:00.000Z" }));
    expectTampered(await verify(edited, trust), "manifest files", /manifest\.json differs from the manifest signed/);
  });
});

describe("incomplete input", () => {
  it("answers exit 2 when a file is missing", async () => {
    const dir = await exportBundle(log);
    await unlink(join(dir, "leaves.txt"));
    const r = await verify(dir, trust);
    expect(r.status, formatReport(r)).toBe("incomplete");
    expect(r.exitCode).toBe(2);
    expect(r.first).toMatchObject({ check: "manifest files", why: '"leaves.txt" is listed in the signed manifest but missing from the bundle' });
    expect(outcome(r, "tree")).toBe("missing");
  });

  it("answers exit 2 without a signed manifest, a bundle.json, or the entries file", async () => {
    for (const file of ["manifest.jws", "bundle.json", "entries.jsonl"]) {
      const dir = await exportBundle(log);
      await unlink(join(dir, file));
      const r = await verify(dir, trust);
      expect(r.exitCode, `${file}: ${formatReport(r)}`).toBe(2);
    }
  });

  it("answers exit 2 for a trust file of another log, and for a trust file without keys", async () => {
    const dir = await exportBundle(log);
    const r = await verify(dir, { ...trust, origin: "audit.example.eu/other/2026" });
    expect(r.exitCode).toBe(2);
    expect(r.first).toMatchObject({ check: "bundle description", why: `the bundle is for log "${ORIGIN}" but the trust file pins "audit.example.eu/other/2026"; verify with that log's trust file` });
    expect(outcome(r, "manifest signature")).toBe("pass");
    expect((await verify(dir, { ...trust, keys: [] })).first).toMatchObject({ check: "trust", why: "the trust file pins no keys" });
  });

  it("answers exit 2 when a consistency proof the bundle needs is absent", async () => {
    const dir = await exportBundle(log, { a: 20, b: 45, checkpointLine: (c) => void (c.size === 25 && delete c.consistency) });
    const r = await verify(dir, trust);
    expect(r.exitCode).toBe(2);
    expect(r.first).toMatchObject({ check: "checkpoint consistency", why: "no consistency proof links checkpoint 10 to checkpoint 25" });
  });
});

describe("streaming and reports", () => {
  it("reads only manifest.jws, manifest.json and bundle.json whole; the rest line by line", async () => {
    const dir = await exportBundle(log);
    const inner = dirReader(dir);
    const whole: string[] = [];
    const streamed = new Set<string>();
    const spy: BundleReader = {
      list: () => inner.list(),
      digest: (p) => inner.digest(p),
      text: (p) => (whole.push(p), inner.text(p)),
      lines: (p) => (streamed.add(p), inner.lines(p)),
    };
    const r = await verifyBundle(spy, trust, { sha });
    expect(r.status).toBe("intact");
    expect(whole.sort()).toEqual(["bundle.json", "manifest.json", "manifest.jws"]);
    expect([...streamed].sort()).toEqual(["checkpoints.jsonl", "entries.jsonl", "leaves.txt"]);
  });

  it("turns a read error into exit 2 naming the file", async () => {
    const inner = dirReader(await exportBundle(log));
    const failing: BundleReader = {
      ...inner,
      lines: (p) =>
        p === "leaves.txt"
          ? (async function* () {
              yield* [];
              throw new Error("EIO: i/o error");
            })()
          : inner.lines(p),
    };
    const r = await verifyBundle(failing, trust, { sha });
    expect(r.exitCode).toBe(2);
    expect(r.first).toMatchObject({ check: "tree", why: "could not read leaves.txt: EIO: i/o error" });
  });

  it("formats a plain-English report and the JSON form", async () => {
    const r = await verify(await exportBundle(log, { entry: (i, e) => (i === 7 ? { ...e, status: 500 } : e) }), trust);
    const text = formatReport(r);
    expect(text).toContain("Audit bundle verification: TAMPERED");
    expect(text).toContain("Exit code 1.");
    expect(text).toContain(`First failure:\n  check:      entry hashes\n  log index:  7\n  event id:   ${String(log.entries[7]!.event_id)}\n  why:        entry bytes do not hash to the integrated leaf (altered)`);
    expect(text).toContain("[ok     ] manifest signature");
    expect(text).toContain("[FAILED ] entry hashes");
    expect(text).toContain("Counts:    64 leaves, 64 entries, 5 checkpoints, 4 anchored checkpoints, 2 writers");
    expect(JSON.parse(formatReportJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
    const intact = formatReport(await verify(await exportBundle(log), trust));
    expect(intact).toMatch(/^Audit bundle verification: INTACT/);
    expect(intact).toContain("Findings: none.");
  });

  it("rejects a from/to that is not a time", async () => {
    await expect(verifyBundle(dirReader(root), trust, { sha, from: "yesterday" })).rejects.toThrow(RangeError);
  });
});
