// The browser proof check, run as the browser gets it (the PROOF_CHECK_JS string as an ES
// module), against logs and checkpoints built by the server's own code: it must accept
// everything verifyInclusion / verifyConsistency / verifyCheckpoint accept, refuse what they
// refuse, and say at which step and why.
import { createHash } from "node:crypto";
import { CompactSign } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeEntry } from "../../audit/canonical-json.ts";
import { generateSigningKey, importSigningKey, signCheckpoint, signCheckpointJws, signNote, verifyCheckpoint, type SignedCheckpoint, type SigningKey } from "../../audit/checkpoint.ts";
import { consistencyProof, inclusionProof, leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion, type Sha256 } from "../../audit/merkle.ts";
import { proofJson } from "../../audit/proof-file.ts";
import { PROOF_CHECK_JS } from "./proof-check.ts";

type Ok = boolean | null;
type Step = { id: string; name: string; ok: Ok; detail: string };
type Checked = { ok: boolean; steps: Step[]; unavailable?: boolean; reason?: string };
type LogKey = { origin: string; publicJwk: unknown };
type InclusionInput = { entry?: string; entryJson?: unknown; leaf?: string; leafIndex: number; treeSize: number; hashes: string[]; checkpoint: { note: string; jws: string }; logKey?: LogKey };
type ConsistencyInput = { oldSize: number; oldRoot: string; newSize: number; newRoot: string; hashes: string[] };
type FakeNode = { tag: string; text: string; attrs: Record<string, string>; className: string; children: FakeNode[] };
interface ProofCheck {
  INCLUSION_STEPS: [string, string][];
  CONSISTENCY_STEPS: [string, string][];
  checkInclusion(input: InclusionInput): Promise<Checked>;
  checkConsistency(input: ConsistencyInput): Promise<Checked>;
  renderSteps(result: Checked, ol: unknown): unknown;
}

const sha: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const b64u = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64url"));
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ORIGIN = "audit.example.eu/acme/eu-central/2026";
const NOW = Date.parse("2026-11-29T10:15:30.123Z");
const MAX = 70;

// Entries as the writer encodes them (R1: JCS, NFC), with nesting, arrays and non-ASCII text.
const ENTRIES = Array.from({ length: MAX + 1 }, (_, i) => {
  const entry = { v: 1, type: "llm.request", event_id: `e-${i}`, actor: { team: "Zürich ✓ 𝄞", subject: "-x_Y" }, request: { model: "gpt-4o", max_tokens: i * 1000, temperature: "0.2", tools: ["a", { b: [i, -i] }] }, writer: { seq: i } };
  const bytes = encodeEntry(entry);
  if (!bytes.ok) throw bytes.error;
  return bytes.value;
});
const LEAVES = ENTRIES.map((e) => leafHash(sha, e));

let pc: ProofCheck;
let key: SigningKey;
let other: SigningKey;
let logKey: LogKey;
const checkpoints = new Map<number, SignedCheckpoint>();

const sign = (size: number, root = rootFromLeafHashes(sha, LEAVES.slice(0, size)), k = key, origin = ORIGIN) => signCheckpoint({ origin, size, root, privateKey: k.privateKey, publicJwk: k.publicJwk, now: NOW });
const noteRoot = (note: string): Uint8Array => new Uint8Array(Buffer.from(note.split("\n")[2]!, "base64"));

