import { describe, expect, it } from "vitest";
import { DEADLINE_RULES, computeDeadlines, nextDue } from "./deadlines.ts";
import type { DeadlineInput } from "./deadlines.ts";
import { AI_ACT_CASES } from "./types.ts";
import type { AiActCase, Deadline, Regime, Stage, Submission } from "./types.ts";

// Expected instants are worked out by hand. Brussels is UTC+1 (CET) in winter, UTC+2 (CEST)
// in summer; summer time 2026 runs from 29 March 01:00 UTC to 25 October 01:00 UTC, and
// starts on 26 March in 2028. Awareness in most cases: Monday 2026-03-02 10:00 CET.
const AWARE = "2026-03-02T09:00:00Z";
const BEFORE_ANY = new Date("2026-03-02T09:30:00Z");

function run(over: Partial<DeadlineInput> & { regimes: Regime[] }, now: Date = BEFORE_ANY): Deadline[] {
  return computeDeadlines({ awareAt: new Date(AWARE), timeZone: "Europe/Brussels", submissions: [], ...over }, now);
}
function pick(ds: Deadline[], regime: Regime, stage: Stage): Deadline {
  const d = ds.find((x) => x.regime === regime && x.stage === stage);
  if (!d) throw new Error(`no deadline for ${regime}/${stage} in ${JSON.stringify(ds)}`);
  return d;
}
const sub = (regime: Regime, stage: Stage, at: string): Submission => ({ regime, stage, at });

describe("AI Act Art. 73", () => {
  const report = (aiActCase: AiActCase, awareAt = AWARE) => pick(run({ regimes: ["ai_act_art73"], aiActCase, awareAt: new Date(awareAt) }), "ai_act_art73", "report");

  it("2 days for a widespread infringement or a critical-infrastructure disruption (73(3))", () => {
    for (const c of ["widespread_infringement", "critical_infrastructure"] as const) {
      const d = report(c);
      expect(d.due).toBe("2026-03-04T09:00:00.000Z");
      expect(d.source).toBe("AI Act Art. 73(3)");
      expect(d.basis).toBe("2 days from awareness (2026-03-02 10:00 Europe/Brussels)");
    }
  });

  it("10 days for a death (73(4))", () => {
    expect(report("death")).toMatchObject({ due: "2026-03-12T09:00:00.000Z", source: "AI Act Art. 73(4)", status: "due" });
  });

  it("15 days otherwise (73(2))", () => {
    for (const c of ["health", "fundamental_rights", "property_environment"] as const) {
      expect(report(c)).toMatchObject({ due: "2026-03-17T09:00:00.000Z", source: "AI Act Art. 73(2)" });
    }
  });

  it("15 days across spring-forward keep the local time, so the UTC time is an hour earlier", () => {
    // 2026-03-20 10:00 CET + 15 days = 2026-04-04 10:00 CEST = 08:00 UTC (15 days less an hour of real time).
    expect(report("health", "2026-03-20T09:00:00Z").due).toBe("2026-04-04T08:00:00.000Z");
    // 2026-10-20 10:00 CEST + 15 days = 2026-11-04 10:00 CET = 09:00 UTC (15 days and an hour).
    expect(report("health", "2026-10-20T08:00:00Z").due).toBe("2026-11-04T09:00:00.000Z");
  });

  it("15 days from a leap day and from 28 February of a common year", () => {
    expect(report("health", "2028-02-29T09:00:00Z").due).toBe("2028-03-15T09:00:00.000Z");
    expect(report("health", "2027-02-28T09:00:00Z").due).toBe("2027-03-15T09:00:00.000Z");
    // 2 days from 2028-02-28 10:00 CET is 1 March (29 February counts); in 2027 it is 2 March.
    expect(report("death", "2028-02-28T09:00:00Z").due).toBe("2028-03-09T09:00:00.000Z");
    expect(report("critical_infrastructure", "2028-02-28T09:00:00Z").due).toBe("2028-03-01T09:00:00.000Z");
    expect(report("critical_infrastructure", "2027-02-28T09:00:00Z").due).toBe("2027-03-02T09:00:00.000Z");
  });

  it("shows the complete report only once the initial one is filed, with no fixed deadline", () => {
    const before = run({ regimes: ["ai_act_art73"], aiActCase: "health" });
    expect(before.map((d) => d.stage)).toEqual(["report"]);

    const filed = [sub("ai_act_art73", "report", "2026-03-03T12:00:00Z")];
    const after = run({ regimes: ["ai_act_art73"], aiActCase: "health", submissions: filed }, new Date("2026-06-01T00:00:00Z"));
    expect(after.map((d) => [d.stage, d.status])).toEqual([["report", "met"], ["complete", "waiting"]]);
    const complete = pick(after, "ai_act_art73", "complete");
    expect(complete.due).toBeUndefined();
    expect(complete.source).toBe("AI Act Art. 73(5)");

    const done = run({ regimes: ["ai_act_art73"], aiActCase: "health", submissions: [...filed, sub("ai_act_art73", "complete", "2026-04-01T12:00:00Z")] });
    expect(pick(done, "ai_act_art73", "complete")).toMatchObject({ status: "met", late: false, submittedAt: "2026-04-01T12:00:00.000Z" });
  });

  it("refuses an AI Act incident without its case, listing the cases", () => {
    expect(() => run({ regimes: ["ai_act_art73"] })).toThrow(/AI Act Art\. 73 needs the case: one of widespread_infringement, critical_infrastructure, death, health, fundamental_rights, property_environment/);
    expect(() => run({ regimes: ["ai_act_art73"], aiActCase: "injury" as AiActCase })).toThrow(/needs the case.*got "injury"/);
    // Without the AI Act among the regimes, no case is needed.
    expect(run({ regimes: ["gdpr_art33"] })).toHaveLength(1);
  });
});

