// Legal holds, incidents, purges, content-key expiry and erasure under holds
// (migrations/0007_compliance.sql) on both drivers: PGlite always, real Postgres as the
// runtime role when DATABASE_URL is set. One small real log per driver: the writer with
// retention classes puts events into past months, the integrator and signer (file anchor)
// make them purgeable; the cases run in order and check the rows after every refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rfc3339Millis } from "../../src/audit/canonical-json.ts";
import type { RetentionPolicy } from "../../src/audit/retention.ts";
import { uuidv7 } from "../../src/ids.ts";
import type { HoldRecord, IncidentActionRow, IncidentRow } from "../../src/storage/compliance-types.ts";
import type { Storage } from "../../src/storage/types.ts";
import { harnesses, logTools, testWriter, write, type Harness } from "../helpers/compliance-log.ts";

const DAY = 86_400_000;
const NOW = new Date();
/** The start of the UTC month k months from now. */
const M = (k: number) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + k, 1));
/** Noon of a day in that month. */
const at = (k: number, day: number) => new Date(M(k).getTime() + day * DAY + DAY / 2);
const partName = (m: Date) => `event_${m.toISOString().slice(0, 7).replace("-", "_")}`;

const POLICY: RetentionPolicy = {
  default: "short",
  audit: "short",
  classes: new Map([
    ["short", { name: "short", events: { n: 1, unit: "days" }, content: { n: 1, unit: "days" } }],
    ["long", { name: "long", events: { n: 10, unit: "years" }, content: { n: 1, unit: "years" } }],
  ]),
};
const SUBJECTS = ["p_anna", "p_bob", "p_cara", "p_dan", "p_eve", "p_lee", "p_ned"];
const noMs = (iso: string) => iso.replace(/\.\d{3}Z$/, "Z");

