// The one streaming pass of a bundle verification: leaves.txt and the entries file are read in
// step, so leaf hashes, tree roots, entries, projection columns, writer chains and requests are
// checked together as the lines go by, and a 1,000,000-entry bundle is read once with bounded
// memory (per entry only an 8-byte event-id fingerprint is kept; per writer the ends of its
// contiguous runs; per request, until its answer arrives, its event id). After the pass, the
// same state answers the writer-chain, duplicate-event-id and unterminated-request checks.
// verify-bundle.ts runs it between the checkpoint checks and the tree comparison.
import { encodeEntry } from "./canonical-json.ts";
import { csvRecords, columnMismatch, hashFromBase64url, isObj, jsonlRecord, parseStored, safeId, show, str, type Bad, type Bundle, type Obj, type PurgedClaim, type Rec } from "./bundle-format.ts";
import { CompactRange, equalBytes, leafHash, type Sha256 } from "./merkle.ts";
import { projectionOf } from "./projection.ts";
import { Stop, type Ledger } from "./verify-ledger.ts";
import { WriterChains } from "./writer-chains.ts";

/** What the pass shares with the rest of the verification. */
export interface PassContext {
  /** The log the trust file pins: every entry must name it. */
  origin: string;
  sha: Sha256;
  /** The bundle's files, and a file's lines (a read error names the check the file belongs to). */
  files: ReadonlySet<string>;
  lines(path: string): AsyncIterable<string>;
  /** Counted here, reported with the verification's result. */
  counts: { leaves: number; entries: number; entriesInRange: number };
  /** Sizes in (a, b] whose root is wanted; the pass records their roots in `got`. */
  want: ReadonlySet<number>;
  got: Map<number, Uint8Array>;
  /** The time range (ms) findings and the in-range count cover; undefined: open. */
  from: number | undefined;
  to: number | undefined;
  maxMergeDelayMs: number;
}

export class EntryPass {
  private noEntries = false;
  private lastIndex = -1;
  private firstTs = NaN;
  private lastTs = NaN;
  private hashed = 0;
  private fps = new Float64Array(1024);
  private nfp = 0;
  private readonly chains: WriterChains;
  private readonly writerIds = new Set<string>();
  private readonly open = new Map<string, { index: number; ts: number }>();
  /** Leaves without entries inside months bundle.json says were purged: count per claim, and their hashes (writer chains link through them). */
  private readonly purgedMissing = new Map<PurgedClaim, number>();
  private readonly purgedLeaves = new Set<string>();
  /** retention.purge entries seen, by event id: what each announced. */
  private readonly announced = new Map<string, Obj>();

  constructor(
    private readonly bundle: Bundle,
    private readonly ledger: Ledger,
    private readonly ctx: PassContext,
  ) {
    this.chains = new WriterChains(ledger, ctx.maxMergeDelayMs);
  }

  /** Writers seen: by their chains in a full export, by id in a team export. */
  get writers(): number {
    return this.bundle.info.scope === "full" ? this.chains.size : this.writerIds.size;
  }