beforeAll(async () => {
  pc = (await import(`data:text/javascript;base64,${Buffer.from(PROOF_CHECK_JS).toString("base64")}`)) as ProofCheck;
  const a = await importSigningKey(await generateSigningKey());
  const b = await importSigningKey(await generateSigningKey());
  if (!a.ok || !b.ok) throw new Error("key setup failed");
  key = a.value;
  other = b.value;
  logKey = { origin: ORIGIN, publicJwk: key.publicJwk };
  for (let n = 1; n <= MAX; n++) checkpoints.set(n, await sign(n));
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The input the console builds from GET /api/audit/events/:id for leaf m of the tree of n. */
function inclusionInput(m: number, n: number, over: Partial<InclusionInput> = {}): InclusionInput {
  const cp = checkpoints.get(n)!;
  return { entry: b64u(ENTRIES[m]!), leafIndex: m, treeSize: n, hashes: inclusionProof(sha, LEAVES, m, n).map(b64u), checkpoint: { note: cp.note, jws: cp.jws }, logKey, ...over };
}

const states = (r: Checked): Record<string, Ok> => Object.fromEntries(r.steps.map((s) => [s.id, s.ok]));
const detail = (r: Checked, id: string): string => r.steps.find((s) => s.id === id)!.detail;
const ALL_PASS = { leaf: true, path: true, checkpoint: true, jws: true, note: true };

describe("the module as the browser loads it", () => {
  it("is self-contained plain JavaScript: no imports, no markup APIs, nothing interpolated", () => {
    expect(PROOF_CHECK_JS).not.toMatch(/^\s*import\b|\bimport\s*\(|\brequire\s*\(/m);
    for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"]) expect(PROOF_CHECK_JS).not.toContain(sink);
    expect(PROOF_CHECK_JS).not.toMatch(/[^\x20-\x7e\n]/); // ASCII only, whatever charset the asset is served with
    expect(Object.keys(pc).sort()).toEqual(["CONSISTENCY_STEPS", "INCLUSION_STEPS", "checkConsistency", "checkInclusion", "renderSteps"]);
    expect(pc.INCLUSION_STEPS.map(([id]) => id)).toEqual(["leaf", "path", "checkpoint", "jws", "note"]);
  });
});

describe("checkInclusion", () => {
  it(`accepts every leaf of every tree of 1..${MAX} leaves, as verifyInclusion and verifyCheckpoint do`, async () => {
    for (let n = 1; n <= MAX; n++) {
      const cp = checkpoints.get(n)!;
      expect((await verifyCheckpoint(cp, key.publicJwk, ORIGIN)).ok).toBe(true);
      for (let m = 0; m < n; m++) {
        // The signatures are the same for every leaf of a tree: checked for three leaves of each
        // (Ed25519 is the slow part), the Merkle steps for all.
        const signatures = m === 0 || m === n - 1 || m === n >> 1;
        const input = inclusionInput(m, n, signatures ? {} : { logKey: undefined });
        expect(verifyInclusion(sha, m, n, LEAVES[m]!, input.hashes.map(fromB64u), noteRoot(cp.note)), `server ${m}/${n}`).toBe(true);
        const r = await pc.checkInclusion(input);
        expect(states(r), `${m}/${n}: ${JSON.stringify(r.steps)}`).toEqual(signatures ? ALL_PASS : { ...ALL_PASS, jws: null, note: null });
        expect(r.ok).toBe(signatures);
        expect(r.unavailable).toBeUndefined();
      }
    }
  });

  it("shows what it computed at each step", async () => {
    const r = await pc.checkInclusion(inclusionInput(5, 13));
    const leaf = LEAVES[5]!;
    expect(detail(r, "leaf")).toContain(`${ENTRIES[5]!.length} entry bytes`);
    expect(detail(r, "leaf")).toContain(Buffer.from(leaf).toString("hex").slice(0, 16));
    expect(detail(r, "leaf")).toContain(b64u(leaf));
    expect(detail(r, "path")).toContain(`${inclusionProof(sha, LEAVES, 5, 13).length} path hashes`);
    const root = b64(rootFromLeafHashes(sha, LEAVES.slice(0, 13)));
    expect(detail(r, "path")).toContain(root);
    expect(detail(r, "checkpoint")).toContain(root);
    expect(detail(r, "checkpoint")).toContain("size 13");
    expect(detail(r, "checkpoint")).toContain(`origin ${ORIGIN} (trusted)`);
    expect(detail(r, "jws")).toContain(key.kid);
    expect(detail(r, "jws")).toContain("2026-11-29T10:15:30.000Z");
    expect(detail(r, "note")).toContain(`${ORIGIN}+`);
    expect(r.steps.map((s) => s.name)).toEqual(pc.INCLUSION_STEPS.map(([, name]) => name));
  });

  it("takes the API's proof JSON as it comes (proofJson field names), with or without the server's leaf hash", async () => {
    const cp = checkpoints.get(9)!;
    const proof = proofJson({ eventId: "e-4", logIndex: 4, treeSize: 9, leaf: LEAVES[4]!, hashes: inclusionProof(sha, LEAVES, 4, 9), note: cp.note, jws: cp.jws }) as { leaf: string; log_index: number; tree_size: number; hashes: string[]; checkpoint: { note: string; jws: string } };
    const input = { entry: b64u(ENTRIES[4]!), leaf: proof.leaf, leafIndex: proof.log_index, treeSize: proof.tree_size, hashes: proof.hashes, checkpoint: proof.checkpoint, logKey };
    const r = await pc.checkInclusion(input);
    expect(states(r)).toEqual(ALL_PASS);
    expect(detail(r, "leaf")).toContain("as the server reports");
    // Without the entry bytes, the leaf step is not checked (and the result not ok), the rest is.
    const { entry: _entry, ...leafOnly } = input;
    const r2 = await pc.checkInclusion(leafOnly);
    expect(states(r2)).toEqual({ ...ALL_PASS, leaf: null });
    expect(r2.ok).toBe(false);
    expect(detail(r2, "leaf")).toMatch(/^not checked: no entry was given/);
    // The entry as GET /api/audit/events/:id shows it (decoded JSON): re-encoded, it is the stored bytes.
    for (const i of [0, 4, 8]) {
      const shown = JSON.parse(JSON.stringify(JSON.parse(new TextDecoder().decode(ENTRIES[i]!)))) as unknown;
      const { entry: _e, ...rest } = inclusionInput(i, 9, { leaf: b64u(LEAVES[i]!) });
      const r3 = await pc.checkInclusion({ ...rest, entryJson: shown });
      expect(states(r3), JSON.stringify(r3.steps)).toEqual(ALL_PASS);
      expect(detail(r3, "leaf")).toContain(`${ENTRIES[i]!.length} bytes of the entry re-encoded as RFC 8785 JSON`);
    }
    // An entry edited in the page (or by whoever sits between the log and the browser) does not.
    const edited = JSON.parse(new TextDecoder().decode(ENTRIES[4]!)) as { request: { max_tokens: number } };
    edited.request.max_tokens = 1;
    const { entry: _e, ...rest } = inclusionInput(4, 9);
    const r4 = await pc.checkInclusion({ ...rest, entryJson: edited });
    expect(states(r4)).toEqual({ ...ALL_PASS, checkpoint: false });
    const r5 = await pc.checkInclusion({ ...rest, entryJson: { n: Number.NaN } });
    expect(detail(r5, "leaf")).toMatch(/^the entry is not a JSON value/);
  });

  it("agrees with verifyInclusion on wrong indices, sizes and reordered paths", async () => {
    for (let n = 1; n <= 17; n++) {
      const root = noteRoot(checkpoints.get(n)!.note);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(sha, LEAVES, m, n);
        const variants: { index: number; size: number; hashes: Uint8Array[] }[] = [
          { index: m + 1, size: n, hashes: proof },
          { index: m - 1, size: n, hashes: proof },
          { index: m ^ 1, size: n, hashes: proof },
          { index: m, size: n + 1, hashes: proof },
          { index: m, size: n, hashes: [...proof].reverse() },
        ];
        for (const v of variants) {
          if (v.index < 0) continue;
          // verifyInclusion alone accepts some paths for a wrong size (leaf 0 of 3 proves as leaf 0
          // of 4: the root is the same), so the size is checked against the checkpoint's too.
          const server = verifyInclusion(sha, v.index, v.size, LEAVES[m]!, v.hashes, root) && v.size === n;
          const r = await pc.checkInclusion({ ...inclusionInput(m, n), leafIndex: v.index, treeSize: v.size, hashes: v.hashes.map(b64u) });
          const merkleOk = r.steps.slice(0, 3).every((s) => s.ok === true);
          expect(merkleOk, `leaf ${m} of ${n} as ${v.index}/${v.size}: ${JSON.stringify(r.steps.slice(0, 3))}`).toBe(server);
          expect(r.ok).toBe(server);
        }
      }
    }
  });

  describe("fails at the right step, saying why", () => {
    it("one flipped byte in the entry: the root no longer matches the checkpoint (or, with the server's leaf, the leaf step fails)", async () => {
      const entry = ENTRIES[3]!.slice();
      entry[7]! ^= 0x01;
      const r = await pc.checkInclusion(inclusionInput(3, 10, { entry: b64u(entry) }));
      expect(states(r)).toEqual({ ...ALL_PASS, checkpoint: false });
      expect(detail(r, "checkpoint")).toMatch(/the recomputed root \S+ is not the checkpoint's root/);
      const r2 = await pc.checkInclusion(inclusionInput(3, 10, { entry: b64u(entry), leaf: b64u(LEAVES[3]!) }));
      expect(states(r2)).toEqual({ ...ALL_PASS, leaf: false, checkpoint: false });
      expect(detail(r2, "leaf")).toMatch(/the entry is not the one the log integrated/);
    });

    it("a wrong hash in the audit path: the root differs", async () => {
      const input = inclusionInput(6, 21);
      const h = fromB64u(input.hashes[1]!);
      h[31]! ^= 0x80;
      input.hashes[1] = b64u(h);
      const r = await pc.checkInclusion(input);
      expect(states(r)).toEqual({ ...ALL_PASS, checkpoint: false });
      expect(detail(r, "checkpoint")).toContain("is not the checkpoint's root");
    });

    it("a too-short or too-long path, or a hash that is not 32 bytes: the path step, and the comparison is not made", async () => {
      const short = inclusionInput(6, 21);
      short.hashes.pop();
      let r = await pc.checkInclusion(short);
      expect(states(r)).toEqual({ ...ALL_PASS, path: false, checkpoint: null });
      expect(detail(r, "path")).toBe("the audit path of leaf 6 in a tree of 21 has 5 hashes, this one 4 (too few)");
      expect(detail(r, "checkpoint")).toMatch(/^not checked: no root was recomputed/);
      const long = inclusionInput(6, 21);
      long.hashes.push(long.hashes[0]!);
      r = await pc.checkInclusion(long);
      expect(detail(r, "path")).toBe("the audit path of leaf 6 in a tree of 21 has 5 hashes, this one 6 (too many)");
      const odd = inclusionInput(6, 21);
      odd.hashes[2] = b64u(new Uint8Array(31));
      r = await pc.checkInclusion(odd);
      expect(detail(r, "path")).toBe("audit path hash 3 of 5 is not 32 bytes of base64url");
      r = await pc.checkInclusion(inclusionInput(6, 21, { leafIndex: 21 }));
      expect(detail(r, "path")).toBe("leaf index 21 is not below tree size 21");
      r = await pc.checkInclusion(inclusionInput(6, 21, { entry: "not base64url!" }));
      expect(states(r)).toEqual({ ...ALL_PASS, leaf: false, path: null, checkpoint: null });
    });

    it("a checkpoint signed by another key: both signature steps", async () => {
      const forged = await sign(12, undefined, other);
      const r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: forged.note, jws: forged.jws } }));
      expect(states(r)).toEqual({ ...ALL_PASS, jws: false, note: false });
      expect(detail(r, "jws")).toContain(`kid ${other.kid} is not the trusted key's RFC 7638 thumbprint ${key.kid}`);
      expect(detail(r, "note")).toMatch(/^no signature by the trusted key audit\.example\.eu\/acme\/eu-central\/2026\+[0-9a-f]{8}; the note is signed by /);
      expect((await verifyCheckpoint(forged, key.publicJwk, ORIGIN)).ok).toBe(false);
      // The other key's JWS with our kid in its header: the signature itself fails.
      const body = forged.body;
      const lying = await new CompactSign(utf8(body)).setProtectedHeader({ alg: "Ed25519", kid: key.kid, typ: "audit-checkpoint+jws", origin: ORIGIN, iat: 1 }).sign(other.privateKey);
      const r2 = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: checkpoints.get(12)!.note, jws: lying } }));
      expect(states(r2)).toEqual({ ...ALL_PASS, jws: false });
      expect(detail(r2, "jws")).toMatch(/signature by key \S+ does not verify/);
    });

    it("a validly signed checkpoint whose root differs", async () => {
      const wrong = await sign(12, rootFromLeafHashes(sha, LEAVES.slice(1, 13)));
      const r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: wrong.note, jws: wrong.jws } }));
      expect(states(r)).toEqual({ ...ALL_PASS, checkpoint: false });
      expect(detail(r, "checkpoint")).toBe(`the recomputed root ${b64(rootFromLeafHashes(sha, LEAVES.slice(0, 12)))} is not the checkpoint's root ${wrong.body.split("\n")[2]}`);
    });

    it("a tampered note body: the root, the JWS comparison and the note signature all fail", async () => {
      const cp = checkpoints.get(12)!;
      const tampered = cp.note.replace(`\n12\n`, "\n13\n");
      const r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: tampered, jws: cp.jws } }));
      expect(states(r)).toEqual({ ...ALL_PASS, checkpoint: false, jws: false, note: false });
      expect(detail(r, "checkpoint")).toContain("the checkpoint is for size 13 but the proof for tree size 12");
      expect(detail(r, "jws")).toContain("the JWS and the note sign different checkpoints");
      expect(detail(r, "note")).toContain("does not verify: the note was altered");
    });

    it("a note and a JWS that sign different bodies", async () => {
      const jws = await signCheckpointJws(checkpoints.get(13)!.body, { privateKey: key.privateKey, kid: key.kid, iat: 1 });
      const signed = { note: checkpoints.get(12)!.note, jws };
      const r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: signed }));
      expect(states(r)).toEqual({ ...ALL_PASS, jws: false });
      expect(detail(r, "jws")).toContain("over a different body than the note's");
      expect((await verifyCheckpoint(signed, key.publicJwk, ORIGIN)).ok).toBe(false);
    });

    it("a wrong origin: the checkpoint step names both, and the note has no signature by that name", async () => {
      const r = await pc.checkInclusion(inclusionInput(4, 12, { logKey: { origin: "audit.example.eu/other/2026", publicJwk: key.publicJwk } }));
      expect(states(r)).toEqual({ ...ALL_PASS, checkpoint: false, note: false });
      expect(detail(r, "checkpoint")).toBe(`the checkpoint is for origin ${ORIGIN}, not the trusted audit.example.eu/other/2026`);
      const elsewhere = await sign(12, undefined, key, "audit.example.eu/other/2026");
      const r2 = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: elsewhere.note, jws: elsewhere.jws } }));
      expect(states(r2)).toEqual({ ...ALL_PASS, checkpoint: false, note: false });
      expect((await verifyCheckpoint(elsewhere, key.publicJwk, ORIGIN)).ok).toBe(false);
    });

    it("a size mismatch between the proof and the checkpoint", async () => {
      const r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: checkpoints.get(13)!.note, jws: checkpoints.get(13)!.jws } }));
      expect(states(r)).toEqual({ ...ALL_PASS, checkpoint: false });
      expect(detail(r, "checkpoint")).toContain("the checkpoint is for size 13 but the proof for tree size 12");
    });

    it("a JWS with the polymorphic EdDSA alg or another typ, as the server refuses them", async () => {
      const body = checkpoints.get(12)!.body;
      const header = { alg: "EdDSA", kid: key.kid, typ: "audit-checkpoint+jws", origin: ORIGIN, iat: 1 };
      const eddsa = await new CompactSign(utf8(body)).setProtectedHeader(header).sign(key.privateKey);
      let r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: checkpoints.get(12)!.note, jws: eddsa } }));
      expect(detail(r, "jws")).toBe("the JWS alg is EdDSA, expected Ed25519");
      const typ = await new CompactSign(utf8(body)).setProtectedHeader({ ...header, alg: "Ed25519", typ: "JWT" }).sign(key.privateKey);
      r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: checkpoints.get(12)!.note, jws: typ } }));
      expect(detail(r, "jws")).toBe("the JWS typ is JWT, expected audit-checkpoint+jws");
      r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note: checkpoints.get(12)!.note, jws: "a.b" } }));
      expect(states(r)).toEqual({ ...ALL_PASS, jws: false });
    });

    it("a note with a witness cosignature still verifies (other signers are skipped)", async () => {
      const cp = checkpoints.get(12)!;
      const witness = await signNote(cp.body, "witness.example.org", other.privateKey, other.publicKey32);
      const note = cp.note + witness.slice(witness.lastIndexOf("\n\n") + 2);
      expect((await verifyCheckpoint({ note, jws: cp.jws }, key.publicJwk, ORIGIN)).ok).toBe(true);
      const r = await pc.checkInclusion(inclusionInput(4, 12, { checkpoint: { note, jws: cp.jws } }));
      expect(states(r)).toEqual(ALL_PASS);
      expect(detail(r, "note")).toContain("1 other signature line skipped");
    });

    it("a trusted key that is not a public Ed25519 JWK", async () => {
      const r = await pc.checkInclusion(inclusionInput(4, 12, { logKey: { origin: ORIGIN, publicJwk: { ...key.publicJwk, d: "AAAA" } } }));
      expect(states(r)).toEqual({ ...ALL_PASS, jws: false, note: false });
      expect(detail(r, "jws")).toContain("private part");
    });
  });

  it("without a trusted key: the signature steps are not checked, and the result is not ok", async () => {
    const { logKey: _k, ...input } = inclusionInput(4, 12);
    const r = await pc.checkInclusion(input);
    expect(states(r)).toEqual({ ...ALL_PASS, jws: null, note: null });
    expect(r.ok).toBe(false);
    expect(detail(r, "jws")).toBe("not checked: no trusted log key was given, so the checkpoint's signature cannot be checked");
    expect(detail(r, "checkpoint")).toContain("(no trusted origin given)");
  });

  it("without Web Crypto (not a secure context): flagged unavailable, nothing claimed", async () => {
    vi.stubGlobal("crypto", undefined);
    const r = await pc.checkInclusion(inclusionInput(4, 12));
    const c = await pc.checkConsistency({ oldSize: 1, oldRoot: "", newSize: 2, newRoot: "", hashes: [] });
    vi.unstubAllGlobals();
    for (const x of [r, c]) {
      expect(x.unavailable).toBe(true);
      expect(x.ok).toBe(false);
      expect(x.reason).toMatch(/not served over https or from localhost/);
      expect(x.steps.every((s) => s.ok === null && s.detail.startsWith("not checked: "))).toBe(true);
    }
    expect(r.steps).toHaveLength(5);
  });

  it("in a browser without Ed25519 in Web Crypto: the Merkle steps run, the signatures are flagged unavailable", async () => {
    const real = crypto.subtle.importKey.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, "importKey").mockImplementation(((...args: Parameters<SubtleCrypto["importKey"]>) =>
      JSON.stringify(args[2]).includes("Ed25519") ? Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError")) : real(...args)) as SubtleCrypto["importKey"]);
    const r = await pc.checkInclusion(inclusionInput(4, 12));
    expect(states(r)).toEqual({ ...ALL_PASS, jws: null, note: null });
    expect(r.unavailable).toBe(true);
    expect(r.reason).toContain("cannot use Ed25519");
  });
});

