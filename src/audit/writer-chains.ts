// Writer chains (audit spec R6) across a full export: each writer numbers its entries from a
// writer.open at seq 0 and links each to the leaf of its previous one. A writer's entries are
// integrated in any order, so per writer only the two ends of each run of contiguous seqs are
// kept (runs are joined as the missing seqs arrive); after the pass, what remains between runs
// is a gap. A gap near the range's edges may be events integrated outside it: a finding, not a failure.
import { isIndex, safeId, show, type Obj } from "./bundle-format.ts";
import type { Ledger } from "./verify-ledger.ts";

/** One end of a run of contiguous seqs of a writer. */
export type End = { seq: number; leaf: string; prev: string; index: number; eventId: string | undefined; type: string; ts: number };
type Writer = { runs: { lo: End; hi: End }[]; closeSeq?: number };
/** The bundle's leaf range [a, b) and the first and last entry times seen in it. */
export type Edges = { a: number; b: number; firstTs: number; lastTs: number };

const ZERO_HASH = "A".repeat(43);

export class WriterChains {
  private readonly writers = new Map<string, Writer>();

  /** maxMergeDelayMs: how late a writer's event may be integrated. */
  constructor(
    private readonly ledger: Ledger,
    private readonly maxMergeDelayMs: number,
  ) {}

  get size(): number {
    return this.writers.size;
  }

  /** One entry's writer {id, seq, prev}; `e` has its leaf, log index, event id, type and time. */
  add(w: Obj | undefined, e: End): void {
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

  /** After every entry is added: gaps, writes after writer.close, and writers that did not close within the time range. */
  check(edges: Edges, inRange: (ts: number) => boolean, purgedLeaf: (leaf: string) => boolean = () => false): void {
    this.purgedLeaf = purgedLeaf;
    for (const [id, st] of this.writers) {
      const runs = st.runs;
      if (runs.length === 0) continue;
      if (edges.a === 0 && runs[0]!.lo.seq > 0) this.gap(edges, id, undefined, runs[0]!.lo);
      for (let k = 1; k < runs.length; k++) this.gap(edges, id, runs[k - 1]!.hi, runs[k]!.lo);
      const last = runs[runs.length - 1]!.hi;
      if (st.closeSeq !== undefined && st.closeSeq < last.seq) {
        this.ledger.fail("writer chains", `writer ${safeId(id)} wrote seq ${last.seq} after its writer.close at seq ${st.closeSeq}`, { logIndex: last.index, ...(last.eventId !== undefined && { eventId: last.eventId }) });
      }
      if (last.type !== "writer.close" && inRange(last.ts)) {
        this.ledger.finding({ kind: "writer_abnormal_end", writer: id, logIndex: last.index, ...(last.eventId !== undefined && { eventId: last.eventId }), detail: `writer ${safeId(id)}: its last entry in the bundle is seq ${last.seq} (${show(last.type, 32)}) at log index ${last.index}, not writer.close: it ended abnormally or was still running when the bundle was cut` });
      }
    }
    this.ledger.pass("writer chains", `${this.writers.size} writer(s): seqs contiguous and every prev links to the writer's previous leaf`);
  }

  /**
   * Seqs missing between two runs. A late event is integrated within the max merge delay of
   * its write, so a gap is proof only when the missing events cannot lie outside [a, b).
   */
  private purgedLeaf: (leaf: string) => boolean = () => false;

  private gap(edges: Edges, id: string, before: End | undefined, after: End): void {
    // The seq before this one was in a month purged by retention: its leaf is still in the
    // tree (the entry's prev names it), so the chain is whole; only the entries are gone.
    if (this.purgedLeaf(after.prev)) return;
    const fromSeq = before === undefined ? 0 : before.seq + 1;
    const what = fromSeq === after.seq - 1 ? `seq ${fromSeq} is missing` : `seqs ${fromSeq}–${after.seq - 1} are missing`;
    const mmd = this.maxMergeDelayMs;
    const notBefore = edges.a === 0 || (before !== undefined && before.ts > edges.firstTs + mmd);
    const notAfter = after.ts + mmd < edges.lastTs;
    const where = `before seq ${after.seq} at log index ${after.index}`;
    const at = { logIndex: after.index, ...(after.eventId !== undefined && { eventId: after.eventId }) };
    if (notBefore && notAfter) this.ledger.fail("writer chains", `writer ${safeId(id)}: ${what} (lost or deleted), ${where}`, at);
    else this.ledger.finding({ kind: "writer_gap_at_edge", writer: id, ...at, detail: `writer ${safeId(id)}: ${what}, ${where}; this is within the max merge delay of the range's edge, so they may be integrated outside [${edges.a}, ${edges.b})` });
  }
}
