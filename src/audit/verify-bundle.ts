// Offline verification of an audit export bundle (audit spec §2.9, R1–R11) against a trust
// file: the pinned log keys and the checkpoints anchored outside the database. Answers intact
// (exit 0), tampered (1) or incomplete (2), names the first bad thing, and lists findings.
//
// This file holds the API and the order of the checks: the trust file, the signed manifest,
// bundle.json, the checkpoints, then the one streaming pass over leaves and entries
// (verify-entries.ts, with writer-chains.ts), the tree roots against the checkpoints, and the
// outside anchor. The bundle's file formats are in bundle-format.ts; what the checks found
// accumulates in verify-ledger.ts. Types other modules use are re-exported from here.
//
// Web standards only: files come through an injected BundleReader (the CLI reads a directory,
// the console could read an upload) and SHA-256 is passed in, as merkle.ts explains. The
// reader hashes files for the manifest check and then streams them again for the rest; a
// bundle changed between the two reads is not detected, so verify a copy nobody writes to.
import type { AnchoredCheckpoint } from "./anchor.ts";
import { calculateJwkThumbprint, decodeProtectedHeader } from "jose";
import { isIndex, isObj, levelsOf, parseBundle, parseCheckpointLine, safeId, sameManifest, show, toBase64, type Bundle, type BundleInfo, type BundleReader, type Obj } from "./bundle-format.ts";
import { verifyCheckpoint, verifyManifest } from "./checkpoint.ts";
import { CompactRange, emptyRoot, equalBytes, verifyConsistency, type Sha256 } from "./merkle.ts";
import { EntryPass } from "./verify-entries.ts";
import { Ledger, Stop, type CheckName, type Failure, type Finding, type FindingKind, type Check, type VerifyStatus } from "./verify-ledger.ts";

export { BUNDLE_COLUMNS, BUNDLE_FORMAT, CSV_HEADER, type BundleInfo, type BundleReader } from "./bundle-format.ts";
export { CHECKS, type Check, type CheckName, type CheckOutcome, type Failure, type Finding, type FindingKind } from "./verify-ledger.ts";


/** What the trust file pins. Keys are public Ed25519 JWKs; nothing in the bundle is trusted. */
export type { AnchoredCheckpoint };

export interface Trust {
  origin: string;
  keys: readonly unknown[];
  anchored: readonly AnchoredCheckpoint[];
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

export interface VerifyResult {
  status: VerifyStatus;
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

type Cp = { size: number; root: Uint8Array | undefined /* undefined: its signature failed */ };

class ReadError extends Error {
  constructor(
    readonly check: CheckName | undefined,
    message: string,
  ) {
    super(message);
  }
}

class Verification {
  private readonly ledger: Ledger;
  private readonly keys = new Map<string, { kty: "OKP"; crv: "Ed25519"; x: string }>();
  private readonly counts = { leaves: 0, entries: 0, entriesInRange: 0, checkpoints: 0, anchors: 0, writers: 0 };
  private current: CheckName = "trust";
  private files = new Set<string>();
  private created: string | undefined;
  private bundle!: Bundle;
  private readonly cps: Cp[] = [];
  private readonly computedSizes = { left: new Set<number>(), right: new Set<number>() };
  /** Sizes in [a, b] whose recomputed root is wanted; `got` holds recomputed roots by size. */
  private readonly want = new Set<number>();
  private readonly got = new Map<number, Uint8Array>();
  private entries: EntryPass | undefined;
  private range: CompactRange | undefined;

  constructor(
    private readonly reader: BundleReader,
    private readonly trust: Trust,
    private readonly opts: VerifyOptions,
    private readonly from: number | undefined,
    private readonly to: number | undefined,
  ) {
    this.ledger = new Ledger(opts.maxFindings ?? 1000);
  }

  async run(): Promise<void> {
    try {
      if (!(await this.trustKeys())) return;
      await this.manifest();
      await this.bundleJson();
      await this.checkpoints();
      const entries = this.entryPass();
      this.current = "tree";
      this.range = await entries.pass();
      this.tree();
      this.current = "writer chains";
      entries.writerEnds();
      this.current = "unique event ids";
      await entries.duplicates();
      await this.anchors();
      entries.unterminated();
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
      counts: { ...this.counts, anchors: Array.isArray(this.trust?.anchored) ? this.trust.anchored.length : 0, writers: this.entries?.writers ?? 0 },
      findings: this.ledger.findings,
      findingCounts: this.ledger.findingCounts,
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

  /** Steps 3 (in part), 4, 5 and 7 run in one streaming pass; it records the roots `want` asks for in `got`. */
  private entryPass(): EntryPass {
    const ctx = { origin: this.trust.origin, sha: this.opts.sha, files: this.files, lines: (path: string) => this.lines(path), counts: this.counts, want: this.want, got: this.got, from: this.from, to: this.to, maxMergeDelayMs: this.opts.maxMergeDelayMs ?? 60_000 };
    return (this.entries = new EntryPass(this.bundle, this.ledger, ctx));
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

  private async *lines(path: string): AsyncGenerator<string> {
    const check = path === "leaves.txt" ? "tree" : path === "checkpoints.jsonl" ? "checkpoint signatures" : "entry hashes";
    try {
      for await (const line of this.reader.lines(path)) yield line;
    } catch (e) {
      throw new ReadError(check, `could not read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function parseTime(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const t = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new RangeError(`verifyBundle: ${name} ${show(text)} is not an RFC 3339 time`);
  return t;
}

async function read<T>(p: Promise<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new ReadError(undefined, `could not read ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
