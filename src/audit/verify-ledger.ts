// What a bundle verification found, as it accumulates: per check its first failure or missing
// input (and how many more), its pass or skip detail, and the findings that prove nothing but
// deserve a look. The checks run in a fixed order and the first failure is named by that
// order, not by when it was noticed, so the parts of the verification record here in any order.
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
export type VerifyStatus = "intact" | "tampered" | "incomplete";
/** Where a failure points: a log index, an event, a checkpoint, a range of leaves. */
export type At = Omit<Failure, "check" | "why">;

/** Thrown once the ledger says why nothing after this point can be checked. */
export class Stop extends Error {}

type Tally = { fails: number; missing: number; firstFail?: Failure; firstMissing?: Failure; pass?: string; skip?: string };

export class Ledger {
  private readonly tallies = new Map<CheckName, Tally>();
  readonly findings: Finding[] = [];
  readonly findingCounts: Record<FindingKind, number> = { unterminated_request: 0, writer_abnormal_end: 0, writer_gap_at_edge: 0 };

  /** maxFindings: findings listed in full; findingCounts counts them all. */
  constructor(private readonly maxFindings: number) {}

  fail(check: CheckName, why: string, at: At = {}): void {
    const t = this.tally(check);
    t.fails++;
    t.firstFail ??= { check, why, ...at };
  }

  missing(check: CheckName, why: string, at: At = {}): void {
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

  finding(f: Finding): void {
    this.findingCounts[f.kind]++;
    if (this.findings.length < this.maxFindings) this.findings.push(f);
  }

  build(): { checks: Check[]; first: Failure | undefined; status: VerifyStatus } {
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
