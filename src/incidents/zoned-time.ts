// Calendar arithmetic in an IANA time zone with only Intl.DateTimeFormat (Node and Workers
// ship the tz database there), so incident day and month periods need no date library.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function formatter(zone: string): Intl.DateTimeFormat {
  try {
    // h23 (not hour12: false) so midnight is 00, never 24; gregory + latn so the parts are plain numbers.
    return new Intl.DateTimeFormat("en-US-u-ca-gregory-nu-latn", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    throw new Error(`Unknown time zone "${zone}": expected an IANA name such as "Europe/Brussels" or "UTC"`);
  }
}

/** Throws a clear Error unless `zone` is an IANA time zone name this runtime knows. */
export function assertTimeZone(zone: string): void {
  if (typeof zone !== "string" || zone.trim() === "") throw new Error(`Unknown time zone "${String(zone)}": expected an IANA name such as "Europe/Brussels" or "UTC"`);
  formatter(zone);
}

function assertDate(at: Date, what = "date"): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Error(`Invalid ${what}: expected a valid Date`);
}

function wallTime(ms: number, fmt: Intl.DateTimeFormat): WallTime {
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: (parts.hour ?? NaN) % 24,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

/** The zone's offset from UTC at instant `ms` (local minus UTC), in ms. */
function offsetAt(ms: number, fmt: Intl.DateTimeFormat): number {
  const w = wallTime(ms, fmt);
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSeconds;
}

/**
 * The instant a local wall time denotes. `localMs` is the wall time written as if it were
 * UTC. Zones change offset at most once within a day either side, so the offsets a day
 * before and a day after are the only candidates. Both fit → ambiguous (fall-back): take the
 * earlier instant. Neither fits → the time falls in a spring-forward gap: keep the offset
 * from before the change, which moves the time forward by the gap's length.
 */
function instantOf(localMs: number, fmt: Intl.DateTimeFormat): number {
  const before = offsetAt(localMs - DAY_MS, fmt);
  const after = offsetAt(localMs + DAY_MS, fmt);
  const fits = [before, after].map((o) => localMs - o).filter((t) => offsetAt(t, fmt) === localMs - t);
  return fits.length > 0 ? Math.min(...fits) : localMs - before;
}

function shiftCalendar(at: Date, zone: string, move: (w: WallTime) => { year: number; month: number; day: number }): Date {
  assertDate(at);
  const fmt = formatter(zone);
  const ms = at.getTime();
  const w = wallTime(ms, fmt);
  const d = move(w);
  // Date.UTC normalises day/month overflow (Jan 32 → Feb 1), which is calendar-day arithmetic.
  const local = Date.UTC(d.year, d.month - 1, d.day, w.hour, w.minute, w.second) + (ms - Math.floor(ms / 1000) * 1000);
  return new Date(instantOf(local, fmt));
}

function assertInteger(n: number, what: string): void {
  if (!Number.isInteger(n)) throw new Error(`${what} must be a whole number, got ${n}`);
}

/** Exactly `h` hours of real time later (time zones play no part). */
export function addHours(at: Date, h: number): Date {
  assertDate(at);
  if (!Number.isFinite(h)) throw new Error(`hours must be a finite number, got ${h}`);
  return new Date(at.getTime() + h * HOUR_MS);
}

/** The same local wall-clock time `days` calendar days later in `zone`. */
export function addDaysInZone(at: Date, days: number, zone: string): Date {
  assertInteger(days, "days");
  return shiftCalendar(at, zone, (w) => ({ year: w.year, month: w.month, day: w.day + days }));
}

/**
 * The same local day-of-month and time `months` months later in `zone`, clamped to the
 * target month's last day (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year).
 */
export function addMonthsInZone(at: Date, months: number, zone: string): Date {
  assertInteger(months, "months");
  return shiftCalendar(at, zone, (w) => {
    const first = new Date(Date.UTC(w.year, w.month - 1 + months, 1));
    const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    return { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(w.day, lastDay) };
  });
}

/** "2026-03-29 10:00 Europe/Brussels": the local wall time to the minute, then the zone. */
export function formatInZone(at: Date, zone: string): string {
  assertDate(at);
  const w = wallTime(at.getTime(), formatter(zone));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)} ${zone}`;
}