describe("checkConsistency", () => {
  const root = (n: number) => b64u(rootFromLeafHashes(sha, LEAVES.slice(0, n)));
  const input = (m: number, n: number, hashes = consistencyProof(sha, LEAVES, m, n)): ConsistencyInput => ({ oldSize: m, oldRoot: root(m), newSize: n, newRoot: root(n), hashes: hashes.map(b64u) });

  it(`accepts every pair 0 ≤ m ≤ n ≤ 40, and every m for sizes around 64 and ${MAX}, as verifyConsistency does`, async () => {
    const sizes = [...Array.from({ length: 41 }, (_, n) => n), 63, 64, 65, MAX];
    for (const n of sizes) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(sha, LEAVES, m, n);
        expect(verifyConsistency(sha, m, n, fromB64u(root(m)), fromB64u(root(n)), proof)).toBe(true);
        const r = await pc.checkConsistency(input(m, n));
        expect(states(r), `${m}→${n}: ${JSON.stringify(r.steps)}`).toEqual({ shape: true, old: true, new: true });
        expect(r.ok).toBe(true);
      }
    }
  });

  it("reproduces the reference vector 1→8 (the classic CT leaf set)", async () => {
    const leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => leafHash(sha, new Uint8Array(Buffer.from(h, "hex"))));
    const hashes = ["lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=", "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=", "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="].map((s) => b64u(Buffer.from(s, "base64")));
    const hexRoot = (h: string) => b64u(Buffer.from(h, "hex"));
    const r = await pc.checkConsistency({ oldSize: 1, oldRoot: hexRoot("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"), newSize: 8, newRoot: hexRoot("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"), hashes });
    expect(r.ok).toBe(true);
    expect(b64u(rootFromLeafHashes(sha, leaves))).toBe(hexRoot("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"));
    expect(detail(r, "old")).toContain("starting from the old root (size 1 is a power of two)");
  });

  it("agrees with verifyConsistency on flipped, dropped, extra and reordered hashes and swapped roots", async () => {
    for (let n = 1; n <= 20; n++) {
      for (let m = 1; m < n; m++) {
        const proof = consistencyProof(sha, LEAVES, m, n);
        const flipped = proof.map((h, i) => (i === proof.length - 1 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
        const cases: { hashes: Uint8Array[]; oldRoot?: string; newRoot?: string; newSize?: number }[] = [
          { hashes: flipped },
          { hashes: proof.slice(1) },
          { hashes: proof.slice(0, -1) },
          { hashes: [...proof, proof[0]!] },
          { hashes: [...proof].reverse() },
          { hashes: proof, oldRoot: root(n), newRoot: root(m) },
          { hashes: proof, newRoot: root(n + 1) },
          { hashes: proof, newSize: n + 1 },
        ];
        for (const c of cases) {
          const i = { ...input(m, n, c.hashes), ...(c.oldRoot ? { oldRoot: c.oldRoot } : {}), ...(c.newRoot ? { newRoot: c.newRoot } : {}), ...(c.newSize ? { newSize: c.newSize } : {}) };
          const server = verifyConsistency(sha, i.oldSize, i.newSize, fromB64u(i.oldRoot), fromB64u(i.newRoot), i.hashes.map(fromB64u));
          const r = await pc.checkConsistency(i);
          expect(r.ok, `${m}→${n} ${JSON.stringify(r.steps)}`).toBe(server);
        }
      }
    }
  });

  it("says which root fails and why", async () => {
    let r = await pc.checkConsistency({ ...input(5, 13), newRoot: root(12) });
    expect(states(r)).toEqual({ shape: true, old: true, new: false });
    expect(detail(r, "new")).toContain(`≠ the given ${b64(fromB64u(root(12)))}`);
    r = await pc.checkConsistency({ ...input(5, 13), oldRoot: root(4) });
    expect(states(r)).toEqual({ shape: true, old: false, new: true });
    r = await pc.checkConsistency(input(5, 13, consistencyProof(sha, LEAVES, 5, 13).slice(1)));
    expect(states(r)).toEqual({ shape: false, old: null, new: null });
    expect(detail(r, "shape")).toBe("a consistency proof from size 5 to 13 has 5 hashes, this one 4 (too few)");
    r = await pc.checkConsistency({ ...input(5, 13), oldSize: 14 });
    expect(detail(r, "shape")).toBe("the old size 14 is larger than the new size 13: a log never shrinks");
    r = await pc.checkConsistency({ ...input(7, 7), newRoot: root(8) });
    expect(states(r)).toEqual({ shape: true, old: false, new: false });
    expect(detail(r, "new")).toBe("the log signed two different trees of size 7");
    r = await pc.checkConsistency({ ...input(7, 7), hashes: [root(1)] });
    expect(detail(r, "shape")).toBe("a consistency proof from size 7 to 7 has 0 hashes, this one 1 (too many)");
  });
});

