import { describe, expect, it } from "vitest";
import { buildReport, type IncidentReport } from "./report.ts";
import { REPORT_FIELDS } from "./report-fields.ts";
import { INCIDENT_VALUES, LOG_VALUES } from "./report-values.ts";
import { DEADLINES, FACTS, GENERATED_AT, INCIDENT, input, withDetails } from "./report-fixture.ts";
import { REGIMES, type Regime } from "./types.ts";

type Row = [key: string, value: unknown, origin: "log" | "incident" | "manual"];
const rows = (r: IncidentReport): Row[] => r.sections.flatMap((s) => s.fields.map((f): Row => [f.key, f.value, f.origin]));
const WINDOW = "2026-02-28T22:14:03.000Z – 2026-02-28T23:40:00.000Z";

const EXPECTED: Record<Regime, { rows: Row[]; missing: string[] }> = {
  ai_act_art73: {
    rows: [
      ["reporter_name", "Acme Bank NV", "incident"],
      ["reporter_contact", "incidents@acme.example", "incident"],
      ["reporter_role", "deployer", "incident"],
      ["provider_notified_at", null, "incident"],
      ["ai_system_id", "credit-scoring", "incident"],
      ["ai_system_version", null, "manual"],
      ["eu_database_registration", null, "manual"],
      ["ai_systems_in_log", ["credit-scoring (high-risk, Annex III 5(b))"], "log"],
      ["models", ["gpt-x-2026-01"], "log"],
      ["policy_versions", ["2026-02-14.1"], "log"],
      ["description", INCIDENT.description, "incident"],
      ["occurred_at", "2026-02-28T22:15:00.000Z", "incident"],
      ["aware_at", "2026-03-01T09:00:00.000Z", "incident"],
      ["member_states", ["BE", "NL"], "incident"],
      ["harm_category", "Infringement of Union-law obligations protecting fundamental rights (Art. 3(49)(c))", "incident"],
      ["persons_affected", 2, "log"],
      ["persons_affected_notes", null, "manual"],
      ["log_window", WINDOW, "log"],
      ["requests", 3, "log"],
      ["decisions", ["allow: 2", "block: 1"], "log"],
      ["causal_link", null, "manual"],
      ["immediate_measures", null, "manual"],
      ["corrective_measures", null, "manual"],
    ],
    missing: ["provider_notified_at", "ai_system_version", "eu_database_registration", "causal_link", "immediate_measures", "corrective_measures"],
  },
  gdpr_art33: {
    rows: [
      ["reporter_name", "Acme Bank NV", "incident"],
      ["reporter_contact", "incidents@acme.example", "incident"],
      ["dpo_contact", null, "manual"],
      ["description", INCIDENT.description, "incident"],
      ["aware_at", "2026-03-01T09:00:00.000Z", "incident"],
      ["occurred_at", "2026-02-28T22:15:00.000Z", "incident"],
      ["member_states", ["BE", "NL"], "incident"],
      ["data_subject_categories", null, "manual"],
      ["data_subjects_approx", 2, "log"],
      ["personal_data_categories", ["EMAIL: 5", "PHONE: 1"], "log"],
      ["records_approx", 3, "log"],
      ["recipients", ["endpoint openai-eu", "region eu-west-1"], "log"],
      ["log_window", WINDOW, "log"],
      ["likely_consequences", null, "manual"],
      ["measures", null, "manual"],
      ["delay_reasons", null, "manual"],
      ["further_information", null, "manual"],
    ],
    missing: ["dpo_contact", "data_subject_categories", "likely_consequences", "measures"],
  },
  nis2_art23: {
    rows: [
      ["reporter_name", "Acme Bank NV", "incident"],
      ["reporter_contact", "incidents@acme.example", "incident"],
      ["member_states", ["BE", "NL"], "incident"],
      ["aware_at", "2026-03-01T09:00:00.000Z", "incident"],
      ["suspected_malicious", null, "manual"],
      ["cross_border_impact", null, "manual"],
      ["jurisdictions", ["jurisdiction EU", "region eu-west-1"], "log"],
      ["description", INCIDENT.description, "incident"],
      ["initial_assessment", null, "manual"],
      ["indicators_of_compromise", null, "manual"],
      ["occurred_at", "2026-02-28T22:15:00.000Z", "incident"],
      ["log_window", WINDOW, "log"],
      ["service_impact", ["requests: 3", "HTTP 200: 2", "HTTP 403: 1"], "log"],
      ["users_affected", 2, "log"],
      ["detailed_description", null, "manual"],
      ["threat_type_root_cause", null, "manual"],
      ["mitigation_measures", null, "manual"],
      ["cross_border_impact_final", null, "manual"],
    ],
    missing: ["suspected_malicious", "cross_border_impact", "initial_assessment", "detailed_description", "threat_type_root_cause", "mitigation_measures"],
  },
  dora_art19: {
    rows: [
      ["reporter_name", "Acme Bank NV", "incident"],
      ["lei", "529900T8BM49AURSDO55", "incident"],
      ["reporter_contact", "incidents@acme.example", "incident"],
      ["aware_at", "2026-03-01T09:00:00.000Z", "incident"],
      ["classified_at", "2026-03-01T11:00:00.000Z", "incident"],
      ["occurred_at", "2026-02-28T22:15:00.000Z", "incident"],
      ["clients_affected", 2, "log"],
      ["transactions_affected", 3, "log"],
      ["data_losses", null, "manual"],
      ["pii_detected", ["EMAIL: 5", "PHONE: 1"], "log"],
      ["critical_services_affected", null, "manual"],
      ["services_in_log", ["team credit", "AI system credit-scoring", "endpoint openai-eu"], "log"],
      ["duration_downtime", null, "manual"],
      ["log_window", WINDOW, "log"],
      ["member_states", ["BE", "NL"], "incident"],
      ["jurisdictions", ["jurisdiction EU", "region eu-west-1"], "log"],
      ["economic_impact", null, "manual"],
      ["reputational_impact", null, "manual"],
      ["description", INCIDENT.description, "incident"],
      ["root_cause", null, "manual"],
      ["measures", null, "manual"],
      ["recovery_status", null, "manual"],
    ],
    missing: ["data_losses", "critical_services_affected", "duration_downtime", "economic_impact", "root_cause", "measures", "recovery_status"],
  },
};