describe("GDPR Art. 33", () => {
  it("72 h from awareness", () => {
    const d = pick(run({ regimes: ["gdpr_art33"] }), "gdpr_art33", "notification");
    expect(d).toMatchObject({ due: "2026-03-05T09:00:00.000Z", source: "GDPR Art. 33(1)", basis: "72 h from awareness (2026-03-02 10:00 Europe/Brussels)" });
  });

  it("72 h across a DST change are 72 h of real time", () => {
    // 2026-03-28 10:00 CET + 72 h = 2026-03-31 09:00 UTC (11:00 CEST on the wall).
    expect(pick(run({ regimes: ["gdpr_art33"], awareAt: new Date("2026-03-28T09:00:00Z") }), "gdpr_art33", "notification").due).toBe("2026-03-31T09:00:00.000Z");
    // 2026-10-24 10:00 CEST + 72 h = 2026-10-27 08:00 UTC (09:00 CET on the wall).
    expect(pick(run({ regimes: ["gdpr_art33"], awareAt: new Date("2026-10-24T08:00:00Z") }), "gdpr_art33", "notification").due).toBe("2026-10-27T08:00:00.000Z");
  });
});

describe("NIS2 Art. 23", () => {
  it("early warning 24 h and notification 72 h from awareness", () => {
    const ds = run({ regimes: ["nis2_art23"] });
    expect(pick(ds, "nis2_art23", "early_warning").due).toBe("2026-03-03T09:00:00.000Z");
    expect(pick(ds, "nis2_art23", "notification").due).toBe("2026-03-05T09:00:00.000Z");
  });

  it("final report 1 month after the notification's due time while it is not filed, and says so", () => {
    // Notification due 2026-03-05 10:00 CET; + 1 month = 2026-04-05 10:00 CEST = 08:00 UTC.
    const d = pick(run({ regimes: ["nis2_art23"] }), "nis2_art23", "final");
    expect(d.due).toBe("2026-04-05T08:00:00.000Z");
    expect(d.basis).toBe("1 month from the due time of the incident notification (2026-03-05 10:00 Europe/Brussels), not submitted yet");
  });

  it("final report 1 month after the first notification actually filed", () => {
    const submissions = [sub("nis2_art23", "notification", "2026-03-10T10:00:00Z"), sub("nis2_art23", "notification", "2026-03-04T15:00:00Z")];
    const d = pick(run({ regimes: ["nis2_art23"], submissions }), "nis2_art23", "final");
    // 2026-03-04 16:00 CET + 1 month = 2026-04-04 16:00 CEST = 14:00 UTC.
    expect(d.due).toBe("2026-04-04T14:00:00.000Z");
    expect(d.basis).toBe("1 month from submission of the incident notification (2026-03-04 16:00 Europe/Brussels)");
  });

  it("month ends: Jan 31 → Feb 28, Feb 29 in 2028, Mar 31 → Apr 30", () => {
    const finalAfter = (at: string) => pick(run({ regimes: ["nis2_art23"], submissions: [sub("nis2_art23", "notification", at)] }), "nis2_art23", "final").due;
    expect(finalAfter("2026-01-31T09:00:00Z")).toBe("2026-02-28T09:00:00.000Z");
    expect(finalAfter("2028-01-31T09:00:00Z")).toBe("2028-02-29T09:00:00.000Z");
    expect(finalAfter("2026-03-31T08:00:00Z")).toBe("2026-04-30T08:00:00.000Z");
    // From a leap day: 2028-02-29 10:00 CET + 1 month = 2028-03-29 10:00 CEST = 08:00 UTC.
    expect(finalAfter("2028-02-29T09:00:00Z")).toBe("2028-03-29T08:00:00.000Z");
  });
});

