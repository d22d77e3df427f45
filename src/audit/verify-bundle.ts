// Offline verification of an audit export bundle (audit spec §2.9, R1–R11) against a trust
// file: the pinned log keys and the checkpoints anchored outside the database. Answers intact
// (exit 0), tampered (1) or incomplete (2), names the first bad thing, and lists findings.
//
// Past 500 lines because the bundle is checked in one streaming pass: leaf hashes, tree roots,
// entries, projection columns, writer chains and requests are checked together as the lines
// go by, so a 1,000,000-entry bundle is read once with bounded memory (per entry only an
// 8-byte event-id fingerprint is kept; per writer the ends of its contiguous runs; per
// request, until its answer arrives, its event id). The pass shares its state, so it stays in
// one class; the parsers of the bundle's files (the export contract) sit below it.
//
// Web standards only: files come through an injected BundleReader (the CLI reads a directory,
// the console could read an upload) and SHA-256 is passed in, as merkle.ts explains. The
// reader hashes files for the manifest check and then streams them again for the rest; a
// bundle changed between the two reads is not detected, so verify a copy nobody writes to.
import { calculateJwkThumbprint, decodeProtectedHeader } from "jose";
import { err, ok, type Result } from "../errors/result.ts";
import { canonicalize, encodeEntry } from "./canonical-json.ts";
import { verifyCheckpoint, verifyManifest, type Manifest } from "./checkpoint.ts";
import { CompactRange, emptyRoot, equalBytes, leafHash, verifyConsistency, type Sha256 } from "./merkle.ts";
import { projectionOf, type Projection } from "./projection.ts";

export const BUNDLE_FORMAT = "custos-audit-bundle/1";
/** The header line of entries.csv, exactly. */
export const CSV_HEADER = "log_index,leaf,type,event_id,ts,request_event_id,team,subject,model,provider,region,decision,status,pii,entry";
/** Projection columns as entries.jsonl and entries.csv name them, and the Projection field each holds. */
export const BUNDLE_COLUMNS = [
  ["type", "type"],
  ["event_id", "eventId"],
  ["ts", "ts"],
  ["request_event_id", "requestEventId"],
  ["team", "team"],
  ["subject", "subject"],
  ["model", "model"],
  ["provider", "provider"],
  ["region", "region"],
  ["decision", "decision"],
  ["status", "status"],
  ["pii", "pii"],
] as const satisfies readonly (readonly [string, keyof Projection])[];

/** A checkpoint copied to the outside anchor (structurally the anchor module's type). */
export interface AnchoredCheckpoint {
  size: number;
  /** Standard base64, as in the checkpoint body. */
  root: string;
  note: string;
  jws: string;
  /** RFC 3339: when it was anchored. */
  at: string;
}

/** What the trust file pins. Keys are public Ed25519 JWKs; nothing in the bundle is trusted. */
export interface Trust {
  origin: string;
  keys: readonly unknown[];
  anchored: readonly AnchoredCheckpoint[];
}

/** Bundle files by relative path ("/"-separated). Read errors are thrown. */
export interface BundleReader {
  /** Every file in the bundle, manifest.json and manifest.jws included. */
  list(): Promise<string[]>;
  /** A small file's whole text (manifest.jws, manifest.json, bundle.json); undefined when absent. */
  text(path: string): Promise<string | undefined>;
  /** A file's lines without their "\n", none after the last "\n". */
  lines(path: string): AsyncIterable<string>;
  /** SHA-256 (lower-case hex) and byte length of a file, computed streaming; undefined when absent. */
  digest(path: string): Promise<{ sha256: string; bytes: number } | undefined>;
}

export interface VerifyOptions {
  sha: Sha256;
  /** RFC 3339; findings and the in-range count cover entries with from ≤ ts < to. Everything is still checked. */
  from?: string;
  to?: string;
  /** How late a writer's event may be integrated (default 60 s): gaps this close to the range's edges may lie outside it. */
  maxMergeDelayMs?: number;
  /** Findings listed in full (default 1000); findingCounts counts them all. */
  maxFindings?: number;
}

/** The checks, in the order they run; the first failure is named by this order. */
export const CHECKS = ["trust", "manifest signature", "manifest files", "bundle description", "checkpoint signatures", "checkpoint consistency", "tree", "entry hashes", "entry fields", "completeness", "unique event ids", "writer chains", "anchors"] as const;
export type CheckName = (typeof CHECKS)[number];
/** fail: proof of tampering; missing: input absent or unreadable; skipped: not checkable here. */
export type CheckOutcome = "pass" | "fail" | "missing" | "skipped";
export interface Check {
  name: CheckName;
  ok: boolean;
  outcome: CheckOutcome;
  detail: string;
}
export interface Failure {
  check: CheckName;
  why: string;
  logIndex?: number;
  eventId?: string;
  checkpointSize?: number;
  /** Leaf indices [from, to) the failure implicates. */
  leafRange?: [number, number];
}
export type FindingKind = "unterminated_request" | "writer_abnormal_end" | "writer_gap_at_edge";
export interface Finding {
  kind: FindingKind;
  detail: string;
  eventId?: string;
  logIndex?: number;
  writer?: string;
}
export interface BundleInfo {
  origin: string;
  scope: "full" | "team";
  team?: string;
  fromIndex: number;
  toIndex: number;
  treeSize: number;
  entries: "entries.jsonl" | "entries.csv";
  created?: string;
}
export interface VerifyResult {
  status: "intact" | "tampered" | "incomplete";
  exitCode: 0 | 1 | 2;
  first?: Failure;
  checks: Check[];
  counts: { leaves: number; entries: number; entriesInRange: number; checkpoints: number; anchors: number; writers: number };
  findings: Finding[];
  findingCounts: Record<FindingKind, number>;
  bundle?: BundleInfo;
  timeRange?: { from?: string; to?: string };
}

/**
 * Verifies a bundle against the trust file. Never throws for anything in the bundle or the
 * trust file; throws RangeError when opts.from / opts.to is not a time.
 */
export async function verifyBundle(reader: BundleReader, trust: Trust, opts: VerifyOptions): Promise<VerifyResult> {
  const v = new Verification(reader, trust, opts, parseTime(opts.from, "from"), parseTime(opts.to, "to"));
  await v.run();
  return v.result();
}

// ── The verification ──────────────────────────────────────────────────────────────────────