/** Every manual field of a regime, answered. */
function answers(regime: Regime): Record<string, string> {
  const keys = REPORT_FIELDS[regime].sections.flatMap((s) => s.fields.filter((f) => f.fill === "manual").map((f) => f.key));
  return Object.fromEntries(keys.map((k) => [k, `answer for ${k}`]));
}

describe("the report field table", () => {
  it("gives every computed field a value source, every field a legal source, and no key twice in a regime", () => {
    for (const regime of REGIMES) {
      const fields = REPORT_FIELDS[regime].sections.flatMap((s) => s.fields);
      expect(new Set(fields.map((f) => f.key)).size).toBe(fields.length);
      for (const f of fields) {
        expect(f.source.trim(), `${regime}.${f.key}`).not.toBe("");
        if (f.fill === "from_log") expect(LOG_VALUES[f.key], `${regime}.${f.key}`).toBeTypeOf("function");
        if (f.fill === "from_incident") expect(INCIDENT_VALUES[f.key], `${regime}.${f.key}`).toBeTypeOf("function");
      }
    }
  });
});

describe("buildReport, field by field", () => {
  for (const regime of REGIMES) {
    it(`${regime}: every field's value and origin, the exact missing list, and an initial status`, () => {
      const r = buildReport(input({ regime }));
      expect(rows(r)).toEqual(EXPECTED[regime].rows);
      expect(r.missing).toEqual(EXPECTED[regime].missing);
      expect(r.complete).toBe(false);
      expect(r.report_status).toBe("initial");
      expect(r.notice).toContain("Initial report, incomplete");
      expect(r.notice).toContain(REPORT_FIELDS[regime].initialBasis);
      expect(r.regime_label).toBe(REPORT_FIELDS[regime].label);
      expect(r.deadlines).toEqual(DEADLINES.filter((d) => d.regime === regime));
      expect(r.deadlines.every((d) => d.regime === regime)).toBe(true);
    });

    it(`${regime}: becomes complete once every manual field is answered (trimmed), and not on blanks`, () => {
      const details = answers(regime);
      const blank = buildReport(input({ regime, incident: withDetails(Object.fromEntries(Object.keys(details).map((k) => [k, "  \n "]))) }));
      expect(blank.missing).toEqual(EXPECTED[regime].missing);

      const incident = withDetails(Object.fromEntries(Object.entries(details).map(([k, v]) => [k, `  ${v}\n`])));
      const filled = { ...incident, timeline: [...incident.timeline, { at: "2026-03-01T10:00:00.000Z", kind: "provider_notified", actor: "alice", detail: {} }] };
      const r = buildReport(input({ regime, incident: filled }));
      expect(r.missing).toEqual([]);
      expect(r.complete).toBe(true);
      expect(r.report_status).toBe("complete");
      expect(r.notice).toBe("Complete report: every required field has a value.");
      for (const f of r.sections.flatMap((s) => s.fields).filter((f) => f.origin === "manual")) {
        expect(f.value).toBe(`answer for ${f.key}`);
      }
    });
  }

  it("names the incident, keeps the evidence freeze and is plain JSON (no undefined left behind)", () => {
    const r = buildReport(input({ regime: "gdpr_art33" }));
    expect(r.schema).toBe("custos.incident-report/v1");
    expect(r.incident).toEqual({
      id: "inc-0193",
      title: INCIDENT.title,
      status: "investigating",
      opened_at: "2026-03-01T09:05:00.000Z",
      aware_at: "2026-03-01T09:00:00.000Z",
      classified_at: "2026-03-01T11:00:00.000Z",
      occurred_at: "2026-02-28T22:15:00.000Z",
      time_zone: "Europe/Brussels",
      member_states: ["BE", "NL"],
      team: "credit",
      ai_system_id: "credit-scoring",
    });
    expect(r.evidence).toEqual({
      hold_id: "hold-77",
      policy: { version: "2026-02-14.1", sha256: "a".repeat(64) },
      config_sha256: "c".repeat(64),
      checkpoint: { size: 4711, root_hex: "0f".repeat(32), created_at: "2026-03-01T09:05:01.000Z", anchors: [{ kind: "file", ref: "anchors/4711.json" }] },
      event_ids: INCIDENT.eventIds,
    });
    expect(r.generated_at).toBe(GENERATED_AT.toISOString());
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);

    const bare = buildReport(input({ regime: "gdpr_art33", incident: { ...INCIDENT, team: undefined, aiSystemId: undefined, occurredAt: undefined, classifiedAt: undefined } }));
    expect(Object.keys(bare.incident)).toEqual(["id", "title", "status", "opened_at", "aware_at", "time_zone", "member_states"]);
  });

  it("refuses a regime the incident is not under", () => {
    expect(() => buildReport(input({ regime: "dora_art19", incident: { ...INCIDENT, regimes: ["gdpr_art33"] } }))).toThrow(/not under dora_art19/);
  });
});

