// The server's own check of one event's inclusion proof, for browsers without Web Crypto
// (a page served over plain http from a host other than localhost). Same steps, names and
// result shape as the in-browser check (client/proof-check.ts checkInclusion), computed
// with src/audit's Merkle and checkpoint code; the console labels it "checked by the
// server, not by your browser", because then the browser only shows what the server says.
import { parseCheckpointBody, verifyCheckpointJws, verifyNote, type PublicJwk } from "../audit/checkpoint.ts";
import { equalBytes, leafHash, verifyInclusion, type Sha256 } from "../audit/merkle.ts";
import type { EventProof } from "../audit/proof-file.ts";
import { base64url, hex } from "../crypto/hashing.ts";

export type Step = { id: string; name: string; ok: boolean | null; detail: string };
export type CheckResult = { ok: boolean; steps: Step[]; checked_by: "server" };

const NAMES: [string, string][] = [
  ["leaf", "Leaf hash from the entry bytes"],
  ["path", "Root from the leaf and the audit path"],
  ["checkpoint", "Root, size and origin match the checkpoint"],
  ["jws", "Checkpoint signature (JWS)"],
  ["note", "Checkpoint signature (signed note)"],
];

const b64std = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const fromB64url = (s: string): Uint8Array => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const skipped = (why: string) => ({ ok: null, detail: `not checked: ${why}` });

export async function serverInclusionCheck(sha: Sha256, p: EventProof, entry: Uint8Array, logKey: { origin: string; publicJwk: PublicJwk } | undefined): Promise<CheckResult> {
  const o: { ok: boolean | null; detail: string }[] = [];
  const leaf = leafHash(sha, entry);
  const leafOk = equalBytes(leaf, p.leaf);
  o.push({ ok: leafOk, detail: `SHA-256(0x00 ‖ ${entry.length} entry bytes) = ${hex(leaf).slice(0, 16)}… (base64url ${base64url(leaf)})${leafOk ? ", the leaf the log integrated" : `, but the log integrated leaf ${base64url(p.leaf)}: the entry is not the one the log integrated`}` });

  const split = p.note.indexOf("\n\n");
  const body = split < 0 ? undefined : p.note.slice(0, split + 1);
  const fields = body === undefined ? undefined : parseCheckpointBody(body);
  if (!fields?.ok) {
    o.push(skipped("the checkpoint is malformed"));
    o.push({ ok: false, detail: `the checkpoint is malformed${fields && !fields.ok ? `: ${fields.error.message}` : ""}` });
  } else {
    const root = fields.value.root;
    const pathOk = verifyInclusion(sha, p.logIndex, p.treeSize, leaf, p.hashes, root);
    o.push(pathOk ? { ok: true, detail: `leaf ${p.logIndex} of ${p.treeSize}, ${p.hashes.length} path hash(es) folded in: root ${b64std(root)}` } : { ok: false, detail: `leaf ${p.logIndex} of ${p.treeSize} with ${p.hashes.length} path hash(es) does not lead to the checkpoint's root ${b64std(root)}` });
    const problems: string[] = [];
    if (fields.value.size !== p.treeSize) problems.push(`the checkpoint is for size ${fields.value.size} but the proof for tree size ${p.treeSize}`);
    if (logKey && fields.value.origin !== logKey.origin) problems.push(`the checkpoint is for origin ${fields.value.origin}, not the trusted ${logKey.origin}`);
    if (!pathOk) problems.push("the recomputed root is not the checkpoint's root");
    o.push(problems.length > 0 ? { ok: false, detail: problems.join("; ") } : { ok: true, detail: `root ${b64std(root)} = the checkpoint's root; size ${fields.value.size}; origin ${fields.value.origin}${logKey ? " (trusted)" : ""}` });
  }

  if (!logKey) {
    o.push(skipped("this server does not know the log's public key (it does not sign checkpoints)"));
    o.push(skipped("this server does not know the log's public key (it does not sign checkpoints)"));
  } else {
    const jws = await verifyCheckpointJws(p.jws, logKey.publicJwk);
    if (!jws.ok) o.push({ ok: false, detail: jws.error.message });
    else if (jws.value.body !== body) o.push({ ok: false, detail: "the JWS verifies but signs a different body than the note" });
    else o.push({ ok: true, detail: `Ed25519 JWS by key ${logKey.publicJwk.kid} verifies over the checkpoint's body` });
    const note = await verifyNote(p.note, logKey.origin, fromB64url(logKey.publicJwk.x));
    o.push(note.ok ? { ok: true, detail: `Ed25519 signature by ${logKey.origin} verifies over the note's body` } : { ok: false, detail: note.error.message });
  }
  const steps = NAMES.map(([id, name], i) => ({ id, name, ok: o[i]!.ok, detail: o[i]!.detail }));
  return { ok: steps.every((s) => s.ok === true), steps, checked_by: "server" };
}
