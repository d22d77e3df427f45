// Retention classes (reference §1.3, §4.4): how long a class's records and, no longer than
// that, their content are kept. The org baseline defines them; a team's audit rule names
// one. Every entry records its class and the date it may be purged after
// (entry.retention.until), so the database's purge function can check it without trusting
// the caller; content keys carry their class's content expiry.
import { z } from "zod";

export type PeriodUnit = "days" | "months" | "years";
export interface Period {
  n: number;
  unit: PeriodUnit;
}

const PERIOD = /^([1-9][0-9]{0,3}) ?(day|days|month|months|year|years)$/;

export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD.exec(text.trim());
  if (!m) return undefined;
  const u = m[2]!;
  return { n: Number(m[1]), unit: u.startsWith("day") ? "days" : u.startsWith("month") ? "months" : "years" };
}

export const showPeriod = (p: Period): string => `${p.n} ${p.n === 1 ? p.unit.slice(0, -1) : p.unit}`;

/** A period after an instant, in UTC calendar terms; a month end clamps (Jan 31 + 1 month = Feb 28/29). */
export function addPeriod(at: number, p: Period): number {
  const d = new Date(at);
  if (p.unit === "days") return at + p.n * 86_400_000;
  const months = p.unit === "months" ? p.n : p.n * 12;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** Roughly, for comparing classes (30-day months, 365-day years). */
export const periodDays = (p: Period): number => p.n * (p.unit === "days" ? 1 : p.unit === "months" ? 30 : 365);

const periodSchema = z.string().transform((s, ctx) => {
  const p = parsePeriod(s);
  if (!p) {
    ctx.addIssue({ code: "custom", message: `a period such as "90 days", "6 months" or "10 years", not "${s.slice(0, 40)}"` });
    return z.NEVER;
  }
  return p;
});

const className = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "a class name: lower-case letters, digits, '-' and '_'");

export const RetentionSchema = z
  .object({
    /** The class of calls whose team names none. */
    default: className,
    /** The class of the log's own events (access, incidents, holds, purges). Default: the longest class. */
    audit: className.optional(),
    classes: z.record(
      className,
      z
        .object({
          description: z.string().max(500).optional(),
          events: periodSchema,
          content: periodSchema,
          /** Why a high-risk AI system may keep its records less than six months (AI Act Art. 19(1) "unless … law provides otherwise"). */
          legal_basis: z.string().min(10).max(500).optional(),
        })
        .strict(),
    ),
  })
  .strict();

export interface RetentionClass {
  name: string;
  description?: string;
  events: Period;
  content: Period;
  legalBasis?: string;
}

export interface RetentionPolicy {
  default: string;
  audit: string;
  classes: ReadonlyMap<string, RetentionClass>;
}

/** Without a retention section: everything kept 13 months, content 90 days. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  default: "standard",
  audit: "standard",
  classes: new Map([["standard", { name: "standard", events: { n: 13, unit: "months" }, content: { n: 90, unit: "days" } }]]),
};

/** The validated section as a policy, or the problems with it (path → message). */
export function retentionPolicy(r: z.output<typeof RetentionSchema>): { policy: RetentionPolicy; problems: { path: (string | number)[]; message: string }[] } {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const classes = new Map<string, RetentionClass>();
  for (const [name, c] of Object.entries(r.classes)) {
    if (periodDays(c.content) > periodDays(c.events)) problems.push({ path: ["retention", "classes", name, "content"], message: `content (${showPeriod(c.content)}) cannot be kept longer than the records (${showPeriod(c.events)})` });
    classes.set(name, { name, events: c.events, content: c.content, ...(c.description ? { description: c.description } : {}), ...(c.legal_basis ? { legalBasis: c.legal_basis } : {}) });
  }
  if (!classes.has(r.default)) problems.push({ path: ["retention", "default"], message: `class '${r.default}' is not defined under retention.classes` });
  const longest = [...classes.values()].sort((a, b) => periodDays(b.events) - periodDays(a.events))[0]?.name ?? r.default;
  const audit = r.audit ?? longest;
  if (!classes.has(audit)) problems.push({ path: ["retention", "audit"], message: `class '${audit}' is not defined under retention.classes` });
  return { policy: { default: r.default, audit, classes }, problems };
}

/** AI Act Art. 19(1) / 26(6): at least six months for a high-risk system's logs. */
export const HIGH_RISK_MINIMUM: Period = { n: 6, unit: "months" };

/** Whether a class keeps records long enough for a high-risk system (or says why it may not). */
export function meetsHighRiskMinimum(c: RetentionClass): boolean {
  return c.legalBasis !== undefined || (c.events.unit === "days" ? c.events.n >= 183 : c.events.unit === "months" ? c.events.n >= 6 : true);
}

/** What an entry records about its retention. */
export interface EntryRetention {
  class: string;
  /** RFC 3339 UTC, milliseconds: the record may be purged after this. */
  until: string;
}

/** The class an event belongs to: the one named (calls), else the default for calls, else the log's own. */
export function classFor(policy: RetentionPolicy, named: string | undefined, isCall: boolean): RetentionClass {
  const c = (named !== undefined ? policy.classes.get(named) : undefined) ?? policy.classes.get(isCall ? policy.default : policy.audit);
  // Unreachable with a compiled policy (names are checked); the longest class keeps the most.
  return c ?? [...policy.classes.values()].sort((a, b) => periodDays(b.events) - periodDays(a.events))[0]!;
}

/** The start of the UTC month of an instant. */
export const monthStart = (at: number): number => {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
