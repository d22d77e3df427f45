import { describe, expect, it } from "vitest";
import { addDaysInZone, addHours, addMonthsInZone, assertTimeZone, formatInZone } from "./zoned-time.ts";

// Expected instants are worked out by hand: Brussels is UTC+1 (CET) in winter and UTC+2
// (CEST) in summer; in 2026 summer time starts 29 March at 01:00 UTC and ends 25 October at
// 01:00 UTC; in 2027 it starts 28 March, in 2028 on 26 March.
const BXL = "Europe/Brussels";
const iso = (d: Date) => d.toISOString();
const t = (s: string) => new Date(s);

describe("addHours", () => {
  it("adds real time, whatever the zone does: 72 h across spring-forward is 72 h", () => {
    const r = addHours(t("2026-03-28T09:00:00Z"), 72);
    expect(iso(r)).toBe("2026-03-31T09:00:00.000Z");
    // 10:00 CET before, 11:00 CEST after: the wall clock moved, the elapsed time did not.
    expect(formatInZone(r, BXL)).toBe("2026-03-31 11:00 Europe/Brussels");
  });

  it("rejects an invalid date", () => {
    expect(() => addHours(new Date("nope"), 1)).toThrow(/valid Date/);
  });
});

describe("addDaysInZone", () => {
  it("keeps the local wall time across spring-forward (UTC moves an hour earlier)", () => {
    // 2026-03-20 10:00 CET + 15 days = 2026-04-04 10:00 CEST = 08:00 UTC.
    expect(iso(addDaysInZone(t("2026-03-20T09:00:00Z"), 15, BXL))).toBe("2026-04-04T08:00:00.000Z");
  });

  it("keeps the local wall time across fall-back (UTC moves an hour later)", () => {
    // 2026-10-20 10:00 CEST + 15 days = 2026-11-04 10:00 CET = 09:00 UTC.
    expect(iso(addDaysInZone(t("2026-10-20T08:00:00Z"), 15, BXL))).toBe("2026-11-04T09:00:00.000Z");
  });

  it("moves a time in the spring-forward gap forward by the gap", () => {
    // 2026-03-28 02:30 CET + 1 day = 2026-03-29 02:30, which does not exist → 03:30 CEST = 01:30 UTC.
    expect(iso(addDaysInZone(t("2026-03-28T01:30:00Z"), 1, BXL))).toBe("2026-03-29T01:30:00.000Z");
    // 02:00 itself is the first minute of the gap → 03:00 CEST = 01:00 UTC.
    expect(iso(addDaysInZone(t("2026-03-28T01:00:00Z"), 1, BXL))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("takes the earlier instant of an ambiguous fall-back time", () => {
    // 2026-10-24 02:30 CEST + 1 day = 2026-10-25 02:30, which happens twice: 00:30 UTC (CEST) and 01:30 UTC (CET).
    expect(iso(addDaysInZone(t("2026-10-24T00:30:00Z"), 1, BXL))).toBe("2026-10-25T00:30:00.000Z");
    // From the second 02:30 (CET, 01:30 UTC), a day later is 2026-10-26 02:30 CET = 01:30 UTC.
    expect(iso(addDaysInZone(t("2026-10-25T01:30:00Z"), 1, BXL))).toBe("2026-10-26T01:30:00.000Z");
  });

  it("counts calendar days across February in leap and common years", () => {
    expect(iso(addDaysInZone(t("2028-02-28T09:00:00Z"), 1, BXL))).toBe("2028-02-29T09:00:00.000Z");
    expect(iso(addDaysInZone(t("2027-02-28T09:00:00Z"), 1, BXL))).toBe("2027-03-01T09:00:00.000Z");
    expect(iso(addDaysInZone(t("2028-02-29T09:00:00Z"), 15, BXL))).toBe("2028-03-15T09:00:00.000Z");
    // 2027-02-28 10:00 CET + 15 days = 2027-03-15 10:00 CET (summer time starts 28 March).
    expect(iso(addDaysInZone(t("2027-02-28T09:00:00Z"), 15, BXL))).toBe("2027-03-15T09:00:00.000Z");
  });

  it("uses the local date, not the UTC one", () => {
    // 2026-03-01 00:30 CET is 2026-02-28 23:30 UTC; a day later is 2026-03-02 00:30 CET.
    expect(iso(addDaysInZone(t("2026-02-28T23:30:00Z"), 1, BXL))).toBe("2026-03-01T23:30:00.000Z");
  });

  it("handles zones west of UTC and a 30-minute DST shift", () => {
    // New York springs forward 2026-03-08 02:00 EST → 03:00 EDT. 02:30 EST on 03-07 (07:30 UTC) + 1 day → 03:30 EDT = 07:30 UTC.
    expect(iso(addDaysInZone(t("2026-03-07T07:30:00Z"), 1, "America/New_York"))).toBe("2026-03-08T07:30:00.000Z");
    // Lord Howe (UTC+10:30, summer +11) springs forward 2026-10-04 02:00 → 02:30.
    // 2026-10-03 02:15 local (2026-10-02 15:45 UTC) + 1 day → 02:15 does not exist → 02:45 (+11) = 15:45 UTC.
    expect(iso(addDaysInZone(t("2026-10-02T15:45:00Z"), 1, "Australia/Lord_Howe"))).toBe("2026-10-03T15:45:00.000Z");
  });

  it("keeps seconds and milliseconds", () => {
    expect(iso(addDaysInZone(t("2026-06-01T09:15:42.123Z"), 2, BXL))).toBe("2026-06-03T09:15:42.123Z");
  });

  it("keeps the wall time through 2026 (every 5 h, so every hour of the day), except inside the gap", () => {
    const wall = (d: Date) => formatInZone(d, BXL).slice(11, 16);
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 5 * 3_600_000) {
      const from = new Date(ms);
      const to = addDaysInZone(from, 1, BXL);
      if (iso(to) === "2026-03-29T01:00:00.000Z" || iso(to) === "2026-03-29T01:30:00.000Z") continue;
      expect(wall(to)).toBe(wall(from));
      // A calendar day is 23, 24 or 25 hours of real time.
      expect([23, 24, 25]).toContain((to.getTime() - ms) / 3_600_000);
    }
  });

  it("rejects fractional days", () => {
    expect(() => addDaysInZone(t("2026-03-01T00:00:00Z"), 1.5, BXL)).toThrow(/whole number/);
  });
});

describe("addMonthsInZone", () => {
  it("clamps to the last day of a shorter month", () => {
    expect(iso(addMonthsInZone(t("2026-01-31T09:00:00Z"), 1, BXL))).toBe("2026-02-28T09:00:00.000Z");
    expect(iso(addMonthsInZone(t("2028-01-31T09:00:00Z"), 1, BXL))).toBe("2028-02-29T09:00:00.000Z");
    // 2026-03-31 10:00 CEST + 1 month = 2026-04-30 10:00 CEST = 08:00 UTC.
    expect(iso(addMonthsInZone(t("2026-03-31T08:00:00Z"), 1, BXL))).toBe("2026-04-30T08:00:00.000Z");
    expect(iso(addMonthsInZone(t("2026-12-31T09:00:00Z"), 2, BXL))).toBe("2027-02-28T09:00:00.000Z");
  });

  it("goes from a leap day to the same day of the next month, across spring-forward", () => {
    // 2028-02-29 10:00 CET + 1 month = 2028-03-29 10:00 CEST (summer time since 26 March) = 08:00 UTC.
    expect(iso(addMonthsInZone(t("2028-02-29T09:00:00Z"), 1, BXL))).toBe("2028-03-29T08:00:00.000Z");
    // And a year later there is no 29 February: clamp to the 28th.
    expect(iso(addMonthsInZone(t("2028-02-29T09:00:00Z"), 12, BXL))).toBe("2029-02-28T09:00:00.000Z");
  });

  it("uses the local day of month", () => {
    // 2026-02-01 00:30 CET is 2026-01-31 23:30 UTC; + 1 month = 2026-03-01 00:30 CET = 2026-02-28 23:30 UTC.
    expect(iso(addMonthsInZone(t("2026-01-31T23:30:00Z"), 1, BXL))).toBe("2026-02-28T23:30:00.000Z");
  });
});

describe("formatInZone", () => {
  it("writes the local time to the minute and the zone", () => {
    expect(formatInZone(t("2026-03-29T08:00:00Z"), BXL)).toBe("2026-03-29 10:00 Europe/Brussels");
    expect(formatInZone(t("2026-03-28T23:00:00Z"), BXL)).toBe("2026-03-29 00:00 Europe/Brussels");
    expect(formatInZone(t("2026-03-28T23:00:00Z"), "UTC")).toBe("2026-03-28 23:00 UTC");
  });
});

describe("time zone validation", () => {
  it("names the zone it does not know", () => {
    expect(() => assertTimeZone("Europe/Bruxelles")).toThrow(/Unknown time zone "Europe\/Bruxelles"/);
    expect(() => addDaysInZone(t("2026-03-01T00:00:00Z"), 1, "Mars/Olympus")).toThrow(/"Mars\/Olympus"/);
    expect(() => formatInZone(t("2026-03-01T00:00:00Z"), "")).toThrow(/Unknown time zone/);
    expect(() => assertTimeZone("Europe/Brussels")).not.toThrow();
  });
});
