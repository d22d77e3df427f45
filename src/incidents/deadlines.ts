// The incident reporting clocks of every regime (reference §1.7, §1.9): one table of rules,
// and the function that turns an incident's times and submissions into dated deadlines.
//
// Conservative counting (every rule's note repeats it): hour periods run exactly from the
// anchor instant; day and month periods end at the same local wall-clock time in the
// incident's time zone, which is earlier than, never later than, Regulation 1182/71's
// counting (periods start the next hour or day and end at the end of the last day); no
// extension for weekends or public holidays.

import { AI_ACT_CASES, REGIMES } from "./types.ts";
import type { AiActCase, Deadline, Regime, Stage, Submission } from "./types.ts";
import { addDaysInZone, addHours, addMonthsInZone, assertTimeZone, formatInZone } from "./zoned-time.ts";

export interface Period {
  amount: number;
  unit: "hours" | "days" | "months";
}

/** What a clock counts from. `submission` falls back to that stage's due time while nothing is filed. */
export type Anchor =
  | { kind: "awareness" }
  | { kind: "classification" }
  | { kind: "submission"; stage: Stage; use: "first" | "last" };

export interface DeadlineRule {
  regime: Regime;
  stage: Stage;
  /** Short name used when another rule counts from this one ("initial notification"). */
  name: string;
  label: string;
  source: string;
  note: string;
  /** AI Act Art. 73 only: the cases this rule covers (each case is covered by exactly one rule per stage). */
  aiActCases?: readonly AiActCase[];
  /** The deadline is the earliest of these; none means no fixed deadline. */
  clocks: readonly { anchor: Anchor; period: Period }[];
  /** Only shown once a submission for this stage of the same regime exists. */
  after?: Stage;
}

const COUNTING = "Hours run exactly from the anchor; days and months end at the same local time in the incident's zone (earlier than Reg. 1182/71 counting); no weekend or holiday extension.";
const AWARE: Anchor = { kind: "awareness" };
const h = (amount: number): Period => ({ amount, unit: "hours" });
const days = (amount: number): Period => ({ amount, unit: "days" });
const months = (amount: number): Period => ({ amount, unit: "months" });
const aiActReport = { regime: "ai_act_art73", stage: "report", name: "report", label: "AI Act Art. 73 serious incident report to the market surveillance authority" } as const;