describe.each(harnesses)("compliance storage on %s", (driver, open) => {
  let h: Harness;
  let s: Storage;
  let tools: Awaited<ReturnType<typeof logTools>>;
  /** Event ids by name; see beforeAll. */
  const ev: Record<string, string> = {};
  const count = async (text: string, params: unknown[] = []) => Number((await h.query(`SELECT count(*)::int AS n FROM ${text}`, params))[0]!.n);
  /** The runtime role's refusal: no privilege on Postgres, the append-only trigger on PGlite (one superuser session). */
  const forbidden = driver === "postgres" ? /permission denied/ : /is not allowed on an append-only audit table/;
  const hold = (id: string, scope: Partial<HoldRecord>) => s.compliance.placeHold({ id, eventIds: [], reason: `test ${id}`, placedBy: "lawyer@example.com", ...scope });

  beforeAll(async () => {
    h = await open();
    s = h.storage;
    tools = await logTools(s);
    await s.audit.ensurePartitions(M(-4), 4);
    const w = testWriter(s, POLICY);
    const call = async (name: string, k: number, day: number, team: string, subject: string, extra: Record<string, unknown> = {}, content = false) => {
      ev[name] = await write(w, { type: "llm.request", ts: at(k, day).getTime(), fields: { actor: { team, subject }, ...extra }, ...(content ? { content: [{ part: "prompt", jwe: `jwe-of-${name}` }] } : {}) });
    };
    await call("a1", -3, 2, "alpha", "p_anna", {}, true);
    await call("b2", -3, 10, "beta", "p_bob", {}, true);
    await call("b3", -3, 20, "alpha", "p_bob");
    await call("c4", -2, 5, "gamma", "p_cara", { retention: { class: "long" } }, true);
    await call("l7", -1, 3, "omega", "p_lee");
    await call("n8", -1, 4, "zeta", "p_ned");
    await call("e6", -1, 5, "delta", "p_eve", {}, true);
    // Written without retention classes: retain_until stays NULL (kept until further notice).
    ev.d5 = await write(testWriter(s), { type: "llm.request", ts: at(-4, 6).getTime(), fields: { actor: { team: "alpha", subject: "p_dan" } } });
  });
  afterAll(async () => {
    await tools?.close();
    await h?.close();
  });

  it("the writer records retention: retain_until is the class's end, NULL without classes", async () => {
    expect((await s.audit.event(ev.a1!))?.retainUntil).toBe(rfc3339Millis(at(-3, 2).getTime() + DAY));
    const c4 = (await s.audit.event(ev.c4!))!;
    expect(c4.retainUntil).toBe(rfc3339Millis(Date.UTC(at(-2, 5).getUTCFullYear() + 10, at(-2, 5).getUTCMonth(), at(-2, 5).getUTCDate(), 12)));
    expect(JSON.parse(new TextDecoder().decode(c4.entry)).retention).toEqual({ class: "long", until: c4.retainUntil });
    expect((await s.audit.event(ev.d5!))?.retainUntil).toBeUndefined();
  });

  it("holds: place (every field round-trips), list active vs all, release once, unknown id", async () => {
    const full = { id: "hold_roundtrip1", incidentId: "inc_roundtrip1", team: "alpha", subject: "p_anna", from: new Date("2026-01-02T03:04:05.678Z"), to: new Date("2026-02-01T00:00:00.000Z"), eventIds: [ev.a1!, ev.b2!], reason: "Litigation ⚖ Müller v. ACME", placedBy: "lawyer@example.com" };
    const placed = await s.compliance.placeHold(full);
    expect(placed).toEqual({ ...full, placedAt: expect.any(Date) });
    expect(Math.abs(placed.placedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await s.compliance.hold(full.id)).toEqual(placed);
    const second = await hold("hold_roundtrip2", { team: "beta" });
    expect((await s.compliance.holds()).map((x) => x.id)).toEqual(["hold_roundtrip2", "hold_roundtrip1"]);
    expect((await s.compliance.holds({ incidentId: "inc_roundtrip1" })).map((x) => x.id)).toEqual(["hold_roundtrip1"]);

    const released = await s.compliance.releaseHold(second.id, "case settled", "counsel");
    expect(released).toEqual({ already: false, hold: { ...second, released: { reason: "case settled", by: "counsel", at: expect.any(Date) } } });
    const again = await s.compliance.releaseHold(second.id, "twice", "someone else");
    expect(again).toEqual({ already: true, hold: released!.hold });
    expect(await s.compliance.releaseHold("hold_doesnotexist", "x", "y")).toBeUndefined();
    expect((await s.compliance.holds()).map((x) => x.id)).toEqual(["hold_roundtrip1"]);
    expect((await s.compliance.holds({ all: true })).map((x) => x.id)).toEqual(["hold_roundtrip2", "hold_roundtrip1"]);
    expect(await count("audit.hold_release")).toBe(1);

    // Bad input: a malformed id, no scope at all, an empty range, a duplicate id.
    await expect(hold("h1", { team: "alpha" })).rejects.toThrow(/hold_id_check|check constraint/);
    await expect(hold("hold_noscope01", {})).rejects.toThrow(/check constraint/);
    await expect(hold("hold_emptyrange", { from: M(-3), to: M(-3) })).rejects.toThrow(/check constraint/);
    await expect(hold("hold_roundtrip1", { team: "other" })).rejects.toThrow(/duplicate key/);
    expect(await s.compliance.hold("hold_roundtrip1")).toEqual(placed);
    expect(await count("audit.hold")).toBe(2);
    await s.compliance.releaseHold("hold_roundtrip1", "test over", "counsel");
  });

  it("incidents: opening jsonb round-trips, listed newest first, actions oldest first per incident", async () => {
    const opening = { title: "Prompt leak — Zürich 日本 🚨", severity: 3, regimes: ["ai_act", "gdpr"], freeze: { eventIds: [ev.a1], range: { from: M(-3).toISOString(), to: M(-2).toISOString() }, nested: { deep: [1, 2.5, null, true, { "k ey": "ø" }] } } };
    const i1: IncidentRow = { id: "inc_first0001", openedAt: new Date("2026-10-01T08:00:00.123Z"), openedBy: "oncall", opening, eventId: ev.b2! };
    const i2: IncidentRow = { id: "inc_second001", openedAt: new Date("2026-10-02T08:00:00Z"), openedBy: "ciso", opening: { title: "second" } };
    await s.compliance.createIncident(i1);
    await s.compliance.createIncident(i2);
    expect(await s.compliance.incident(i1.id)).toEqual(i1);
    expect(await s.compliance.incident(i2.id)).toEqual(i2);
    expect(await s.compliance.incident("inc_missing001")).toBeUndefined();
    expect((await s.compliance.incidents(10)).map((x) => x.id)).toEqual(["inc_second001", "inc_first0001"]);
    expect((await s.compliance.incidents(1)).map((x) => x.id)).toEqual(["inc_second001"]);

    const act = (id: string, incidentId: string, iso: string, kind: string, detail: Record<string, unknown> = {}): IncidentActionRow => ({ id, incidentId, at: new Date(iso), actor: "oncall", kind, detail });
    const actions = [act("act_3", i1.id, "2026-10-03T00:00:00Z", "note", { text: "naïve ✓" }), act("act_1", i1.id, "2026-10-01T09:00:00Z", "assess", { severity: { from: 2, to: 3 } }), act("act_2", i2.id, "2026-10-02T09:00:00Z", "notify")];
    for (const a of actions) await s.compliance.addIncidentAction(a);
    expect(await s.compliance.incidentActions([i1.id])).toEqual([actions[1], actions[0]]);
    expect((await s.compliance.incidentActions([i1.id, i2.id])).map((a) => a.id)).toEqual(["act_1", "act_2", "act_3"]);
    expect(await s.compliance.incidentActions([])).toEqual([]);

    await expect(s.compliance.createIncident({ ...i2, id: "bad" })).rejects.toThrow(/check constraint/);
    await expect(s.compliance.addIncidentAction(act("act_x", "inc_missing001", "2026-10-04T00:00:00Z", "note"))).rejects.toThrow(/foreign key/);
    await expect(s.compliance.addIncidentAction(act("act_y", i1.id, "2026-10-04T00:00:00Z", "Not A Kind"))).rejects.toThrow(/check constraint/);
    expect(await count("audit.incident")).toBe(2);
    expect(await count("audit.incident_action")).toBe(3);
  });

  it("the runtime role can neither update nor delete holds, releases, incidents or actions", async () => {
    const before = { holds: await s.compliance.holds({ all: true }), incidents: await s.compliance.incidents(10), actions: await s.compliance.incidentActions(["inc_first0001", "inc_second001"]) };
    const statements = [
      "UPDATE audit.hold SET reason = 'rewritten'",
      "DELETE FROM audit.hold WHERE id = 'hold_roundtrip1'",
      "UPDATE audit.hold_release SET reason = 'rewritten'",
      "DELETE FROM audit.hold_release",
      "UPDATE audit.incident SET opening = '{}'::jsonb",
      "DELETE FROM audit.incident WHERE id = 'inc_second001'",
      "UPDATE audit.incident_action SET kind = 'note'",
      "DELETE FROM audit.incident_action",
      "TRUNCATE audit.hold_release",
      "TRUNCATE audit.incident_action",
    ];
    for (const q of statements) await expect(h.query(q), q).rejects.toThrow(forbidden);
    expect(await s.compliance.holds({ all: true })).toEqual(before.holds);
    expect(await s.compliance.incidents(10)).toEqual(before.incidents);
    expect(await s.compliance.incidentActions(["inc_first0001", "inc_second001"])).toEqual(before.actions);
  });

  it("purge refusals before anchoring: open month, no partition, not a month, retention (NULL and long), pending, unanchored checkpoints", async () => {
    expect(await s.compliance.purgeRefusal(M(0))).toBe("retention: the month has not ended");
    expect(await s.compliance.purgeRefusal(M(-6))).toBe(`no_partition: there is no partition ${partName(M(-6))}`);
    expect(await s.compliance.purgeRefusal(new Date(M(-3).getTime() + DAY))).toMatch(/^not_a_month: /);
    expect(await s.compliance.purgeRefusal(M(-4))).toBe("retention: events in it must be kept until further notice (events without a retention date)");
    expect(await s.compliance.purgeRefusal(M(-2))).toBe(`retention: events in it must be kept until ${noMs((await s.audit.event(ev.c4!))!.retainUntil!)}`);
    const pendingWhy = "not_anchored: events of the month are not integrated into the log yet";
    expect(await s.compliance.purgeRefusal(M(-3))).toBe(pendingWhy);
    await expect(s.compliance.purgeMonth(M(-3), ev.e6!)).rejects.toThrow(`audit.purge_month: ${pendingWhy}`);

    const size = await tools.integrate();
    expect((await s.audit.pendingStats()).count).toBe(0);
    const last = Math.max(...(await Promise.all(["a1", "b2", "b3"].map((n) => s.audit.leafIndexOf(ev[n]!)))).map((i) => i!));
    const unanchored = `not_anchored: no checkpoint anchored outside the database covers log index ${last}`;
    expect(await s.compliance.purgeRefusal(M(-3))).toBe(unanchored);
    // A checkpoint the database alone holds does not count.
    expect((await tools.sign(false))?.size).toBe(size);
    expect(await count("audit.checkpoint")).toBe(1);
    expect(await count("audit.anchor")).toBe(0);
    expect(await s.compliance.purgeRefusal(M(-3))).toBe(unanchored);

    await write(testWriter(s, POLICY), { type: "test.tick", fields: {} });
    const grown = await tools.integrate();
    expect((await tools.sign(true))?.size).toBe(grown);
    expect(await count("audit.anchor WHERE tree_size = $1", [grown])).toBe(1);
    expect(await s.compliance.purgeRefusal(M(-3))).toBeUndefined();
    expect(await s.compliance.purgeRefusal(M(-1))).toBeUndefined();
    // Refusals leave every partition in place.
    for (const k of [-4, -3, -2, -1, 0]) expect((await s.compliance.partitionMonths()).map((d) => d.getTime())).toContain(M(k).getTime());
  });

  it("hold coverage for each scope kind, and legal_hold refusals until release", async () => {
    const cases: { id: string; scope: Partial<HoldRecord>; subjects: string[]; months: number[]; extra?: [Date, Date, string[]][] }[] = [
      { id: "hold_cov_events", scope: { eventIds: [ev.b2!] }, subjects: ["p_bob"], months: [-3] },
      { id: "hold_cov_team01", scope: { team: "alpha" }, subjects: ["p_anna", "p_bob", "p_dan"], months: [-4, -3] },
      { id: "hold_cov_subject", scope: { subject: "p_anna" }, subjects: ["p_anna"], months: [-3] },
      { id: "hold_cov_subject2", scope: { subject: "p_cara" }, subjects: ["p_cara"], months: [-2] },
      { id: "hold_cov_range01", scope: { from: at(-3, 5), to: at(-3, 15) }, subjects: ["p_bob"], months: [-3], extra: [[at(-3, 15), M(-2), []]] },
      { id: "hold_cov_teamrange", scope: { team: "alpha", from: at(-3, 15), to: M(-2) }, subjects: ["p_bob"], months: [-3], extra: [[M(-3), at(-3, 15), []]] },
    ];
    for (const c of cases) {
      await hold(c.id, c.scope);
      for (const p of SUBJECTS) expect(await s.compliance.holdsOnSubject(p), `${c.id} on ${p}`).toEqual(c.subjects.includes(p) ? [c.id] : []);
      for (const k of [-5, -4, -3, -2, -1]) expect(await s.compliance.holdsOnRange(M(k), M(k + 1)), `${c.id} in month ${k}`).toEqual(c.months.includes(k) ? [c.id] : []);
      for (const [a, b, want] of c.extra ?? []) expect(await s.compliance.holdsOnRange(a, b), `${c.id} in a part of the month`).toEqual(want);
      expect(await s.compliance.purgeRefusal(M(-3))).toBe(c.months.includes(-3) ? `legal_hold: ${c.id}` : undefined);
      await expect(s.compliance.purgeMonth(M(-3), ev.e6!)).rejects.toThrow(c.months.includes(-3) ? `audit.purge_month: legal_hold: ${c.id}` : /must be written first/);

      await s.compliance.releaseHold(c.id, "released", "counsel");
      for (const p of c.subjects) expect(await s.compliance.holdsOnSubject(p)).toEqual([]);
      for (const k of c.months) expect(await s.compliance.holdsOnRange(M(k), M(k + 1))).toEqual([]);
      expect(await s.compliance.purgeRefusal(M(-3))).toBeUndefined();
    }
    // Two at once: both named, in id order.
    await hold("hold_two_b0000", { eventIds: [ev.a1!] });
    await hold("hold_two_a0000", { subject: "p_anna" });
    expect(await s.compliance.purgeRefusal(M(-3))).toBe("legal_hold: hold_two_a0000, hold_two_b0000");
    expect(await s.compliance.holdsOnSubject("p_anna")).toEqual(["hold_two_a0000", "hold_two_b0000"]);
    for (const id of ["hold_two_a0000", "hold_two_b0000"]) await s.compliance.releaseHold(id, "done", "counsel");
    expect(await s.compliance.purgeRefusal(M(-3))).toBeUndefined();
    expect(await count("audit.event WHERE received_at >= $1 AND received_at < $2", [M(-3), M(-2)])).toBe(3);
  });

  it("content keys: class, month and expiry stored; shredExpired destroys only expired keys no hold covers", async () => {
    const past = new Date(Date.now() - DAY);
    const future = new Date(Date.now() + 30 * DAY);
    const keys: [string, string, number, string, Date][] = [
      ["k_anna", "p_anna", -3, "short", past], // destroyed
      ["k_kim", "p_kim", -3, "short", past], // subject hold
      ["k_lee1", "p_lee", -1, "short", past], // team hold: p_lee wrote for omega in that month
      ["k_lee2", "p_lee", -2, "short", past], // destroyed: no omega event of p_lee that month
      ["k_moe", "p_moe", -5, "long", past], // range hold
      ["k_ned1", "p_ned", -1, "long", past], // event_ids hold on n8
      ["k_ned2", "p_ned", -4, "long", past], // destroyed
      ["k_ola", "p_ola", -3, "short", future], // not expired
    ];
    for (const [kid, p, k, cls, exp] of keys) await s.audit.createDek({ kid, pseudonym: p, period: M(k).toISOString().slice(0, 7), wrapped: new Uint8Array([1, 2, 3]), class: cls, month: M(k), expiresAt: exp });
    await s.audit.createDek({ kid: "k_pat", pseudonym: "p_pat", period: "2020-01", wrapped: new Uint8Array([4]) });
    const rows = async () => (await h.query("SELECT kid, class, month, expires_at FROM keys.dek ORDER BY kid")).map((r) => ({ kid: r.kid, class: r.class, month: r.month === null ? null : new Date(r.month as string).toISOString(), expires: r.expires_at === null ? null : new Date(r.expires_at as string).toISOString() }));
    const all = await rows();
    expect(all.find((r) => r.kid === "k_moe")).toEqual({ kid: "k_moe", class: "long", month: M(-5).toISOString(), expires: past.toISOString() });
    expect(all.find((r) => r.kid === "k_pat")).toEqual({ kid: "k_pat", class: null, month: null, expires: null });
    expect(all).toHaveLength(9);

    const keyHolds = ["hold_keys_subject", "hold_keys_team", "hold_keys_range", "hold_keys_events"];
    await hold(keyHolds[0]!, { subject: "p_kim" });
    await hold(keyHolds[1]!, { team: "omega" });
    await hold(keyHolds[2]!, { from: M(-5), to: M(-4) });
    await hold(keyHolds[3]!, { eventIds: [ev.n8!] });
    expect(await s.compliance.shredExpired()).toEqual([{ class: "long", destroyed: 1 }, { class: "short", destroyed: 2 }]);
    expect((await rows()).map((r) => r.kid)).toEqual(["k_kim", "k_lee1", "k_moe", "k_ned1", "k_ola", "k_pat"]);
    expect(await s.compliance.shredExpired()).toEqual([]);

    for (const id of keyHolds) await s.compliance.releaseHold(id, "done", "counsel");
    expect(await s.compliance.shredExpired()).toEqual([{ class: "long", destroyed: 2 }, { class: "short", destroyed: 2 }]);
    expect((await rows()).map((r) => r.kid)).toEqual(["k_ola", "k_pat"]);
  });

  it("erasure refuses while a hold covers any of the subject's events, deletes nothing, and succeeds after release", async () => {
    const lookup = new Uint8Array(32).fill(7);
    const alias = new Uint8Array(32).fill(9);
    expect(await s.audit.pseudonym(lookup, "p_bob")).toBe("p_bob");
    await s.audit.addAlias(alias, "p_bob");
    for (const period of ["2026-01", "2026-02"]) await s.audit.createDek({ kid: `k_bob_${period}`, pseudonym: "p_bob", period, wrapped: new Uint8Array([5]) });
    const kept = async () => {
      expect(await count("keys.dek WHERE pseudonym = 'p_bob'")).toBe(2);
      expect(await s.audit.findPseudonym(lookup)).toBe("p_bob");
      expect(await s.audit.findByAlias(alias)).toEqual(["p_bob"]);
    };
    await hold("hold_erase_events", { eventIds: [ev.b3!] });
    await hold("hold_erase_teamrange", { team: "beta", from: M(-3), to: M(-2) });
    await expect(s.audit.eraseSubject("p_bob")).rejects.toThrow("keys.erase_subject: legal hold hold_erase_events, hold_erase_teamrange covers this subject");
    await kept();
    await s.compliance.releaseHold("hold_erase_events", "done", "counsel");
    await expect(s.audit.eraseSubject("p_bob")).rejects.toThrow("legal hold hold_erase_teamrange covers");
    await kept();
    await s.compliance.releaseHold("hold_erase_teamrange", "done", "counsel");
    expect(await s.audit.eraseSubject("p_bob")).toBe(2);
    expect(await count("keys.dek WHERE pseudonym = 'p_bob'")).toBe(0);
    expect(await s.audit.findPseudonym(lookup)).toBeUndefined();
    expect(await s.audit.findByAlias(alias)).toEqual([]);
  });

  it("purgeMonth needs a committed retention.purge event, drops the partition and its content, keeps the leaves and other months", async () => {
    const m = M(-3);
    await expect(s.compliance.purgeMonth(M(-2), ev.e6!)).rejects.toThrow(/^audit\.purge_month: retention: events in it must be kept until /);
    const missing = uuidv7();
    await expect(s.compliance.purgeMonth(m, missing)).rejects.toThrow(`audit.purge_month: the retention.purge event ${missing} must be written first`);
    await expect(s.compliance.purgeMonth(m, ev.c4!)).rejects.toThrow(`the retention.purge event ${ev.c4} must be written first`);
    expect(await count("audit.event WHERE received_at >= $1 AND received_at < $2", [m, M(-2)])).toBe(3);
    expect(await count("audit.content WHERE event_id = ANY ($1::uuid[])", [[ev.a1, ev.b2]])).toBe(2);
    expect(await s.compliance.purged()).toEqual([]);

    // The announcement must state exactly what goes: the month, the entry count, the log indices.
    const idx = (await Promise.all(["a1", "b2", "b3"].map((n) => s.audit.leafIndexOf(ev[n]!)))).map((i) => i!);
    const leaves = { events: 3, firstIndex: Math.min(...idx), lastIndex: Math.max(...idx) };
    expect(await s.compliance.monthLeaves(m)).toEqual(leaves);
    expect(await s.compliance.monthLeaves(M(-6))).toEqual({ events: 0 });
    const yyyymm = m.toISOString().slice(0, 7);
    const claim = { month: yyyymm, events: 3, first_index: leaves.firstIndex, last_index: leaves.lastIndex };
    const announce = (purge?: Record<string, unknown>) => write(testWriter(s, POLICY), { type: "retention.purge", fields: purge ? { purge } : {} });
    const bare = await announce();
    await expect(s.compliance.purgeMonth(m, bare)).rejects.toThrow(`audit.purge_month: the retention.purge event ${bare} must be written first`);
    const describes = `(month ${yyyymm}, 3 entries, log indices ${leaves.firstIndex} to ${leaves.lastIndex})`;
    for (const wrong of [{ ...claim, events: 2 }, { ...claim, month: M(-2).toISOString().slice(0, 7) }, { ...claim, first_index: leaves.firstIndex + 1 }, { ...claim, last_index: leaves.lastIndex + 1 }]) {
      const id = await announce(wrong);
      await expect(s.compliance.purgeMonth(m, id)).rejects.toThrow(`audit.purge_month: the retention.purge event ${id} does not describe this month ${describes}`);
    }
    expect(await count("audit.event WHERE received_at >= $1 AND received_at < $2", [m, M(-2)])).toBe(3);
    const purgeEvent = await announce(claim);
    expect(await s.compliance.purgeMonth(m, purgeEvent)).toBe(3);
    const months = (await s.compliance.partitionMonths()).map((d) => d.getTime());
    expect(months).not.toContain(m.getTime());
    for (const k of [-4, -2, -1, 0]) expect(months).toContain(M(k).getTime());
    expect(await s.compliance.purged()).toEqual([{ month: m, to: M(-2), ...leaves, purgeEvent, purgedAt: expect.any(Date) }]);
    expect(await s.compliance.purgeRefusal(m)).toBe(`no_partition: there is no partition ${partName(m)} (it was purged)`);
    await expect(s.compliance.purgeMonth(m, purgeEvent)).rejects.toThrow(/no_partition/);

    // The leaves stay (every proof still verifies); the events and their content are gone.
    expect(await count("audit.leaf WHERE event_id = ANY ($1::uuid[])", [[ev.a1, ev.b2, ev.b3]])).toBe(3);
    expect(await count("audit.content WHERE event_id = ANY ($1::uuid[])", [[ev.a1, ev.b2]])).toBe(0);
    for (const n of ["a1", "b2", "b3"]) expect(await s.audit.event(ev[n]!)).toBeUndefined();
    for (const n of ["c4", "d5", "e6", "l7", "n8"]) expect((await s.audit.event(ev[n]!))?.eventId).toBe(ev[n]);
    expect(await s.audit.content(ev.c4!)).toEqual([{ eventId: ev.c4, part: "prompt", jwe: "jwe-of-c4" }]);
    expect(await s.audit.content(ev.e6!)).toEqual([{ eventId: ev.e6, part: "prompt", jwe: "jwe-of-e6" }]);
    // The purge's exception is gone with its transaction: content is append-only again.
    await expect(h.query("DELETE FROM audit.content")).rejects.toThrow(forbidden);
    await expect(h.query("UPDATE audit.purged SET events = 0")).rejects.toThrow(forbidden);
    expect(await count("audit.content")).toBe(2);
  });

  it.runIf(driver === "postgres")("the runtime role cannot take the purge's way around the checks: no DELETE on content even with the purge flag set, no DETACH or DROP of a partition", async () => {
    const before = await count("audit.content");
    await h.query("SET custos.purging = 'on'");
    try {
      await expect(h.query("DELETE FROM audit.content")).rejects.toThrow(/permission denied/);
    } finally {
      await h.query("RESET custos.purging");
    }
    await expect(h.query(`ALTER TABLE audit.event DETACH PARTITION audit.${partName(M(-1))}`)).rejects.toThrow(/must be owner/);
    await expect(h.query(`DROP TABLE audit.${partName(M(-1))}`)).rejects.toThrow(/must be owner/);
    await expect(h.query("SELECT keys.key_is_held('p_anna', now())")).rejects.toThrow(/permission denied/);
    expect(await count("audit.content")).toBe(before);
    expect((await s.compliance.partitionMonths()).map((d) => d.getTime())).toContain(M(-1).getTime());
  });
});
