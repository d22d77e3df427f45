// One event's evidence: its inclusion proof against a signed checkpoint, as a C2SP
// tlog-proof@v1 text (the index, the proof hashes, a blank line, the checkpoint verbatim)
// or JSON. Built from the stored tree and checked before it is handed out.
import type { AuditStore } from "../storage/audit-types.ts";
import { base64url } from "../crypto/hashing.ts";
import { parseCheckpointBody } from "./checkpoint.ts";
import { verifyInclusion, type Sha256 } from "./merkle.ts";
import { inclusionFromStore } from "./proofs.ts";

export interface EventProof {
  eventId: string;
  logIndex: number;
  treeSize: number;
  leaf: Uint8Array;
  hashes: Uint8Array[];
  note: string;
  jws: string;
}

const b64std = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

/** Undefined when the event is unknown or not yet covered by a checkpoint (the string says which). */
export async function eventProof(store: AuditStore, sha: Sha256, eventId: string): Promise<EventProof | string> {
  const index = await store.leafIndexOf(eventId);
  if (index === undefined) return (await store.event(eventId)) ? "the event is in the log but not integrated yet (within a second or so it is)" : "there is no event with that id";
  const cp = await store.latestCheckpoint();
  if (!cp || cp.size <= index) return "the event is integrated but no checkpoint covers it yet (one is signed within the checkpoint interval)";
  const leaf = (await store.nodes([{ level: 0, idx: index }])).get(`0/${index}`)!;
  const hashes = await inclusionFromStore(store, sha, index, cp.size);
  const body = parseCheckpointBody(cp.note.slice(0, cp.note.indexOf("\n\n") + 1));
  if (!body.ok || !verifyInclusion(sha, index, cp.size, leaf, hashes, body.value.root)) throw new Error(`the stored tree does not prove event ${eventId} against checkpoint ${cp.size}: run custos audit verify`);
  return { eventId, logIndex: index, treeSize: cp.size, leaf, hashes, note: cp.note, jws: cp.jws };
}

export function tlogProofText(p: EventProof): string {
  return `c2sp.org/tlog-proof@v1\nindex ${p.logIndex}\n${p.hashes.map((h) => `${b64std(h)}\n`).join("")}\n${p.note}`;
}

export function proofJson(p: EventProof): Record<string, unknown> {
  return { event_id: p.eventId, log_index: p.logIndex, tree_size: p.treeSize, leaf: base64url(p.leaf), hashes: p.hashes.map(base64url), checkpoint: { note: p.note, jws: p.jws } };
}