describe("conditional duties", () => {
  it("asks GDPR for the reasons of delay only once the 72 h have passed (Art. 33(1))", () => {
    const late = buildReport(input({ regime: "gdpr_art33", generatedAt: new Date("2026-03-04T09:00:01.000Z") }));
    expect(late.missing).toEqual(["dpo_contact", "data_subject_categories", "likely_consequences", "measures", "delay_reasons"]);
    const filedLate = DEADLINES.map((d) => (d.regime === "gdpr_art33" ? { ...d, status: "met" as const, late: true, submittedAt: "2026-03-05T00:00:00.000Z" } : d));
    expect(buildReport(input({ regime: "gdpr_art33", deadlines: filedLate })).missing).toContain("delay_reasons");
    // Another regime being overdue (DORA in the fixture) does not make GDPR late.
    expect(buildReport(input({ regime: "gdpr_art33" })).missing).not.toContain("delay_reasons");
  });

  it("asks a deployer, not a provider, when the provider was informed (Art. 26(5))", () => {
    const provider = buildReport(input({ reporter: { name: "Acme", contact: "x@acme.example", role: "provider" } }));
    expect(provider.missing).not.toContain("provider_notified_at");
    const notified = { ...INCIDENT, timeline: [
      ...INCIDENT.timeline,
      { at: "2026-03-01T12:00:00.000Z", kind: "provider_notified", actor: "bob", detail: {} },
      { at: "2026-03-01T10:30:00.000Z", kind: "provider_notified", actor: "alice", detail: {} },
    ] };
    const r = buildReport(input({ incident: notified }));
    expect(r.sections[0]?.fields.find((f) => f.key === "provider_notified_at")?.value).toBe("2026-03-01T10:30:00.000Z");
    expect(r.missing).not.toContain("provider_notified_at");
  });

  it("asks for the EU database registration only when a linked AI system is high-risk (Art. 49)", () => {
    const facts = { ...FACTS, aiSystems: [{ id: "credit-scoring", high_risk: false }] };
    const r = buildReport(input({ facts }));
    expect(r.missing).not.toContain("eu_database_registration");
    expect(r.sections[1]?.fields.find((f) => f.key === "ai_systems_in_log")?.value).toEqual(["credit-scoring (not high-risk)"]);
  });

  it("misses the LEI for DORA when the reporter has none, and the harm category without an AI Act case", () => {
    expect(buildReport(input({ regime: "dora_art19", reporter: { name: "A", contact: "c", role: "deployer" } })).missing[0]).toBe("lei");
    const r = buildReport(input({ incident: { ...INCIDENT, aiActCase: undefined } }));
    expect(r.missing).toContain("harm_category");
  });
});