/** Every reporting rule Custos knows. Change a deadline or an anchor here and nowhere else. */
export const DEADLINE_RULES: readonly DeadlineRule[] = [
  { ...aiActReport, source: "AI Act Art. 73(3)", aiActCases: ["widespread_infringement", "critical_infrastructure"], clocks: [{ anchor: AWARE, period: days(2) }],
    note: `Immediately, and not later than 2 days after awareness, for a widespread infringement or a serious and irreversible critical-infrastructure disruption (Art. 3(49)(b)). ${COUNTING}` },
  { ...aiActReport, source: "AI Act Art. 73(4)", aiActCases: ["death"], clocks: [{ anchor: AWARE, period: days(10) }],
    note: `Immediately after establishing or suspecting a causal link, and not later than 10 days after awareness, when a person died. ${COUNTING}` },
  { ...aiActReport, source: "AI Act Art. 73(2)", aiActCases: ["health", "fundamental_rights", "property_environment"], clocks: [{ anchor: AWARE, period: days(15) }],
    note: `Immediately after establishing a causal link (or its reasonable likelihood), and not later than 15 days after awareness. ${COUNTING}` },
  { regime: "ai_act_art73", stage: "complete", name: "complete report", label: "AI Act Art. 73 complete report (after an initial, incomplete one)", source: "AI Act Art. 73(5)", clocks: [], after: "report",
    note: "No fixed deadline: shown as waiting once the initial report is filed, met when the complete report is." },
  { regime: "gdpr_art33", stage: "notification", name: "notification", label: "GDPR Art. 33 notification to the supervisory authority", source: "GDPR Art. 33(1)", clocks: [{ anchor: AWARE, period: h(72) }],
    note: `Without undue delay and, where feasible, not later than 72 hours after becoming aware of the breach. ${COUNTING}` },
  { regime: "nis2_art23", stage: "early_warning", name: "early warning", label: "NIS2 Art. 23 early warning to the CSIRT or competent authority", source: "NIS2 Art. 23(4)(a)", clocks: [{ anchor: AWARE, period: h(24) }],
    note: `Without undue delay and within 24 hours of becoming aware of the significant incident. ${COUNTING}` },
  { regime: "nis2_art23", stage: "notification", name: "incident notification", label: "NIS2 Art. 23 incident notification", source: "NIS2 Art. 23(4)(b)", clocks: [{ anchor: AWARE, period: h(72) }],
    note: `Without undue delay and within 72 hours of becoming aware of the significant incident. ${COUNTING}` },
  { regime: "nis2_art23", stage: "final", name: "final report", label: "NIS2 Art. 23 final report", source: "NIS2 Art. 23(4)(d)", clocks: [{ anchor: { kind: "submission", stage: "notification", use: "first" }, period: months(1) }],
    note: `Not later than one month after the submission of the incident notification (the first one filed); until it is filed, counted from its due time. ${COUNTING}` },
  { regime: "dora_art19", stage: "initial", name: "initial notification", label: "DORA Art. 19 initial notification of a major ICT-related incident", source: "DORA Art. 19(4); RTS 2025/301 Art. 5",
    clocks: [{ anchor: { kind: "classification" }, period: h(4) }, { anchor: AWARE, period: h(24) }],
    note: `Within 4 hours of classification as major and not later than 24 hours after awareness, whichever is earlier; while classification is unknown, 24 hours after awareness. The anchors are the clocks' fields. ${COUNTING}` },
  { regime: "dora_art19", stage: "intermediate", name: "intermediate report", label: "DORA Art. 19 intermediate report", source: "DORA Art. 19(4); RTS 2025/301 Art. 5",
    clocks: [{ anchor: { kind: "submission", stage: "initial", use: "first" }, period: h(72) }],
    note: `Within 72 hours of submitting the initial notification; until it is filed, counted from its due time. Secondary sources differ on the anchor (reference §1.9): it is this clock's anchor field. ${COUNTING}` },
  { regime: "dora_art19", stage: "final", name: "final report", label: "DORA Art. 19 final report", source: "DORA Art. 19(4); RTS 2025/301 Art. 5",
    clocks: [{ anchor: { kind: "submission", stage: "intermediate", use: "last" }, period: months(1) }],
    note: `Not later than one month after the latest intermediate report; until one is filed, counted from its due time. Secondary sources differ on the anchor (reference §1.9): it is this clock's anchor field. ${COUNTING}` },
];

export interface DeadlineInput {
  regimes: Regime[];
  aiActCase?: AiActCase;
  awareAt: Date;
  classifiedAt?: Date;
  timeZone: string;
  submissions: Submission[];
}

const validDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

function addPeriod(at: Date, p: Period, zone: string): Date {
  if (p.unit === "hours") return addHours(at, p.amount);
  return p.unit === "days" ? addDaysInZone(at, p.amount, zone) : addMonthsInZone(at, p.amount, zone);
}

function describePeriod(p: Period): string {
  if (p.unit === "hours") return `${p.amount} h`;
  return `${p.amount} ${p.amount === 1 ? p.unit.slice(0, -1) : p.unit}`;
}

function validate(input: DeadlineInput, now: Date): void {
  if (!validDate(input.awareAt)) throw new Error("awareAt must be a valid date");
  if (input.classifiedAt !== undefined && !validDate(input.classifiedAt)) throw new Error("classifiedAt must be a valid date when given");
  if (!validDate(now)) throw new Error("now must be a valid date");
  assertTimeZone(input.timeZone);
  for (const r of input.regimes) if (!REGIMES.includes(r)) throw new Error(`Unknown regime "${String(r)}": expected one of ${REGIMES.join(", ")}`);
  const { aiActCase } = input;
  if (input.regimes.includes("ai_act_art73") && (aiActCase === undefined || !AI_ACT_CASES.includes(aiActCase))) {
    throw new Error(`AI Act Art. 73 needs the case: one of ${AI_ACT_CASES.join(", ")}${aiActCase === undefined ? "" : ` (got "${String(aiActCase)}")`}`);
  }
  for (const s of input.submissions) if (!validDate(new Date(s.at))) throw new Error(`Submission ${s.regime}/${s.stage} has an invalid time "${s.at}"`);
}

