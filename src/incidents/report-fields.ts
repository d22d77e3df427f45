// The one table of what each regime's incident report contains: sections, fields, the legal
// source of each field, and where its value comes from (reference/audit-and-compliance.md §1.7, §1.9).
import type { Regime } from "./types.ts";

/**
 * Where a field's value comes from. `from_log`: computed from the linked audit events
 * (`LogFacts`), with `incident.details[key]` as a manual fallback when the log has nothing;
 * `from_incident`: the incident's own fields and the reporter given with it;
 * `manual`: only `incident.details[key]`.
 */
export type Fill = "from_log" | "from_incident" | "manual";

/**
 * When a field must have a value for the report to be complete. Some duties are conditional
 * in the law itself: GDPR 33(1) asks for reasons only when late, Art. 26(5) binds deployers,
 * EU-database registration (Art. 49) exists only for high-risk systems.
 */
export type Requirement = "yes" | "no" | "if_late" | "if_deployer" | "if_high_risk";

export interface FieldSpec {
  key: string;
  label: string;
  /** The legal source, e.g. "GDPR Art. 33(3)(a)". */
  source: string;
  fill: Fill;
  required: Requirement;
}

export interface SectionSpec {
  key: string;
  title: string;
  fields: FieldSpec[];
}

export interface RegimeSpec {
  label: string;
  source: string;
  /** Why an incomplete report may still be filed under this regime (said on every initial report). */
  initialBasis: string;
  sections: SectionSpec[];
}

const f = (key: string, label: string, source: string, fill: Fill, required: Requirement = "yes"): FieldSpec => ({
  key,
  label,
  source,
  fill,
  required,
});

// Art. 73 does not enumerate fields; the list follows the Commission's draft template as
// summarised in the reference (§1.7, "verify against the final template").
const AI_ACT = "AI Act Art. 73; Commission draft template (2025)";