describe("values from the log", () => {
  it("are left empty, not zero, when no event is linked, and a manual answer then fills the gap", () => {
    const none = { ...FACTS, events: 0, calls: 0, subjects: 0, firstAt: undefined, lastAt: undefined };
    const r = buildReport(input({ regime: "gdpr_art33", facts: none }));
    const log = r.sections.flatMap((s) => s.fields).filter((f) => REPORT_FIELDS.gdpr_art33.sections.flatMap((s) => s.fields).find((x) => x.key === f.key)?.fill === "from_log");
    expect(log.map((f) => [f.key, f.value])).toEqual([
      ["data_subjects_approx", null],
      ["personal_data_categories", null],
      ["records_approx", null],
      ["recipients", null],
      ["log_window", null],
    ]);
    expect(r.missing).toEqual(["dpo_contact", "data_subject_categories", "data_subjects_approx", "personal_data_categories", "records_approx", "likely_consequences", "measures"]);

    const answered = buildReport(input({ regime: "gdpr_art33", facts: none, incident: withDetails({ personal_data_categories: "customer names from the CRM export" }) }));
    expect(answered.sections[1]?.fields.find((f) => f.key === "personal_data_categories")).toMatchObject({ value: "customer names from the CRM export", origin: "manual" });
    expect(answered.missing).not.toContain("personal_data_categories");
  });

  it("prefers the log over a manual answer when the log has the value", () => {
    const r = buildReport(input({ regime: "gdpr_art33", incident: withDetails({ data_subjects_approx: "99" }) }));
    expect(r.sections[1]?.fields.find((f) => f.key === "data_subjects_approx")).toMatchObject({ value: 2, origin: "log" });
  });

  it("carries counts and type names only: the PII zero count is dropped and nothing but the facts appears", () => {
    const r = buildReport(input({ regime: "dora_art19" }));
    const json = JSON.stringify(r);
    expect(json).not.toContain("IBAN");
    expect(json).toContain("EMAIL: 5");
  });
});

describe("the input deadlines", () => {
  it("keep only this regime's, in the given order", () => {
    const r = buildReport(input({ regime: "nis2_art23" }));
    expect(r.deadlines.map((d) => d.stage)).toEqual(["early_warning", "notification", "final"]);
    expect(buildReport(input({ regime: "ai_act_art73", deadlines: [] })).deadlines).toEqual([]);
  });
});