describe("renderSteps", () => {
  function fakeDocument() {
    const node = (tag: string): FakeNode & Record<string, unknown> => {
      const n = {
        tag,
        text: "",
        attrs: {} as Record<string, string>,
        className: "",
        children: [] as FakeNode[],
        get firstChild() {
          return n.children[0] ?? null;
        },
        set textContent(t: string) {
          n.text = t;
          n.children = [];
        },
        get textContent(): string {
          return n.text + n.children.map((c) => (c as unknown as { textContent: string }).textContent).join("");
        },
        appendChild(c: FakeNode) {
          n.children.push(c);
          return c;
        },
        removeChild(c: FakeNode) {
          n.children = n.children.filter((x) => x !== c);
          return c;
        },
        setAttribute(k: string, v: string) {
          n.attrs[k] = v;
        },
      };
      return n;
    };
    const doc = { createElement: node, createTextNode: (t: string) => Object.assign(node("#text"), { text: t }) };
    return { doc, ol: Object.assign(node("ol"), { ownerDocument: doc }) };
  }

  it("writes one <li> per step with a mark, the name and the detail as text, replacing what was there", async () => {
    const { ol } = fakeDocument();
    pc.renderSteps(await pc.checkInclusion(inclusionInput(1, 2)), ol);
    const short = inclusionInput(4, 12);
    short.hashes.pop();
    pc.renderSteps(await pc.checkInclusion(short), ol);
    const text = (li: FakeNode) => (li as unknown as { textContent: string }).textContent;
    expect(ol.children.map((li) => li.className)).toEqual(["proof-step proof-pass", "proof-step proof-fail", "proof-step proof-skip", "proof-step proof-pass", "proof-step proof-pass"]);
    expect(text(ol.children[1]!)).toBe("✗ Root from the leaf and the audit path: the audit path of leaf 4 in a tree of 12 has 4 hashes, this one 3 (too few)");
    // A hostile origin in a checkpoint (the server does not forbid '<' in one) stays text.
    const { logKey: _k, ...input } = inclusionInput(4, 12);
    const origin = '<img src=x onerror="alert(1)">';
    const note = `${origin}\n12\n${b64(rootFromLeafHashes(sha, LEAVES.slice(0, 12)))}\n\n\u2014 x AAAAAAA=\n`;
    pc.renderSteps(await pc.checkInclusion({ ...input, checkpoint: { note, jws: "<script>alert(1)</script>" } }), ol);
    const items = ol.children;
    expect(items.map((li) => li.tag)).toEqual(["li", "li", "li", "li", "li"]);
    expect(items.map((li) => li.className)).toEqual(["proof-step proof-pass", "proof-step proof-pass", "proof-step proof-pass", "proof-step proof-skip", "proof-step proof-skip"]);
    expect(text(items[0]!)).toMatch(/^✓ Leaf hash from the entry bytes: SHA-256\(0x00 ‖ \d+ entry bytes\) = [0-9a-f]{16}…/);
    expect(text(items[2]!)).toContain(`origin ${origin} (no trusted origin given)`);
    expect(items[2]!.children[4]!.text).toContain(origin);
    expect(text(items[3]!)).toBe("– Checkpoint signature (JWS): not checked: no trusted log key was given, so the checkpoint's signature cannot be checked");
    expect(items[0]!.children.map((c) => c.tag)).toEqual(["span", "#text", "strong", "#text", "span"]);
    expect(items[4]!.children[0]!.attrs["aria-label"]).toBe("not checked");
    // Nothing from the log is ever markup: every node is an element we created or a text node.
    const tags = new Set<string>();
    const walk = (n: FakeNode): void => {
      tags.add(n.tag);
      n.children.forEach(walk);
    };
    walk(ol);
    expect([...tags].sort()).toEqual(["#text", "li", "ol", "span", "strong"]);
  });
});