/** One deadline per applicable stage of every regime, sorted by due time (unknown last). */
export function computeDeadlines(input: DeadlineInput, now: Date): Deadline[] {
  validate(input, now);
  const zone = input.timeZone;
  const at = (d: Date) => formatInZone(d, zone);
  const filed = (regime: Regime, stage: Stage) =>
    input.submissions.filter((s) => s.regime === regime && s.stage === stage).map((s) => new Date(s.at)).sort((a, b) => a.getTime() - b.getTime());
  const ruleFor = (regime: Regime, stage: Stage) =>
    DEADLINE_RULES.find((r) => r.regime === regime && r.stage === stage && (r.aiActCases === undefined || (input.aiActCase !== undefined && r.aiActCases.includes(input.aiActCase))));

  // Due time and basis of a stage; a stage counted from another's submission falls back to that one's due time.
  const resolve = (rule: DeadlineRule): { due?: Date; basis: string } => {
    const known: { due: Date; text: string }[] = [];
    const pending: string[] = [];
    for (const { anchor, period } of rule.clocks) {
      const len = describePeriod(period);
      if (anchor.kind === "awareness") {
        known.push({ due: addPeriod(input.awareAt, period, zone), text: `${len} from awareness (${at(input.awareAt)})` });
      } else if (anchor.kind === "classification") {
        if (input.classifiedAt) known.push({ due: addPeriod(input.classifiedAt, period, zone), text: `${len} from classification (${at(input.classifiedAt)})` });
        else pending.push(`classification pending: ${len} from classification may end earlier`);
      } else {
        const from = ruleFor(rule.regime, anchor.stage);
        const times = filed(rule.regime, anchor.stage);
        const sent = anchor.use === "first" ? times[0] : times[times.length - 1];
        if (sent) known.push({ due: addPeriod(sent, period, zone), text: `${len} from submission of the ${from?.name ?? anchor.stage} (${at(sent)})` });
        else {
          const prior = from ? resolve(from).due : undefined;
          if (prior) known.push({ due: addPeriod(prior, period, zone), text: `${len} from the due time of the ${from?.name ?? anchor.stage} (${at(prior)}), not submitted yet` });
          else pending.push(`${len} from submission of the ${from?.name ?? anchor.stage}, which has no due time yet`);
        }
      }
    }
    if (rule.clocks.length === 0) return { basis: "no fixed deadline" };
    if (known.length === 0) return { basis: pending.join("; ") };
    known.sort((a, b) => a.due.getTime() - b.due.getTime());
    const [first] = known as [{ due: Date; text: string }];
    const text = known.length > 1 ? `the earlier of ${known.map((k) => k.text).join(" and ")}` : first.text;
    return { due: first.due, basis: [text, ...pending].join("; ") };
  };

  const out: Deadline[] = [];
  for (const regime of new Set(input.regimes)) {
    for (const rule of DEADLINE_RULES) {
      if (rule.regime !== regime || ruleFor(regime, rule.stage) !== rule) continue;
      if (rule.after && filed(regime, rule.after).length === 0) continue;
      const { due, basis } = resolve(rule);
      const d: Deadline = { regime, stage: rule.stage, label: rule.label, basis, source: rule.source, status: "waiting" };
      if (due) d.due = due.toISOString();
      const sent = filed(regime, rule.stage)[0];
      if (sent) {
        d.status = "met";
        d.submittedAt = sent.toISOString();
        d.late = due !== undefined && sent.getTime() > due.getTime();
      } else if (due) d.status = now.getTime() > due.getTime() ? "overdue" : "due";
      out.push(d);
    }
  }
  // Stable sort: equal due times keep the table's order; unknown due times go last.
  const key = (d: Deadline) => (d.due === undefined ? Number.MAX_VALUE : Date.parse(d.due));
  return out.sort((a, b) => Math.sign(key(a) - key(b)));
}

/** The earliest deadline still to act on (overdue ones included); met and waiting ones are skipped. */
export function nextDue(deadlines: readonly Deadline[]): Deadline | undefined {
  let best: Deadline | undefined;
  for (const d of deadlines) {
    if (d.status === "met" || d.status === "waiting" || d.due === undefined) continue;
    if (!best || Date.parse(d.due) < Date.parse(best.due ?? "")) best = d;
  }
  return best;
}