export const REPORT_FIELDS: Record<Regime, RegimeSpec> = {
  ai_act_art73: {
    label: "AI Act Art. 73 serious incident report",
    source: "Regulation (EU) 2024/1689 Art. 73, Art. 3(49); Commission draft guidance and reporting template (consultation 2025)",
    initialBasis: "AI Act Art. 73(5): an initial, incomplete report may be followed by a complete report.",
    sections: [
      {
        key: "reporter",
        title: "Reporter",
        fields: [
          f("reporter_name", "Reporter (organisation)", AI_ACT, "from_incident"),
          f("reporter_contact", "Reporter contact", AI_ACT, "from_incident"),
          f("reporter_role", "Role (provider or deployer)", "AI Act Art. 73(1), Art. 26(5)", "from_incident"),
          f("provider_notified_at", "Provider informed at (deployers)", "AI Act Art. 26(5)", "from_incident", "if_deployer"),
        ],
      },
      {
        key: "ai_system",
        title: "AI system identification",
        fields: [
          f("ai_system_id", "AI system name / identifier", AI_ACT, "from_incident"),
          f("ai_system_version", "AI system version", AI_ACT, "manual"),
          f("eu_database_registration", "EU database registration number", "AI Act Art. 49, Art. 71", "manual", "if_high_risk"),
          f("ai_systems_in_log", "AI systems in the linked events (risk class)", "AI Act Art. 12(2)(a)", "from_log", "no"),
          f("models", "Models that answered in the linked events", "AI Act Art. 12(2)(a)", "from_log", "no"),
          f("policy_versions", "Policy versions in force in the linked events", "AI Act Art. 12(2)(a)", "from_log", "no"),
        ],
      },
      {
        key: "incident",
        title: "The incident",
        fields: [
          f("description", "Description of the incident", AI_ACT, "from_incident"),
          f("occurred_at", "Date of occurrence", AI_ACT, "from_incident"),
          f("aware_at", "Date of awareness", "AI Act Art. 73(2)", "from_incident"),
          f("member_states", "Member State(s) where it occurred", "AI Act Art. 73(1)", "from_incident"),
          f("harm_category", "Category of harm", "AI Act Art. 3(49)(a)–(d), Art. 73(3)", "from_incident"),
          f("persons_affected", "Persons affected (distinct pseudonymous callers in the linked events)", AI_ACT, "from_log"),
          f("persons_affected_notes", "Persons affected beyond the callers", AI_ACT, "manual", "no"),
          f("log_window", "Time window of the linked events", "AI Act Art. 12(3) pattern", "from_log", "no"),
          f("requests", "Requests in the linked events", "AI Act Art. 12(2)(a)", "from_log", "no"),
          f("decisions", "Policy decisions in the linked events", "AI Act Art. 12(2)(a)", "from_log", "no"),
        ],
      },
      {
        key: "assessment",
        title: "Causal link and measures",
        fields: [
          f("causal_link", "Causal-link assessment", "AI Act Art. 73(2), 73(4)", "manual"),
          f("immediate_measures", "Immediate measures taken", "AI Act Art. 73(6)", "manual"),
          f("corrective_measures", "Corrective measures", "AI Act Art. 73(6)", "manual"),
        ],
      },
    ],
  },

  gdpr_art33: {
    label: "GDPR Art. 33 personal data breach notification",
    source: "Regulation (EU) 2016/679 Art. 33",
    initialBasis: "GDPR Art. 33(4): where not all information is available at once, it may be provided in phases without undue further delay.",
    sections: [
      {
        key: "controller",
        title: "Controller and contact point",
        fields: [
          f("reporter_name", "Controller", "GDPR Art. 33(1)", "from_incident"),
          f("reporter_contact", "Controller contact", "GDPR Art. 33(1)", "from_incident"),
          f("dpo_contact", "Name and contact details of the DPO or other contact point", "GDPR Art. 33(3)(b)", "manual"),
        ],
      },
      {
        key: "breach",
        title: "Nature of the breach",
        fields: [
          f("description", "Nature of the personal data breach", "GDPR Art. 33(3)(a)", "from_incident"),
          f("aware_at", "Controller became aware at", "GDPR Art. 33(1)", "from_incident"),
          f("occurred_at", "Breach occurred at", "GDPR Art. 33(3)(a)", "from_incident", "no"),
          f("member_states", "Member State(s) concerned", "GDPR Art. 33(1), Art. 56", "from_incident", "no"),
          f("data_subject_categories", "Categories of data subjects concerned", "GDPR Art. 33(3)(a)", "manual"),
          f("data_subjects_approx", "Approximate number of data subjects (distinct pseudonymous callers in the linked events)", "GDPR Art. 33(3)(a)", "from_log"),
          f("personal_data_categories", "Categories of personal data (PII types detected in the linked events, with counts)", "GDPR Art. 33(3)(a)", "from_log"),
          f("records_approx", "Approximate number of personal data records (requests in the linked events)", "GDPR Art. 33(3)(a)", "from_log"),
          f("recipients", "Upstream endpoints and regions the data went to", "GDPR Art. 30(1)(d)–(e)", "from_log", "no"),
          f("log_window", "Time window of the linked events", "GDPR Art. 33(5)", "from_log", "no"),
        ],
      },
      {
        key: "consequences",
        title: "Consequences and measures",
        fields: [
          f("likely_consequences", "Likely consequences of the breach", "GDPR Art. 33(3)(c)", "manual"),
          f("measures", "Measures taken or proposed, including to mitigate possible adverse effects", "GDPR Art. 33(3)(d)", "manual"),
          f("delay_reasons", "Reasons for the delay (notified later than 72 h)", "GDPR Art. 33(1)", "manual", "if_late"),
          f("further_information", "Information still to follow (phased notification)", "GDPR Art. 33(4)", "manual", "no"),
        ],
      },
    ],
  },

  nis2_art23: {
    label: "NIS2 Art. 23 significant incident report",
    source: "Directive (EU) 2022/2555 Art. 23(4)",
    initialBasis: "NIS2 Art. 23(4): the early warning and the incident notification come before the final report, which completes them.",
    sections: [
      {
        key: "entity",
        title: "Entity",
        fields: [
          f("reporter_name", "Entity", "NIS2 Art. 23(1)", "from_incident"),
          f("reporter_contact", "Entity contact", "NIS2 Art. 23(1)", "from_incident"),
          f("member_states", "Member State(s) concerned", "NIS2 Art. 23(1), 23(6)", "from_incident"),
        ],
      },
      {
        key: "early_warning",
        title: "Early warning",
        fields: [
          f("aware_at", "Became aware at", "NIS2 Art. 23(4)(a)", "from_incident"),
          f("suspected_malicious", "Suspected to be caused by unlawful or malicious acts", "NIS2 Art. 23(4)(a)", "manual"),
          f("cross_border_impact", "Could have a cross-border impact", "NIS2 Art. 23(4)(a)", "manual"),
          f("jurisdictions", "Jurisdictions and regions in the linked events", "NIS2 Art. 23(4)(a)", "from_log", "no"),
        ],
      },
      {
        key: "notification",
        title: "Incident notification",
        fields: [
          f("description", "Description of the incident", "NIS2 Art. 23(4)(b)", "from_incident"),
          f("initial_assessment", "Initial assessment, including severity and impact", "NIS2 Art. 23(4)(b)", "manual"),
          f("indicators_of_compromise", "Indicators of compromise, where available", "NIS2 Art. 23(4)(b)", "manual", "no"),
          f("occurred_at", "Occurred at", "NIS2 Art. 23(4)(b)", "from_incident", "no"),
          f("log_window", "Time window of the linked events", "NIS2 Art. 23(4)(b)", "from_log", "no"),
          f("service_impact", "Requests and HTTP statuses in the linked events", "NIS2 Art. 23(3)(a)", "from_log", "no"),
          f("users_affected", "Users affected (distinct pseudonymous callers in the linked events)", "NIS2 Art. 23(3)(b)", "from_log", "no"),
        ],
      },
      {
        key: "final",
        title: "Final report",
        fields: [
          f("detailed_description", "Detailed description, including severity and impact", "NIS2 Art. 23(4)(d)(i)", "manual"),
          f("threat_type_root_cause", "Type of threat or root cause", "NIS2 Art. 23(4)(d)(ii)", "manual"),
          f("mitigation_measures", "Applied and ongoing mitigation measures", "NIS2 Art. 23(4)(d)(iii)", "manual"),
          f("cross_border_impact_final", "Cross-border impact, where applicable", "NIS2 Art. 23(4)(d)(iv)", "manual", "no"),
        ],
      },
    ],
  },

  dora_art19: {
    label: "DORA Art. 19 major ICT-related incident report",
    source: "Regulation (EU) 2022/2554 Art. 19; ITS (EU) 2025/302; RTS (EU) 2024/1772 (classification)",
    initialBasis: "DORA Art. 19(4): the initial notification and intermediate report precede the final report, which completes them.",
    sections: [
      {
        key: "general",
        title: "General information",
        fields: [
          f("reporter_name", "Financial entity", "ITS 2025/302 Annex (general information)", "from_incident"),
          f("lei", "Legal Entity Identifier (LEI)", "ITS 2025/302 Annex (general information)", "from_incident"),
          f("reporter_contact", "Contact", "ITS 2025/302 Annex (general information)", "from_incident"),
          f("aware_at", "Detected at", "DORA Art. 19(4)(a); ITS 2025/302", "from_incident"),
          f("classified_at", "Classified as major at", "DORA Art. 19(4)(a); RTS 2025/301", "from_incident"),
          f("occurred_at", "Occurred at", "ITS 2025/302 Annex", "from_incident"),
        ],
      },
      {
        key: "classification",
        title: "Classification criteria",
        fields: [
          f("clients_affected", "Clients and counterparts affected (distinct pseudonymous callers in the linked events)", "RTS 2024/1772 Art. 1", "from_log"),
          f("transactions_affected", "Transactions affected (requests in the linked events)", "RTS 2024/1772 Art. 1", "from_log"),
          f("data_losses", "Data losses (availability, authenticity, integrity, confidentiality)", "RTS 2024/1772 Art. 5", "manual"),
          f("pii_detected", "Personal data types in the linked events, with counts", "RTS 2024/1772 Art. 5", "from_log", "no"),
          f("critical_services_affected", "Critical services affected", "RTS 2024/1772 Art. 6", "manual"),
          f("services_in_log", "Teams, AI systems and endpoints in the linked events", "RTS 2024/1772 Art. 6", "from_log", "no"),
          f("duration_downtime", "Duration and service downtime", "RTS 2024/1772 Art. 3", "manual"),
          f("log_window", "Time window of the linked events", "RTS 2024/1772 Art. 3", "from_log", "no"),
          f("member_states", "Geographical spread (Member States)", "RTS 2024/1772 Art. 4", "from_incident"),
          f("jurisdictions", "Jurisdictions and regions in the linked events", "RTS 2024/1772 Art. 4", "from_log", "no"),
          f("economic_impact", "Economic impact", "RTS 2024/1772 Art. 7", "manual"),
          f("reputational_impact", "Reputational impact", "RTS 2024/1772 Art. 2", "manual", "no"),
        ],
      },
      {
        key: "description",
        title: "Description, root cause and measures",
        fields: [
          f("description", "Description of the incident", "ITS 2025/302 Annex", "from_incident"),
          f("root_cause", "Root cause", "DORA Art. 19(4)(c); ITS 2025/302", "manual"),
          f("measures", "Measures taken or planned to recover", "DORA Art. 19(4)(b); ITS 2025/302", "manual"),
          f("recovery_status", "Status (activities recovered, incident resolved)", "DORA Art. 19(4)(b)–(c)", "manual"),
        ],
      },
    ],
  },
};