  // 3 and 4. One pass over leaves.txt and the entries in step: tree, entries, writer chains, requests.
  /** The compact range of [0, b), for the tree check to complete. */
  async pass(): Promise<CompactRange> {
    const { a, b, left, info } = this.bundle;
    if (!this.ctx.files.has("leaves.txt")) {
      this.ledger.missing("tree", "leaves.txt is missing");
      throw new Stop();
    }
    if (!this.ctx.files.has(info.entries)) {
      this.ledger.missing("entry hashes", `${info.entries} is missing`);
      this.noEntries = true;
    }
    const leaves = this.ctx.lines("leaves.txt")[Symbol.asyncIterator]();
    const records = (this.noEntries ? noRecords() : this.records())[Symbol.asyncIterator]();
    let range: CompactRange;
    try {
      range = new CompactRange(this.ctx.sha, { size: a, hashes: left });
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
        this.ctx.counts.leaves++;
        if (this.ctx.want.has(i + 1)) this.ctx.got.set(i + 1, range.root());
        if (rec?.logIndex === i) {
          this.entry(rec, i, step.value, leaf);
          rec = await this.nextRecord(records);
        } else if (info.scope === "full" && !this.noEntries) {
          const claim = info.purged.find((p) => i >= p.firstIndex && i <= p.lastIndex);
          if (claim) {
            this.purgedMissing.set(claim, (this.purgedMissing.get(claim) ?? 0) + 1);
            this.purgedLeaves.add(step.value);
          } else this.ledger.fail("completeness", `leaf ${i} has no entry (deleted)`, { logIndex: i });
        }
      }
      if (!(await leaves.next()).done) this.ledger.missing("tree", `leaves.txt has more than the ${b - a} line(s) of the range [${a}, ${b})`);
    } finally {
      await leaves.return?.(undefined);
      await records.return?.(undefined);
    }
    if (this.noEntries) {
      for (const c of ["entry fields", "completeness", "unique event ids", "writer chains"] as const) this.ledger.skip(c, `not checkable: ${info.entries} is missing or unreadable`);
      return range;
    }
    const purged = info.scope === "full" ? this.checkPurged() : "";
    this.ledger.pass("entry hashes", `${this.hashed} entr${this.hashed === 1 ? "y hashes" : "ies hash"} to the leaf integrated at its log index`);
    this.ledger.pass("entry fields", `every entry names log ${info.origin}${info.scope === "team" ? ` and team ${show(info.team ?? "")}` : ""}, and its projection columns equal the entry`);
    this.ledger.pass("completeness", info.scope === "full" ? `every leaf of [${a}, ${b}) has its entry, in log order${purged}` : `entries are in log order within [${a}, ${b}); omitted entries are covered by their leaf hashes`);
    return range;
  }

  /**
   * Each month bundle.json says was purged must be announced by a retention.purge entry in
   * the log saying exactly the same (month, count, log indices), and exactly that many of its
   * leaves may lack entries. Anything else is a deletion. Returns the words for the pass.
   */
  private checkPurged(): string {
    const words: string[] = [];
    for (const claim of this.bundle.info.purged) {
      const missing = this.purgedMissing.get(claim) ?? 0;
      const said = this.announced.get(claim.purgeEvent);
      const at = { logIndex: claim.firstIndex };
      const same = said !== undefined && said.month === claim.month && said.events === claim.events && said.first_index === claim.firstIndex && said.last_index === claim.lastIndex;
      if (!same) this.ledger.fail("completeness", `bundle.json says month ${show(claim.month, 16)} was purged (${claim.events} entries, log indices ${claim.firstIndex}–${claim.lastIndex}), but no retention.purge entry in the log announces exactly that: entries were deleted`, at);
      else if (missing !== claim.events) this.ledger.fail("completeness", `month ${show(claim.month, 16)} was purged with ${claim.events} entries, but ${missing} leaves of log indices ${claim.firstIndex}–${claim.lastIndex} lack their entry`, at);
      else words.push(`${claim.month} (${claim.events} entries, log indices ${claim.firstIndex}–${claim.lastIndex}, announced by ${safeId(claim.purgeEvent)})`);
    }
    return words.length > 0 ? `, except the months purged by retention: ${words.join("; ")} — their leaves remain` : "";
  }

  private async *records(): AsyncGenerator<Rec | Bad> {
    const file = this.bundle.info.entries;
    if (file === "entries.csv") yield* csvRecords(this.ctx.lines(file));
    else {
      let line = 0;
      for await (const text of this.ctx.lines(file)) yield jsonlRecord(text, ++line);
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
    const sha = this.ctx.sha;
    this.ctx.counts.entries++;
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
    if (entry.log !== this.ctx.origin) this.ledger.fail("entry fields", `log index ${i}: entry.log names another log`, at);
    const p = projectionOf(entry);
    const column = columnMismatch(rec, p);
    if (column !== undefined) this.ledger.fail("entry fields", `log index ${i}: ${column}`, at);
    if (info.scope === "team" && p.team !== info.team) this.ledger.fail("entry fields", `log index ${i}: the entry's team is ${p.team === undefined ? "absent" : show(p.team)}, but the export is for team ${show(info.team ?? "")}`, at);
    if (eventId !== undefined) this.fingerprint(eventId);
    if (p.type === "retention.purge" && eventId !== undefined && isObj(entry.purge)) this.announced.set(eventId, entry.purge);
    const ts = Date.parse(p.ts);
    if (!Number.isNaN(ts)) {
      if (Number.isNaN(this.firstTs)) this.firstTs = ts;
      this.lastTs = ts;
    }
    if (this.inRange(ts)) this.ctx.counts.entriesInRange++;
    const w = isObj(entry.writer) ? entry.writer : undefined;
    if (info.scope !== "full") {
      if (typeof w?.id === "string") this.writerIds.add(w.id);
      return;
    }
    this.chains.add(w, { seq: 0, leaf: leafText, prev: "", index: i, eventId: at.eventId, type: p.type, ts });
    if (p.requestEventId !== undefined) this.open.delete(p.requestEventId);
    if (p.type === "llm.request" && eventId !== undefined) this.open.set(eventId, { index: i, ts });
  }

  // 5. Writer chains: runs of contiguous seqs per writer, joined as entries arrived in any order.
  writerEnds(): void {
    const { a, b, info } = this.bundle;
    if (this.noEntries) return;
    if (info.scope !== "full") return this.ledger.skip("writer chains", "not checkable in a team export: the writers' entries for other teams are omitted");
    this.chains.check({ a, b, firstTs: this.firstTs, lastTs: this.lastTs }, (ts) => this.inRange(ts), (leaf) => this.purgedLeaves.has(leaf));
  }

  private fingerprint(eventId: string): void {
    if (this.nfp === this.fps.length) {
      const grown = new Float64Array(this.fps.length * 2);
      grown.set(this.fps);
      this.fps = grown;
    }
    this.fps[this.nfp++] = fingerprintOf(this.ctx.sha, eventId);
  }

  // Duplicate event ids: 48-bit fingerprints sorted; a repeat is confirmed by a second read.
  async duplicates(): Promise<void> {
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
        if (id === undefined || !suspects.has(fingerprintOf(this.ctx.sha, id))) continue;
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

  // 7. Requests nothing answered (full scope only: a team export omits entries).
  unterminated(): void {
    if (this.bundle.info.scope !== "full" || this.noEntries) return;
    for (const [eventId, { index, ts }] of this.open) {
      if (!this.inRange(ts)) continue;
      this.ledger.finding({ kind: "unterminated_request", eventId: safeId(eventId), logIndex: index, detail: `llm.request at log index ${index} has no later entry in the bundle whose request_event_id names it` });
    }
  }

  private inRange(ts: number): boolean {
    const { from, to } = this.ctx;
    if (from === undefined && to === undefined) return true;
    return !Number.isNaN(ts) && (from === undefined || ts >= from) && (to === undefined || ts < to);
  }
}

async function* noRecords(): AsyncGenerator<Rec | Bad> {}

const utf8 = new TextEncoder();

/** 48 bits of H(event id), as an exactly representable number. */
function fingerprintOf(sha: Sha256, eventId: string): number {
  const h = sha(utf8.encode(eventId));
  return (h[0]! * 2 ** 16 + h[1]! * 2 ** 8 + h[2]!) * 2 ** 24 + (h[3]! * 2 ** 16 + h[4]! * 2 ** 8 + h[5]!);
}