describe("DORA Art. 19", () => {
  const dora = (over: Partial<DeadlineInput> = {}) => run({ regimes: ["dora_art19"], ...over });

  it("initial: 4 h after classification when that is earlier than 24 h after awareness", () => {
    const d = pick(dora({ classifiedAt: new Date("2026-03-02T12:00:00Z") }), "dora_art19", "initial");
    expect(d.due).toBe("2026-03-02T16:00:00.000Z");
    expect(d.basis).toBe("the earlier of 4 h from classification (2026-03-02 13:00 Europe/Brussels) and 24 h from awareness (2026-03-02 10:00 Europe/Brussels)");
  });

  it("initial: 24 h after awareness when classification comes late", () => {
    // Classified 2026-03-03 07:00 UTC: + 4 h = 11:00 UTC, later than awareness + 24 h = 09:00 UTC.
    const d = pick(dora({ classifiedAt: new Date("2026-03-03T07:00:00Z") }), "dora_art19", "initial");
    expect(d.due).toBe("2026-03-03T09:00:00.000Z");
    expect(d.basis.startsWith("the earlier of 24 h from awareness")).toBe(true);
  });

  it("initial: 24 h after awareness while classification is unknown, and the basis says so", () => {
    const d = pick(dora(), "dora_art19", "initial");
    expect(d.due).toBe("2026-03-03T09:00:00.000Z");
    expect(d.basis).toBe("24 h from awareness (2026-03-02 10:00 Europe/Brussels); classification pending: 4 h from classification may end earlier");
  });

  it("intermediate 72 h and final 1 month, counted from due times while nothing is filed", () => {
    const ds = dora({ classifiedAt: new Date("2026-03-02T12:00:00Z") });
    // Initial due 2026-03-02 16:00 UTC; + 72 h = 2026-03-05 16:00 UTC (17:00 CET); + 1 month = 2026-04-05 17:00 CEST = 15:00 UTC.
    expect(pick(ds, "dora_art19", "intermediate")).toMatchObject({ due: "2026-03-05T16:00:00.000Z", basis: expect.stringContaining("due time of the initial notification") });
    expect(pick(ds, "dora_art19", "final")).toMatchObject({ due: "2026-04-05T15:00:00.000Z", basis: expect.stringContaining("due time of the intermediate report") });
  });

  it("intermediate from the initial notification filed; final from the latest intermediate report", () => {
    const submissions = [
      sub("dora_art19", "initial", "2026-03-02T14:00:00Z"),
      sub("dora_art19", "intermediate", "2026-03-04T10:00:00Z"),
      sub("dora_art19", "intermediate", "2026-03-06T10:00:00Z"),
    ];
    const ds = dora({ classifiedAt: new Date("2026-03-02T12:00:00Z"), submissions });
    expect(pick(ds, "dora_art19", "intermediate")).toMatchObject({ due: "2026-03-05T14:00:00.000Z", status: "met", submittedAt: "2026-03-04T10:00:00.000Z", late: false });
    // 2026-03-06 11:00 CET + 1 month = 2026-04-06 11:00 CEST = 09:00 UTC.
    expect(pick(ds, "dora_art19", "final").due).toBe("2026-04-06T09:00:00.000Z");
  });

  it("keeps the anchors as fields of the rules, so they can be changed in one place", () => {
    const rule = (stage: Stage) => DEADLINE_RULES.find((r) => r.regime === "dora_art19" && r.stage === stage);
    expect(rule("initial")?.clocks.map((c) => c.anchor.kind)).toEqual(["classification", "awareness"]);
    expect(rule("intermediate")?.clocks[0]?.anchor).toEqual({ kind: "submission", stage: "initial", use: "first" });
    expect(rule("final")?.clocks[0]?.anchor).toEqual({ kind: "submission", stage: "intermediate", use: "last" });
  });
});