type Obj = Record<string, unknown>;
type Bundle = { info: BundleInfo; a: number; b: number; n: number; left: Uint8Array[]; right: { level: number; hash: Uint8Array }[] };
type Cp = { size: number; root: Uint8Array | undefined /* undefined: its signature failed */ };
/** One exported entry line; `raw` is set for entry_b64 and for CSV (the cell's UTF-8). */
type Rec = { line: number; logIndex: number; leaf: string; entry?: Obj; raw?: Uint8Array; columns: Obj; csv: boolean };
type Bad = { line: number; problem: string; fatal?: boolean };
/** One end of a run of contiguous seqs of a writer. */
type End = { seq: number; leaf: string; prev: string; index: number; eventId: string | undefined; type: string; ts: number };
type Writer = { runs: { lo: End; hi: End }[]; closeSeq?: number };

class Stop extends Error {}
class ReadError extends Error {
  constructor(
    readonly check: CheckName | undefined,
    message: string,
  ) {
    super(message);
  }
}

class Verification {
  private readonly ledger = new Ledger();
  private readonly keys = new Map<string, { kty: "OKP"; crv: "Ed25519"; x: string }>();
  private readonly counts = { leaves: 0, entries: 0, entriesInRange: 0, checkpoints: 0, anchors: 0, writers: 0 };
  private readonly findings: Finding[] = [];
  private readonly findingCounts: Record<FindingKind, number> = { unterminated_request: 0, writer_abnormal_end: 0, writer_gap_at_edge: 0 };
  private current: CheckName = "trust";
  private files = new Set<string>();
  private created: string | undefined;
  private bundle!: Bundle;
  private readonly cps: Cp[] = [];
  private readonly computedSizes = { left: new Set<number>(), right: new Set<number>() };
  /** Sizes in [a, b] whose recomputed root is wanted; `got` holds recomputed roots by size. */
  private readonly want = new Set<number>();
  private readonly got = new Map<number, Uint8Array>();
  private range: CompactRange | undefined;
  private noEntries = false;
  private lastIndex = -1;
  private firstTs = NaN;
  private lastTs = NaN;
  private hashed = 0;
  private fps = new Float64Array(1024);
  private nfp = 0;
  private readonly writers = new Map<string, Writer>();
  private readonly writerIds = new Set<string>();
  private readonly open = new Map<string, { index: number; ts: number }>();

  constructor(
    private readonly reader: BundleReader,
    private readonly trust: Trust,
    private readonly opts: VerifyOptions,
    private readonly from: number | undefined,
    private readonly to: number | undefined,
  ) {}

  async run(): Promise<void> {
    try {
      if (!(await this.trustKeys())) return;
      await this.manifest();
      await this.bundleJson();
      await this.checkpoints();
      await this.pass();
      this.tree();
      this.writerEnds();
      await this.duplicates();
      await this.anchors();
      this.unterminated();
    } catch (e) {
      if (e instanceof Stop) return;
      if (e instanceof ReadError) {
        this.ledger.missing(e.check ?? this.current, e.message);
        return;
      }
      throw e;
    }
  }

  result(): VerifyResult {
    const { checks, first, status } = this.ledger.build();
    const b = this.bundle as Bundle | undefined;
    return {
      status,
      exitCode: status === "intact" ? 0 : status === "tampered" ? 1 : 2,
      ...(first && { first }),
      checks,
      counts: { ...this.counts, anchors: Array.isArray(this.trust?.anchored) ? this.trust.anchored.length : 0, writers: this.bundle?.info.scope === "full" ? this.writers.size : this.writerIds.size },
      findings: this.findings,
      findingCounts: this.findingCounts,
      ...(b && { bundle: { ...b.info, ...(this.created !== undefined && { created: this.created }) } }),
      ...((this.opts.from !== undefined || this.opts.to !== undefined) && { timeRange: { ...(this.opts.from !== undefined && { from: this.opts.from }), ...(this.opts.to !== undefined && { to: this.opts.to }) } }),
    };
  }

  // 0. The trust file: pinned keys by RFC 7638 thumbprint (computed here, never read from a kid field).
  private async trustKeys(): Promise<boolean> {
    const t = this.trust as Partial<Trust> | undefined;
    const bad = (why: string): boolean => {
      this.ledger.missing("trust", `the trust file ${why}`);
      return false;
    };
    if (typeof t?.origin !== "string" || t.origin === "") return bad("names no log origin");
    if (!Array.isArray(t.keys) || t.keys.length === 0) return bad("pins no keys");
    if (!Array.isArray(t.anchored)) return bad("has no list of anchored checkpoints");
    for (const [i, k] of (t.keys as unknown[]).entries()) {
      const { kty, crv, x, d } = (isObj(k) ? k : {}) as Obj;
      if (kty !== "OKP" || crv !== "Ed25519" || typeof x !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(x) || d !== undefined) return bad(`key ${i + 1} is not a public Ed25519 JWK`);
      this.keys.set(await calculateJwkThumbprint({ kty, crv, x }, "sha256"), { kty, crv, x });
    }
    this.ledger.pass("trust", `${this.keys.size} pinned key(s) for ${t.origin}; ${t.anchored.length} anchored checkpoint(s)`);
    return true;
  }