describe("the rule table", () => {
  it("covers every AI Act case with exactly one report rule", () => {
    for (const c of AI_ACT_CASES) {
      expect(DEADLINE_RULES.filter((r) => r.stage === "report" && r.aiActCases?.includes(c))).toHaveLength(1);
    }
  });

  it("gives every rule a source and a note, and states the counting in every rule with a clock", () => {
    for (const r of DEADLINE_RULES) {
      expect(r.source).not.toBe("");
      expect(r.note).not.toBe("");
      if (r.clocks.length > 0) expect(r.note).toContain("1182/71");
    }
  });
});

describe("statuses", () => {
  const gdpr = (now: string, submissions: Submission[] = []) => pick(run({ regimes: ["gdpr_art33"], submissions }, new Date(now)), "gdpr_art33", "notification");

  it("due until the due instant itself, overdue after it", () => {
    expect(gdpr("2026-03-04T00:00:00Z").status).toBe("due");
    expect(gdpr("2026-03-05T09:00:00Z").status).toBe("due");
    expect(gdpr("2026-03-05T09:00:01Z").status).toBe("overdue");
  });

  it("met on time (at the due instant included) or late", () => {
    expect(gdpr("2026-03-09T00:00:00Z", [sub("gdpr_art33", "notification", "2026-03-05T08:00:00Z")])).toMatchObject({ status: "met", late: false, submittedAt: "2026-03-05T08:00:00.000Z" });
    expect(gdpr("2026-03-09T00:00:00Z", [sub("gdpr_art33", "notification", "2026-03-05T09:00:00Z")])).toMatchObject({ status: "met", late: false });
    expect(gdpr("2026-03-09T00:00:00Z", [sub("gdpr_art33", "notification", "2026-03-06T00:00:00Z")])).toMatchObject({ status: "met", late: true });
  });

  it("ignores submissions of another regime or stage", () => {
    const d = gdpr("2026-03-06T00:00:00Z", [sub("nis2_art23", "notification", "2026-03-03T00:00:00Z")]);
    expect(d.status).toBe("overdue");
    expect(d.submittedAt).toBeUndefined();
  });
});