  private signer(jws: string): { kid: string; key: object | undefined } {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(jws).kid;
    } catch {
      return { kid: "(not a JWS)", key: undefined };
    }
    return typeof kid === "string" ? { kid: safeId(kid), key: this.keys.get(kid) } : { kid: "(none)", key: undefined };
  }

  // 1. manifest.jws by a pinned key; every file listed, matching, and nothing unlisted.
  private async manifest(): Promise<void> {
    this.current = "manifest signature";
    this.files = new Set(await read(this.reader.list(), "the bundle's file list"));
    const jws = this.files.has("manifest.jws") ? (await read(this.reader.text("manifest.jws"), "manifest.jws"))?.trim() : undefined;
    if (jws === undefined) {
      this.ledger.missing("manifest signature", "manifest.jws is missing");
      return this.ledger.skip("manifest files", "there is no signed manifest to check the files against");
    }
    const { kid, key } = this.signer(jws);
    if (key === undefined) {
      this.ledger.fail("manifest signature", `manifest.jws is signed by key ${kid}, which the trust file does not pin`);
      return this.ledger.skip("manifest files", "the manifest is not signed by a pinned key");
    }
    const verified = await verifyManifest(jws, key);
    if (!verified.ok) {
      this.ledger.fail("manifest signature", `manifest.jws does not verify: ${verified.error.message}`);
      return this.ledger.skip("manifest files", "the manifest does not verify");
    }
    const manifest = verified.value;
    this.created = manifest.created;
    this.ledger.pass("manifest signature", `manifest.jws is signed by pinned key ${kid}; created ${manifest.created}`);

    this.current = "manifest files";
    const json = this.files.has("manifest.json") ? await read(this.reader.text("manifest.json"), "manifest.json") : undefined;
    if (json === undefined) this.ledger.missing("manifest files", "manifest.json is missing");
    else if (!sameManifest(json, manifest)) this.ledger.fail("manifest files", "manifest.json differs from the manifest signed in manifest.jws");
    const listed = new Set<string>(["manifest.json", "manifest.jws"]);
    let matched = 0;
    for (const f of manifest.files) {
      listed.add(f.path);
      const d = this.files.has(f.path) ? await read(this.reader.digest(f.path), f.path) : undefined;
      if (d === undefined) this.ledger.missing("manifest files", `${show(f.path)} is listed in the signed manifest but missing from the bundle`);
      else if (d.sha256 !== f.sha256 || d.bytes !== f.bytes) this.ledger.fail("manifest files", `${show(f.path)} does not match the signed manifest: ${d.bytes} bytes with SHA-256 ${d.sha256.slice(0, 12)}…, the manifest says ${f.bytes} bytes with ${f.sha256.slice(0, 12)}…`);
      else matched++;
    }
    for (const path of this.files) if (!listed.has(path)) this.ledger.fail("manifest files", `${show(path)} is in the bundle but not in the signed manifest`);
    this.ledger.pass("manifest files", `${matched} file(s) match the SHA-256 and length in the signed manifest; no file is unlisted`);
  }

  // bundle.json: the range, the hashes either side of it, the entries file.
  private async bundleJson(): Promise<void> {
    this.current = "bundle description";
    const text = this.files.has("bundle.json") ? await read(this.reader.text("bundle.json"), "bundle.json") : undefined;
    const stop = (why: string): never => {
      this.ledger.missing("bundle description", why);
      throw new Stop();
    };
    if (text === undefined) stop("bundle.json is missing");
    const parsed = parseBundle(text!);
    if (!parsed.ok) stop(`bundle.json ${parsed.error}`);
    const bundle = (parsed as { value: Bundle }).value;
    this.bundle = bundle;
    const { info, a, b, n, left, right } = bundle;
    if (info.origin !== this.trust.origin) stop(`the bundle is for log ${show(info.origin)} but the trust file pins ${show(this.trust.origin)}; verify with that log's trust file`);
    // Roots computable without leaves.txt: prefixes of the compact range of [0, a) (size 0 included) …
    let size = 0;
    const levels = levelsOf(a);
    this.computedSizes.left.add(0).add(a);
    this.got.set(0, emptyRoot(this.opts.sha));
    for (let k = 0; k < left.length; k++) {
      size += 2 ** levels[k]!;
      this.computedSizes.left.add(size);
      this.got.set(size, new CompactRange(this.opts.sha, { size, hashes: left.slice(0, k + 1) }).root());
    }
    // … and b plus prefixes of the right-hand subtrees (recorded once leaves.txt is read).
    size = b;
    for (const r of right) this.computedSizes.right.add((size += 2 ** r.level));
    this.ledger.pass("bundle description", `log ${info.origin}: ${info.scope === "full" ? "full export" : `export for team ${show(info.team ?? "")}`} of leaves [${a}, ${b}) of a tree of ${n}`);
  }

  private computable(size: number): boolean {
    return (size >= this.bundle.a && size <= this.bundle.b) || this.computedSizes.left.has(size) || this.computedSizes.right.has(size);
  }

  // 2. Every checkpoint signed by a pinned key for this origin, sizes increasing, each pair consistent.
  private async checkpoints(): Promise<void> {
    this.current = "checkpoint signatures";
    if (!this.files.has("checkpoints.jsonl")) {
      this.ledger.missing("checkpoint signatures", "checkpoints.jsonl is missing");
      throw new Stop();
    }
    let line = 0;
    let proved = 0;
    let recomputed = 0;
    let prev: Cp | undefined;
    for await (const text of this.lines("checkpoints.jsonl")) {
      line++;
      const c = parseCheckpointLine(text);
      if (!c.ok) {
        this.ledger.missing("checkpoint signatures", `checkpoints.jsonl line ${line} ${c.error}`);
        continue;
      }
      const { size, prevSize, proof } = c.value;
      this.counts.checkpoints++;
      const root = await this.verifySigned(c.value, "checkpoint signatures", "the checkpoint");
      if (prev !== undefined && size <= prev.size) {
        this.ledger.fail("checkpoint consistency", `checkpoint sizes do not increase: ${size} follows ${prev.size}`, { checkpointSize: size });
      } else if (prev?.root !== undefined && root !== undefined) {
        const both = this.computable(prev.size) && this.computable(size);
        if (prevSize !== prev.size || proof === undefined) {
          if (both) recomputed++;
          else this.ledger.missing("checkpoint consistency", `no consistency proof links checkpoint ${prev.size} to checkpoint ${size}`, { checkpointSize: size });
        } else if (verifyConsistency(this.opts.sha, prev.size, size, prev.root, root, proof)) {
          proved++;
        } else {
          this.ledger.fail("checkpoint consistency", `the checkpoints of size ${prev.size} and ${size} are not consistent: the log was rewritten between them`, { checkpointSize: size, leafRange: [prev.size, size] });
        }
      }
      prev = { size, root };
      this.cps.push(prev);
    }
    const last = this.cps[this.cps.length - 1];
    if (last === undefined) {
      this.ledger.missing("checkpoint signatures", "checkpoints.jsonl holds no checkpoint");
      throw new Stop();
    }
    if (last.size !== this.bundle.n) {
      this.ledger.missing("bundle description", `bundle.json's tree_size ${this.bundle.n} is not the size of the last checkpoint, ${last.size}`);
      throw new Stop();
    }
    this.ledger.pass("checkpoint signatures", `${this.cps.length} checkpoint(s), sizes ${this.cps[0]!.size}…${last.size}, each signed (note and JWS) by a pinned key for ${this.trust.origin}`);
    this.ledger.pass("checkpoint consistency", `sizes increase; ${proved} consistency proof(s) verify and ${recomputed} pair(s) are shown consistent by recomputing both roots`);
    const anchored = this.trust.anchored.map((x: unknown) => (isObj(x) && isIndex(x.size) ? x.size : -1));
    for (const size of [...this.cps.map((cp) => cp.size), ...anchored]) if (size > this.bundle.a && size <= this.bundle.b) this.want.add(size);
  }

  /** The signed root if note and JWS verify with the pinned key the JWS names and agree with the stated size and root. */
  private async verifySigned(c: { size: number; root: string; note: string; jws: string }, check: CheckName, what: string): Promise<Uint8Array | undefined> {
    const at = { checkpointSize: c.size };
    const { kid, key } = this.signer(c.jws);
    if (key === undefined) return void this.ledger.fail(check, `${what} of size ${c.size} is signed by key ${kid}, which the trust file does not pin`, at);
    const r = await verifyCheckpoint({ note: c.note, jws: c.jws }, key, this.trust.origin);
    if (!r.ok) return void this.ledger.fail(check, `${what} of size ${c.size} does not verify with pinned key ${kid}: ${r.error.message}`, at);
    if (r.value.size !== c.size || toBase64(r.value.root) !== c.root) return void this.ledger.fail(check, `${what} of size ${c.size} states a size or root other than its signed body (size ${r.value.size})`, at);
    return r.value.root;
  }

  // 3 and 4. One pass over leaves.txt and the entries in step: tree, entries, writer chains, requests.
  private async pass(): Promise<void> {
    this.current = "tree";
    const { a, b, left, info } = this.bundle;
    if (!this.files.has("leaves.txt")) {
      this.ledger.missing("tree", "leaves.txt is missing");
      throw new Stop();
    }
    if (!this.files.has(info.entries)) {
      this.ledger.missing("entry hashes", `${info.entries} is missing`);
      this.noEntries = true;
    }
    const leaves = this.lines("leaves.txt")[Symbol.asyncIterator]();
    const records = (this.noEntries ? noRecords() : this.records())[Symbol.asyncIterator]();
    try {
      const range = new CompactRange(this.opts.sha, { size: a, hashes: left });
      let rec = await this.nextRecord(records);
      for (let i = a; i < b; i++) {
        const step = await leaves.next();
        if (step.done) {
          this.ledger.missing("tree", `leaves.txt ends after ${i - a} line(s); the range [${a}, ${b}) needs ${b - a}`);
          throw new Stop();
        }
        const leaf = hashFromBase64url(step.value);
        if (leaf === undefined) {
          this.ledger.missing("tree", `leaves.txt line ${i - a + 1} (log index ${i}) is not a base64url SHA-256 hash`, { logIndex: i });
          throw new Stop();
        }
        range.append(leaf);
        this.counts.leaves++;
        if (this.want.has(i + 1)) this.got.set(i + 1, range.root());
        if (rec?.logIndex === i) {
          this.entry(rec, i, step.value, leaf);
          rec = await this.nextRecord(records);
        } else if (info.scope === "full" && !this.noEntries) {
          this.ledger.fail("completeness", `leaf ${i} has no entry (deleted)`, { logIndex: i });
        }
      }
      if (!(await leaves.next()).done) this.ledger.missing("tree", `leaves.txt has more than the ${b - a} line(s) of the range [${a}, ${b})`);
      this.range = range;
    } finally {
      await leaves.return?.(undefined);
      await records.return?.(undefined);
    }
    this.current = "entry hashes";
    if (this.noEntries) {
      for (const c of ["entry fields", "completeness", "unique event ids", "writer chains"] as const) this.ledger.skip(c, `not checkable: ${info.entries} is missing or unreadable`);
      return;
    }
    this.ledger.pass("entry hashes", `${this.hashed} entr${this.hashed === 1 ? "y hashes" : "ies hash"} to the leaf integrated at its log index`);
    this.ledger.pass("entry fields", `every entry names log ${info.origin}${info.scope === "team" ? ` and team ${show(info.team ?? "")}` : ""}, and its projection columns equal the entry`);
    this.ledger.pass("completeness", info.scope === "full" ? `every leaf of [${a}, ${b}) has its entry, in log order` : `entries are in log order within [${a}, ${b}); omitted entries are covered by their leaf hashes`);
  }

  private async *records(): AsyncGenerator<Rec | Bad> {
    const file = this.bundle.info.entries;
    if (file === "entries.csv") yield* csvRecords(this.lines(file));
    else {
      let line = 0;
      for await (const text of this.lines(file)) yield jsonlRecord(text, ++line);
    }
  }

  /** The next well-formed record in log order within [a, b); reports the others. */
  private async nextRecord(it: AsyncIterator<Rec | Bad>): Promise<Rec | undefined> {
    const { a, b, info } = this.bundle;
    for (;;) {
      const step = await it.next();
      if (step.done) return undefined;
      const r = step.value;
      if ("problem" in r) {
        this.ledger.missing("entry hashes", `${info.entries}${r.line > 0 ? ` line ${r.line}` : ""} ${r.problem}`);
        if (r.fatal) return void (this.noEntries = true);
        continue;
      }
      const at = { logIndex: r.logIndex };
      if (r.logIndex <= this.lastIndex) this.ledger.fail("completeness", `${info.entries} line ${r.line}: log_index ${r.logIndex} follows ${this.lastIndex}; entries must be in strictly ascending log order`, at);
      else if (r.logIndex < a || r.logIndex >= b) this.ledger.fail("completeness", `${info.entries} line ${r.line}: log_index ${r.logIndex} is outside the bundle's range [${a}, ${b})`, at);
      else {
        this.lastIndex = r.logIndex;
        return r;
      }
      this.lastIndex = Math.max(this.lastIndex, r.logIndex);
    }
  }

  /** Step 4 for one entry, and its part of steps 5 and 7. */
  private entry(rec: Rec, i: number, leafText: string, leaf: Uint8Array): void {
    const { info } = this.bundle;
    const sha = this.opts.sha;
    this.counts.entries++;
    let bytes: Uint8Array;
    let entry: Obj | undefined;
    let notR1: string | undefined;
    if (rec.entry !== undefined) {
      const encoded = encodeEntry(rec.entry);
      if (!encoded.ok) {
        const eventId = str(rec.entry.event_id);
        return void this.ledger.fail("entry fields", `log index ${i}: the entry is not R1 JSON (${encoded.error.message})`, { logIndex: i, ...(eventId !== undefined && { eventId: safeId(eventId) }) });
      }
      bytes = encoded.value;
      entry = rec.entry;
    } else {
      bytes = rec.raw!;
      ({ entry, notR1 } = parseStored(bytes));
    }
    const eventId = str(entry?.event_id) ?? str(rec.columns.event_id);
    const at = { logIndex: i, ...(eventId !== undefined && { eventId: safeId(eventId) }) };
    if (rec.leaf !== leafText) this.ledger.fail("entry hashes", `log index ${i}: the line's leaf differs from leaf ${i} in leaves.txt`, at);
    if (!equalBytes(leafHash(sha, bytes), leaf)) this.ledger.fail("entry hashes", "entry bytes do not hash to the integrated leaf (altered)", at);
    else this.hashed++;
    if (notR1 !== undefined) this.ledger.fail("entry fields", `log index ${i}: the stored entry bytes are not ${notR1} (R1)`, at);
    if (entry === undefined) return;
    if (entry.log !== this.trust.origin) this.ledger.fail("entry fields", `log index ${i}: entry.log names another log`, at);
    const p = projectionOf(entry);
    const column = columnMismatch(rec, p);
    if (column !== undefined) this.ledger.fail("entry fields", `log index ${i}: ${column}`, at);
    if (info.scope === "team" && p.team !== info.team) this.ledger.fail("entry fields", `log index ${i}: the entry's team is ${p.team === undefined ? "absent" : show(p.team)}, but the export is for team ${show(info.team ?? "")}`, at);
    if (eventId !== undefined) this.fingerprint(eventId);
    const ts = Date.parse(p.ts);
    if (!Number.isNaN(ts)) {
      if (Number.isNaN(this.firstTs)) this.firstTs = ts;
      this.lastTs = ts;
    }
    if (this.inRange(ts)) this.counts.entriesInRange++;
    const w = isObj(entry.writer) ? entry.writer : undefined;
    if (info.scope !== "full") {
      if (typeof w?.id === "string") this.writerIds.add(w.id);
      return;
    }
    this.chain(w, { seq: 0, leaf: leafText, prev: "", index: i, eventId: at.eventId, type: p.type, ts });
    if (p.requestEventId !== undefined) this.open.delete(p.requestEventId);
    if (p.type === "llm.request" && eventId !== undefined) this.open.set(eventId, { index: i, ts });
  }

  // 5. Writer chains: runs of contiguous seqs per writer, joined as entries arrive in any order.
  private chain(w: Obj | undefined, e: End): void {
    const at = { logIndex: e.index, ...(e.eventId !== undefined && { eventId: e.eventId }) };
    const id = w?.id;
    if (typeof id !== "string" || id === "" || !isIndex(w?.seq) || typeof w?.prev !== "string") return void this.ledger.fail("writer chains", `log index ${e.index}: the entry has no writer {id, seq, prev} (R6)`, at);
    const seq = (e.seq = w.seq);
    e.prev = w.prev;
    const name = safeId(id);
    let st = this.writers.get(id);
    if (st === undefined) this.writers.set(id, (st = { runs: [] }));
    if (seq === 0 && (e.type !== "writer.open" || e.prev !== ZERO_HASH)) this.ledger.fail("writer chains", `writer ${name}: seq 0 at log index ${e.index} is not a writer.open with a zero prev (R6)`, at);
    if (e.type === "writer.close") st.closeSeq = Math.min(st.closeSeq ?? seq, seq);
    const runs = st.runs;
    let lo = 0;
    for (let hi = runs.length; lo < hi; ) {
      const mid = (lo + hi) >>> 1;
      if (runs[mid]!.lo.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    const before = runs[lo - 1];
    if (before !== undefined && before.hi.seq >= seq) {
      const was = seq === before.lo.seq ? before.lo : seq === before.hi.seq ? before.hi : undefined;
      return void this.ledger.fail("writer chains", `writer ${name}: seq ${seq} appears twice (log indices ${was ? `${was.index} and ` : "… and "}${e.index}): the chain forks`, at);
    }
    const joinBefore = before !== undefined && before.hi.seq === seq - 1 ? before : undefined;
    const after = runs[lo];
    const joinAfter = after !== undefined && after.lo.seq === seq + 1 ? after : undefined;
    if (joinBefore && e.prev !== joinBefore.hi.leaf) {
      this.ledger.fail("writer chains", `writer ${name}: seq ${seq} at log index ${e.index} does not link to seq ${seq - 1} at log index ${joinBefore.hi.index} (its prev is another leaf): the chain forks`, at);
    }
    if (joinAfter && joinAfter.lo.prev !== e.leaf) {
      const next = joinAfter.lo;
      this.ledger.fail("writer chains", `writer ${name}: seq ${next.seq} at log index ${next.index} does not link to seq ${seq} at log index ${e.index} (its prev is another leaf): the chain forks`, { logIndex: next.index, ...(next.eventId !== undefined && { eventId: next.eventId }) });
    }
    if (joinBefore && joinAfter) {
      joinBefore.hi = joinAfter.hi;
      runs.splice(lo, 1);
    } else if (joinBefore) joinBefore.hi = e;
    else if (joinAfter) joinAfter.lo = e;
    else runs.splice(lo, 0, { lo: e, hi: e });
  }

  private writerEnds(): void {
    this.current = "writer chains";
    const { a, info } = this.bundle;
    if (this.noEntries) return;
    if (info.scope !== "full") return this.ledger.skip("writer chains", "not checkable in a team export: the writers' entries for other teams are omitted");
    for (const [id, st] of this.writers) {
      const runs = st.runs;
      if (runs.length === 0) continue;
      if (a === 0 && runs[0]!.lo.seq > 0) this.gap(id, undefined, runs[0]!.lo);
      for (let k = 1; k < runs.length; k++) this.gap(id, runs[k - 1]!.hi, runs[k]!.lo);
      const last = runs[runs.length - 1]!.hi;
      if (st.closeSeq !== undefined && st.closeSeq < last.seq) {
        this.ledger.fail("writer chains", `writer ${safeId(id)} wrote seq ${last.seq} after its writer.close at seq ${st.closeSeq}`, { logIndex: last.index, ...(last.eventId !== undefined && { eventId: last.eventId }) });
      }
      if (last.type !== "writer.close" && this.inRange(last.ts)) {
        this.finding({ kind: "writer_abnormal_end", writer: id, logIndex: last.index, ...(last.eventId !== undefined && { eventId: last.eventId }), detail: `writer ${safeId(id)}: its last entry in the bundle is seq ${last.seq} (${show(last.type, 32)}) at log index ${last.index}, not writer.close: it ended abnormally or was still running when the bundle was cut` });
      }
    }
    this.ledger.pass("writer chains", `${this.writers.size} writer(s): seqs contiguous and every prev links to the writer's previous leaf`);
  }

  /**
   * Seqs missing between two runs. A late event is integrated within the max merge delay of
   * its write, so a gap is proof only when the missing events cannot lie outside [a, b).
   */
  private gap(id: string, before: End | undefined, after: End): void {
    const fromSeq = before === undefined ? 0 : before.seq + 1;
    const what = fromSeq === after.seq - 1 ? `seq ${fromSeq} is missing` : `seqs ${fromSeq}–${after.seq - 1} are missing`;
    const mmd = this.opts.maxMergeDelayMs ?? 60_000;
    const notBefore = this.bundle.a === 0 || (before !== undefined && before.ts > this.firstTs + mmd);
    const notAfter = after.ts + mmd < this.lastTs;
    const where = `before seq ${after.seq} at log index ${after.index}`;
    const at = { logIndex: after.index, ...(after.eventId !== undefined && { eventId: after.eventId }) };
    if (notBefore && notAfter) this.ledger.fail("writer chains", `writer ${safeId(id)}: ${what} (lost or deleted), ${where}`, at);
    else this.finding({ kind: "writer_gap_at_edge", writer: id, ...at, detail: `writer ${safeId(id)}: ${what}, ${where}; this is within the max merge delay of the range's edge, so they may be integrated outside [${this.bundle.a}, ${this.bundle.b})` });
  }

  // 3, completed: the right-hand subtrees up to n, then every computable root against its checkpoint.
  private tree(): void {
    this.current = "tree";
    const { a, b, right } = this.bundle;
    const range = this.range!;
    for (const r of right) {
      range.appendSubtree(r.level, r.hash);
      this.got.set(range.size, range.root());
    }
    let lastGood: number | undefined;
    let compared = 0;
    for (const cp of this.cps) {
      const root = this.got.get(cp.size);
      if (cp.root === undefined || root === undefined) continue;
      compared++;
      if (equalBytes(root, cp.root)) {
        lastGood = cp.size;
        continue;
      }
      const s = cp.size;
      const start = lastGood ?? 0;
      const why =
        s <= a
          ? `bundle.json's left hashes (the compact range of [0, ${a})) were altered`
          : s <= b
            ? `a leaf hash in [${Math.max(start, a)}, ${s}) of leaves.txt was altered${start < a && a > 0 ? ", or bundle.json's left hashes" : ""}`
            : `bundle.json's right hashes or a leaf hash in [${Math.max(start, a)}, ${b}) were altered`;
      this.ledger.fail("tree", `the root recomputed at size ${s} differs from the signed checkpoint of size ${s}: ${why}`, { checkpointSize: s, leafRange: [start, s] });
    }
    if (compared === 0) return this.ledger.skip("tree", "no checkpoint that verifies with a pinned key is at a size the bundle's hashes reach");
    this.ledger.pass("tree", `${compared} checkpoint root(s) recomputed from bundle.json's left and right hashes and the ${this.counts.leaves} leaves of [${a}, ${b}); all equal the signed roots`);
  }

  private fingerprint(eventId: string): void {
    if (this.nfp === this.fps.length) {
      const grown = new Float64Array(this.fps.length * 2);
      grown.set(this.fps);
      this.fps = grown;
    }
    this.fps[this.nfp++] = fingerprintOf(this.opts.sha, eventId);
  }

  // Duplicate event ids: 48-bit fingerprints sorted; a repeat is confirmed by a second read.
  private async duplicates(): Promise<void> {
    this.current = "unique event ids";
    if (this.noEntries) return;
    const fps = this.fps.subarray(0, this.nfp).sort();
    const suspects = new Set<number>();
    for (let i = 1; i < fps.length; i++) if (fps[i] === fps[i - 1]) suspects.add(fps[i]!);
    const seen = new Map<string, Set<number>>();
    if (suspects.size > 0) {
      const { a, b } = this.bundle;
      for await (const r of this.records()) {
        if ("problem" in r || r.logIndex < a || r.logIndex >= b) continue;
        const id = str((r.entry ?? parseStored(r.raw!).entry)?.event_id) ?? str(r.columns.event_id);
        if (id === undefined || !suspects.has(fingerprintOf(this.opts.sha, id))) continue;
        let at = seen.get(id);
        if (at === undefined) seen.set(id, (at = new Set()));
        at.add(r.logIndex);
      }
    }
    for (const [id, at] of seen) {
      const indices = [...at].sort((x, y) => x - y);
      if (indices.length > 1) this.ledger.fail("unique event ids", `event_id repeats at log indices ${indices.join(", ")}`, { logIndex: indices[1]!, eventId: safeId(id) });
    }
    this.ledger.pass("unique event ids", `${this.nfp} event id(s), none repeated`);
  }

  // 6. The outside anchor: every anchored checkpoint verifies and agrees with the bundle.
  private async anchors(): Promise<void> {
    this.current = "anchors";
    const { a, b, n, info } = this.bundle;
    if (this.trust.anchored.length === 0) return this.ledger.skip("anchors", "the trust file's anchor holds no checkpoints");
    const signed = new Map<number, Uint8Array>();
    for (const cp of this.cps) if (cp.root !== undefined) signed.set(cp.size, cp.root);
    const created = this.created === undefined ? NaN : Date.parse(this.created);
    let compared = 0;
    let newer = 0;
    const unreachable: number[] = [];
    for (const x of this.trust.anchored) {
      if (!isObj(x) || !isIndex(x.size) || typeof x.root !== "string" || typeof x.note !== "string" || typeof x.jws !== "string") {
        this.ledger.missing("anchors", "an anchored checkpoint is not {size, root, note, jws, at}");
        continue;
      }
      const root = await this.verifySigned(x, "anchors", "the anchored checkpoint");
      if (root === undefined) continue;
      const at = { checkpointSize: x.size };
      if (x.size > n) {
        if (info.scope === "full" && b === n && !(Date.parse(x.at) > created)) {
          this.ledger.fail("anchors", `the anchor holds a checkpoint of size ${x.size} but the log ends at ${n} (truncated)`, { ...at, leafRange: [n, x.size] });
        } else newer++;
        continue;
      }
      let checked = false;
      const bundleRoot = signed.get(x.size);
      if (bundleRoot !== undefined) {
        checked = true;
        if (!equalBytes(bundleRoot, root)) this.ledger.fail("anchors", `the anchored checkpoint of size ${x.size} and the bundle's checkpoint of that size have different roots: the log was rewritten`, at);
      }
      const computed = this.got.get(x.size);
      if (computed !== undefined) {
        checked = true;
        if (!equalBytes(computed, root)) this.ledger.fail("anchors", `the anchored checkpoint of size ${x.size} differs from the root recomputed from the bundle: the log was rewritten`, { ...at, leafRange: [x.size <= a ? 0 : a, Math.min(x.size, b)] });
      }
      if (checked) compared++;
      else unreachable.push(x.size);
    }
    const notes = [
      newer > 0 && `${newer} anchored after the bundle was made or beyond its range`,
      unreachable.length > 0 && `${unreachable.length} (size ${unreachable.slice(0, 3).join(", ")}${unreachable.length > 3 ? ", …" : ""}) not checkable: the bundle holds no consistency proof to that size`,
    ].filter(Boolean);
    const detail = `${compared} anchored checkpoint(s) agree with the bundle${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`;
    if (compared === 0) this.ledger.skip("anchors", detail);
    else this.ledger.pass("anchors", detail);
  }

  // 7. Requests nothing answered (full scope only: a team export omits entries).
  private unterminated(): void {
    if (this.bundle.info.scope !== "full" || this.noEntries) return;
    for (const [eventId, { index, ts }] of this.open) {
      if (!this.inRange(ts)) continue;
      this.finding({ kind: "unterminated_request", eventId: safeId(eventId), logIndex: index, detail: `llm.request at log index ${index} has no later entry in the bundle whose request_event_id names it` });
    }
  }

  private finding(f: Finding): void {
    this.findingCounts[f.kind]++;
    if (this.findings.length < (this.opts.maxFindings ?? 1000)) this.findings.push(f);
  }

  private inRange(ts: number): boolean {
    if (this.from === undefined && this.to === undefined) return true;
    return !Number.isNaN(ts) && (this.from === undefined || ts >= this.from) && (this.to === undefined || ts < this.to);
  }

  private async *lines(path: string): AsyncGenerator<string> {
    const check = path === "leaves.txt" ? "tree" : path === "checkpoints.jsonl" ? "checkpoint signatures" : "entry hashes";
    try {
      for await (const line of this.reader.lines(path)) yield line;
    } catch (e) {
      throw new ReadError(check, `could not read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

// ── The ledger of checks ───────────────────────────────────────────────────────────────────

type Tally = { fails: number; missing: number; firstFail?: Failure; firstMissing?: Failure; pass?: string; skip?: string };

class Ledger {
  private readonly tallies = new Map<CheckName, Tally>();

  fail(check: CheckName, why: string, at: Omit<Failure, "check" | "why"> = {}): void {
    const t = this.tally(check);
    t.fails++;
    t.firstFail ??= { check, why, ...at };
  }

  missing(check: CheckName, why: string, at: Omit<Failure, "check" | "why"> = {}): void {
    const t = this.tally(check);
    t.missing++;
    t.firstMissing ??= { check, why, ...at };
  }

  pass(check: CheckName, detail: string): void {
    this.tally(check).pass = detail;
  }

  skip(check: CheckName, detail: string): void {
    this.tally(check).skip = detail;
  }

  build(): { checks: Check[]; first: Failure | undefined; status: VerifyResult["status"] } {
    const more = (f: Failure, n: number) => (n > 1 ? `${f.why} (and ${n - 1} more)` : f.why);
    let firstFail: Failure | undefined;
    let firstMissing: Failure | undefined;
    const checks = CHECKS.map((name): Check => {
      const t = this.tallies.get(name);
      if (t?.firstFail) return (firstFail ??= t.firstFail), { name, ok: false, outcome: "fail", detail: more(t.firstFail, t.fails) };
      if (t?.firstMissing) return (firstMissing ??= t.firstMissing), { name, ok: false, outcome: "missing", detail: more(t.firstMissing, t.missing) };
      if (t?.skip !== undefined) return { name, ok: true, outcome: "skipped", detail: t.skip };
      if (t?.pass !== undefined) return { name, ok: true, outcome: "pass", detail: t.pass };
      return { name, ok: true, outcome: "skipped", detail: "not run: an earlier problem stopped the verification" };
    });
    // A proof of tampering outranks missing input; missing input outranks a clean run.
    const status = firstFail ? "tampered" : firstMissing ? "incomplete" : "intact";
    return { checks, first: firstFail ?? firstMissing, status };
  }

  private tally(check: CheckName): Tally {
    let t = this.tallies.get(check);
    if (t === undefined) this.tallies.set(check, (t = { fails: 0, missing: 0 }));
    return t;
  }
}

// ── Parsing the bundle's files ─────────────────────────────────────────────────────────────

function parseBundle(text: string): Result<Bundle, string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return err("is not JSON");
  }
  if (!isObj(v)) return err("is not a JSON object");
  const { format, origin, scope, team, from_index: a, to_index: b, tree_size: n, left, right, entries } = v;
  if (format !== BUNDLE_FORMAT) return err(`has format ${show(format)}; this verifier reads ${BUNDLE_FORMAT}`);
  if (typeof origin !== "string" || origin === "") return err("names no origin");
  if (scope !== "full" && scope !== "team") return err('has a scope other than "full" or "team"');
  if (scope === "team" ? typeof team !== "string" || team === "" : team !== undefined) return err("needs a team exactly when the scope is team");
  if (!isIndex(a) || !isIndex(b) || !isIndex(n) || a > b || b > n) return err("needs 0 ≤ from_index ≤ to_index ≤ tree_size");
  if (entries !== "entries.jsonl" && entries !== "entries.csv") return err('names an entries file other than "entries.jsonl" or "entries.csv"');
  const levels = levelsOf(a);
  if (!Array.isArray(left) || left.length !== levels.length) return err(`needs ${levels.length} left hash(es), the compact range of [0, ${a})`);
  const leftHashes = left.map((h) => (typeof h === "string" ? hashFromBase64url(h) : undefined));
  if (leftHashes.some((h) => h === undefined)) return err("has a left hash that is not a base64url SHA-256 hash");
  if (!Array.isArray(right)) return err("has no right hashes");
  const rightParts: Bundle["right"] = [];
  let size = b;
  for (const r of right as unknown[]) {
    const level = isObj(r) ? r.level : undefined;
    const hash = isObj(r) && typeof r.hash === "string" ? hashFromBase64url(r.hash) : undefined;
    if (!isIndex(level) || level > 52 || hash === undefined || size % 2 ** level !== 0) return err(`has a right hash that is not an aligned {level, hash} subtree at leaf ${size}`);
    rightParts.push({ level, hash });
    size += 2 ** level;
  }
  if (size !== n) return err(`has right hashes covering [${b}, ${size}), not [${b}, ${n})`);
  const info: BundleInfo = { origin, scope, ...(scope === "team" && { team: team as string }), fromIndex: a, toIndex: b, treeSize: n, entries };
  return ok({ info, a, b, n, left: leftHashes as Uint8Array[], right: rightParts });
}

function parseCheckpointLine(text: string): Result<{ size: number; root: string; note: string; jws: string; prevSize?: number; proof?: Uint8Array[] }, string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return err("is not JSON");
  }
  if (!isObj(v)) return err("is not a JSON object");
  const { size, root, note, jws, prev_size: prevSize, consistency } = v;
  if (!isIndex(size) || typeof root !== "string" || typeof note !== "string" || typeof jws !== "string") return err("is not {size, root, note, jws, …}");
  if (prevSize !== undefined && !isIndex(prevSize)) return err("has a prev_size that is not a tree size");
  let proof: Uint8Array[] | undefined;
  if (consistency !== undefined) {
    const hashes = Array.isArray(consistency) ? consistency.map((h: unknown) => (typeof h === "string" ? hashFromBase64url(h) : undefined)) : [undefined];
    if (hashes.some((h) => h === undefined)) return err("has a consistency proof that is not a list of base64url hashes");
    proof = hashes as Uint8Array[];
  }
  return ok({ size, root, note, jws, ...(prevSize !== undefined && { prevSize }), ...(proof !== undefined && { proof }) });
}

const COLUMN_NAMES = new Set<string>(BUNDLE_COLUMNS.map(([c]) => c));

function jsonlRecord(text: string, line: number): Rec | Bad {
  const bad = (problem: string): Bad => ({ line, problem });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return bad("is not JSON");
  }
  if (!isObj(v)) return bad("is not a JSON object");
  const { log_index: logIndex, leaf, entry, entry_b64: b64, ...columns } = v;
  if (!isIndex(logIndex)) return bad("has no log_index");
  if (typeof leaf !== "string") return bad("has no leaf");
  for (const k of Object.keys(columns)) if (!COLUMN_NAMES.has(k)) return bad(`has an unknown field ${show(k, 32)}`);
  if (entry !== undefined && b64 === undefined) return isObj(entry) ? { line, logIndex, leaf, entry, columns, csv: false } : bad("has an entry that is not a JSON object");
  const raw = entry === undefined && typeof b64 === "string" ? bytesFromBase64url(b64) : undefined;
  return raw === undefined ? bad("needs exactly one of entry (an object) and entry_b64 (base64url)") : { line, logIndex, leaf, raw, columns, csv: false };
}

/** RFC 4180 records over lines: a quoted cell may span lines. */
async function* csvRecords(lines: AsyncIterable<string>): AsyncGenerator<Rec | Bad> {
  let line = 0;
  let start = 0;
  let pending: string | undefined;
  let header = true;
  for await (const text of lines) {
    line++;
    if (pending === undefined) [pending, start] = [text, line];
    else pending += `\n${text}`;
    if (quoteCount(pending) % 2 === 1) continue;
    const record = pending;
    pending = undefined;
    if (header) {
      header = false;
      if (record === CSV_HEADER) continue;
      yield { line: 1, problem: `does not start with the header ${CSV_HEADER}`, fatal: true };
      return;
    }
    yield csvRecord(record, start);
  }
  if (header) yield { line: 0, problem: "has no header line", fatal: true };
  if (pending !== undefined) yield { line: start, problem: "ends inside a quoted cell" };
}

function csvRecord(text: string, line: number): Rec | Bad {
  const cells = csvCells(text);
  const width = BUNDLE_COLUMNS.length + 3;
  if (cells === undefined || cells.length !== width) return { line, problem: `is not a CSV record of ${width} cells` };
  const [index, leaf] = cells as [string, string];
  const logIndex = /^(?:0|[1-9][0-9]*)$/.test(index) ? Number(index) : NaN;
  if (!isIndex(logIndex)) return { line, problem: "has no log_index" };
  const columns: Obj = {};
  BUNDLE_COLUMNS.forEach(([c], k) => {
    if (cells[k + 2] !== "") columns[c] = cells[k + 2];
  });
  return { line, logIndex, leaf, raw: utf8.encode(cells[width - 1]!), columns, csv: true };
}

function csvCells(text: string): string[] | undefined {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let cell = "";
      for (i++; ; ) {
        const q = text.indexOf('"', i);
        if (q < 0) return undefined;
        cell += text.slice(i, q);
        if (text[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        cell += '"';
        i = q + 2;
      }
      cells.push(cell);
    } else {
      const comma = text.indexOf(",", i);
      const end = comma < 0 ? text.length : comma;
      const cell = text.slice(i, end);
      if (cell.includes('"')) return undefined;
      cells.push(cell);
      i = end;
    }
    if (i === text.length) return cells;
    if (text[i] !== ",") return undefined;
    i++;
  }
}

function quoteCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

async function* noRecords(): AsyncGenerator<Rec | Bad> {}

/** Stored bytes (entry_b64, a CSV cell) as an entry, and what R1 rule they break, if any. */
function parseStored(bytes: Uint8Array): { entry?: Obj; notR1?: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    return { notR1: "UTF-8 JSON" };
  }
  if (!isObj(value)) return { notR1: "a JSON object" };
  const encoded = encodeEntry(value);
  return encoded.ok && equalBytes(encoded.value, bytes) ? { entry: value } : { entry: value, notR1: "canonical JSON" };
}

/** The first projection column that disagrees with the entry, said without personal values. */
function columnMismatch(rec: Rec, p: Projection): string | undefined {
  for (const [column, field] of BUNDLE_COLUMNS) {
    const value = p[field];
    const expected = value === "" ? undefined : value;
    const actual = rec.columns[column];
    const same = rec.csv ? (actual ?? "") === (expected === undefined ? "" : Array.isArray(expected) ? expected.join(";") : String(expected)) : JSON.stringify(actual) === JSON.stringify(expected);
    if (same) continue;
    if (column === "subject") return "column subject differs from the entry's actor.subject (values not shown)";
    return `column ${column} says ${actual === undefined ? "nothing" : show(actual, 40)}, entry says ${expected === undefined ? "nothing" : show(expected, 40)}`;
  }
  return undefined;
}

function sameManifest(json: string, manifest: Manifest): boolean {
  try {
    return equalBytes(canonicalize(JSON.parse(json)), canonicalize(manifest));
  } catch {
    return false;
  }
}

// ── Small helpers ──────────────────────────────────────────────────────────────────────────

const utf8 = new TextEncoder();
const ZERO_HASH = "A".repeat(43);

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** An id (event, writer, key) as is when it looks like one, else quoted and cut short. */
function safeId(s: string): string {
  return /^[A-Za-z0-9_.:-]{1,80}$/.test(s) ? s : show(s, 64);
}

/** A value from the bundle quoted for a message: JSON-escaped (no control characters reach a terminal) and cut short. */
function show(v: unknown, max = 80): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function parseTime(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const t = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new RangeError(`verifyBundle: ${name} ${show(text)} is not an RFC 3339 time`);
  return t;
}

/** The levels of the perfect subtrees of the compact range of [0, size), largest first. */
function levelsOf(size: number): number[] {
  const levels: number[] = [];
  for (let level = 52; level >= 0; level--) if (Math.floor(size / 2 ** level) % 2 === 1) levels.push(level);
  return levels;
}

/** 48 bits of H(event id), as an exactly representable number. */
function fingerprintOf(sha: Sha256, eventId: string): number {
  const h = sha(utf8.encode(eventId));
  return (h[0]! * 2 ** 16 + h[1]! * 2 ** 8 + h[2]!) * 2 ** 24 + (h[3]! * 2 ** 16 + h[4]! * 2 ** 8 + h[5]!);
}

function hashFromBase64url(text: string): Uint8Array | undefined {
  if (text.length !== 43) return undefined;
  const bytes = bytesFromBase64url(text);
  return bytes?.length === 32 ? bytes : undefined;
}

/** Unpadded base64url, canonical (re-encodes to the same text), else undefined. */
function bytesFromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return toBase64(bytes).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_") === text ? bytes : undefined;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

async function read<T>(p: Promise<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new ReadError(undefined, `could not read ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