describe("computeDeadlines as a whole", () => {
  it("returns one deadline per applicable stage, sorted by due time, waiting last", () => {
    const ds = run({
      regimes: ["ai_act_art73", "gdpr_art33", "nis2_art23", "dora_art19", "gdpr_art33"],
      aiActCase: "critical_infrastructure",
      classifiedAt: new Date("2026-03-02T12:00:00Z"),
      submissions: [sub("ai_act_art73", "report", "2026-03-03T12:00:00Z")],
    });
    expect(ds.map((d) => `${d.regime}/${d.stage} ${d.due ?? "-"}`)).toEqual([
      "dora_art19/initial 2026-03-02T16:00:00.000Z",
      "nis2_art23/early_warning 2026-03-03T09:00:00.000Z",
      "ai_act_art73/report 2026-03-04T09:00:00.000Z",
      "gdpr_art33/notification 2026-03-05T09:00:00.000Z",
      "nis2_art23/notification 2026-03-05T09:00:00.000Z",
      "dora_art19/intermediate 2026-03-05T16:00:00.000Z",
      "nis2_art23/final 2026-04-05T08:00:00.000Z",
      "dora_art19/final 2026-04-05T15:00:00.000Z",
      "ai_act_art73/complete -",
    ]);
    expect(ds.every((d) => d.label !== "")).toBe(true);
  });

  it("rejects an invalid awareness time, time zone, submission time or regime with a clear error", () => {
    expect(() => run({ regimes: ["gdpr_art33"], awareAt: new Date("yesterday") })).toThrow(/awareAt must be a valid date/);
    expect(() => run({ regimes: ["gdpr_art33"], timeZone: "Europe/Bruxelles" })).toThrow(/Unknown time zone "Europe\/Bruxelles"/);
    expect(() => run({ regimes: ["gdpr_art33"], submissions: [sub("gdpr_art33", "notification", "soon")] })).toThrow(/gdpr_art33\/notification has an invalid time "soon"/);
    expect(() => run({ regimes: ["sox" as Regime] })).toThrow(/Unknown regime "sox"/);
    expect(() => run({ regimes: ["dora_art19"], classifiedAt: new Date(NaN) })).toThrow(/classifiedAt/);
  });
});

describe("nextDue", () => {
  it("is the earliest overdue or due deadline, skipping met and waiting ones", () => {
    const now = new Date("2026-03-03T10:00:00Z");
    const ds = run({ regimes: ["gdpr_art33", "nis2_art23"] }, now);
    // NIS2 early warning was due 2026-03-03 09:00 UTC: overdue, and still the first to act on.
    expect(nextDue(ds)).toMatchObject({ regime: "nis2_art23", stage: "early_warning", status: "overdue" });

    const afterWarning = run({ regimes: ["gdpr_art33", "nis2_art23"], submissions: [sub("nis2_art23", "early_warning", "2026-03-03T08:00:00Z")] }, now);
    expect(nextDue(afterWarning)?.due).toBe("2026-03-05T09:00:00.000Z");
  });

  it("is undefined when nothing is left to act on", () => {
    expect(nextDue([])).toBeUndefined();
    const waitingAndMet = run({ regimes: ["ai_act_art73"], aiActCase: "death", submissions: [sub("ai_act_art73", "report", "2026-03-03T00:00:00Z")] });
    expect(waitingAndMet.map((d) => d.status)).toEqual(["met", "waiting"]);
    expect(nextDue(waitingAndMet)).toBeUndefined();
  });

  it("does not trust the order it is given", () => {
    const base = { regime: "gdpr_art33", label: "x", basis: "x", source: "x" } as const;
    const ds: Deadline[] = [
      { ...base, stage: "notification", due: "2026-03-05T09:00:00.000Z", status: "due" },
      { ...base, stage: "final", due: "2026-03-04T09:00:00.000Z", status: "met", submittedAt: "2026-03-04T08:00:00.000Z", late: false },
      { ...base, stage: "initial", due: "2026-03-04T12:00:00.000Z", status: "overdue" },
    ];
    expect(nextDue(ds)?.stage).toBe("initial");
  });
});
