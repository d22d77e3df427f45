// The forms of /console/incidents/:id (each with the session's CSRF token) and its report and
// evidence links. The report answers list each regime's manual fields from REPORT_FIELDS, so
// the officer fills exactly what the reports say is missing.
import { REPORT_FIELDS } from "../../incidents/report-fields.ts";
import { AI_ACT_CASES, INCIDENT_STATUSES, type IncidentView, type Regime } from "../../incidents/types.ts";
import { STAGES } from "./incidents-form.ts";

const Csrf = (props: { csrf: string }) => <input type="hidden" name="_csrf" value={props.csrf} />;
const local = (iso: string | undefined): string => (iso ? iso.slice(0, 16) : "");

/** The manual report fields of the incident's regimes, each key once (a key two regimes share is asked once). */
export function manualFields(regimes: readonly Regime[]): { regime: Regime; title: string; fields: { key: string; label: string; source: string; required: string }[] }[] {
  const seen = new Set<string>();
  return regimes.map((regime) => {
    const spec = REPORT_FIELDS[regime];
    const fields = spec.sections
      .flatMap((s) => s.fields)
      .filter((f) => f.fill === "manual" && !seen.has(f.key))
      .map((f) => {
        seen.add(f.key);
        return { key: f.key, label: f.label, source: f.source, required: f.required };
      });
    return { regime, title: spec.label, fields };
  });
}

const REQUIRED: Record<string, string> = { yes: "required", no: "optional", if_late: "required if late", if_deployer: "required for deployers", if_high_risk: "required for high-risk systems" };

export function ReportLinks(props: { i: IncidentView }) {
  const id = encodeURIComponent(props.i.id);
  return (
    <div class="card" id="reports">
      <h2>Reports and evidence</h2>
      <p class="muted">Generated from the log and this incident each time; fields nobody has filled yet are listed as missing and the report stays an initial one.</p>
      <ul>
        {props.i.regimes.map((r) => (
          <li data-regime={r}>
            {REPORT_FIELDS[r].label}: <a href={`/api/incidents/${id}/report?regime=${r}&format=html`} class="report-html">printable</a> · <a href={`/api/incidents/${id}/report?regime=${r}`} class="report-json">JSON</a>
          </li>
        ))}
      </ul>
      <a class="button" id="evidence" href={`/api/incidents/${id}/evidence`}>
        Download evidence (.tar)
      </a>
    </div>
  );
}

export function ActionForms(props: { i: IncidentView; csrf: string }) {
  const i = props.i;
  const base = `/console/incidents/${encodeURIComponent(i.id)}`;
  return (
    <div class="columns" id="actions">
      <div class="card">
        <h2>Status</h2>
        <form method="post" action={`${base}/status`} class="inline-form" id="status-form">
          <Csrf csrf={props.csrf} />
          <select name="status" aria-label="status">
            {INCIDENT_STATUSES.map((s) => (
              <option value={s} selected={s === i.status}>
                {s}
              </option>
            ))}
          </select>
          <button type="submit">Change status</button>
        </form>
        <h2>Note</h2>
        <form method="post" action={`${base}/note`} class="stack" id="note-form">
          <Csrf csrf={props.csrf} />
          <textarea name="text" rows={3} required maxlength={10000} aria-label="note"></textarea>
          <button type="submit">Add note</button>
        </form>
        <h2>Provider notified (Art. 26(5))</h2>
        <form method="post" action={`${base}/provider-notified`} class="inline-form" id="provider-form">
          <Csrf csrf={props.csrf} />
          <label>
            At (UTC, empty: now)
            <input type="datetime-local" name="at" />
          </label>
          <button type="submit">Record</button>
        </form>
      </div>
      <div class="card">
        <h2>Record a submission</h2>
        <form method="post" action={`${base}/submission`} class="stack" id="submission-form">
          <Csrf csrf={props.csrf} />
          <label>
            Regime
            <select name="regime">
              {i.regimes.map((r) => (
                <option value={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            Stage
            <select name="stage">
              {STAGES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Filed at (UTC, empty: now)
            <input type="datetime-local" name="at" />
          </label>
          <label>
            Authority's reference
            <input name="reference" maxlength={200} />
          </label>
          <button type="submit">Record submission</button>
        </form>
        <h2>Link more events</h2>
        <form method="post" action={`${base}/link`} class="stack" id="link-form">
          <Csrf csrf={props.csrf} />
          <textarea name="event_ids" rows={2} required aria-label="event ids, one a line" placeholder="event ids, one a line"></textarea>
          <button type="submit">Link and hold</button>
        </form>
      </div>
      <div class="card wide">
        <h2>Details and report answers</h2>
        <form method="post" action={`${base}/update`} class="stack" id="update-form">
          <Csrf csrf={props.csrf} />
          <label>
            Title
            <input name="title" value={i.title} maxlength={300} required />
          </label>
          <label>
            Description
            <textarea name="description" rows={3} maxlength={20000}>
              {i.description}
            </textarea>
          </label>
          <div class="filters">
            <label>
              AI Act case
              <select name="ai_act_case">
                <option value="">—</option>
                {AI_ACT_CASES.map((c) => (
                  <option value={c} selected={c === i.aiActCase}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Classified at (UTC)
              <input type="datetime-local" name="classified_at" value={local(i.classifiedAt)} />
            </label>
            <label>
              Occurred at (UTC)
              <input type="datetime-local" name="occurred_at" value={local(i.occurredAt)} />
            </label>
            <label>
              Member states
              <input name="member_states" value={i.memberStates.join(", ")} placeholder="DE, FR" />
            </label>
          </div>
          {manualFields(i.regimes).map((g) => (
            <fieldset data-regime={g.regime}>
              <legend>{g.title}</legend>
              {g.fields.length === 0 ? <p class="muted small">Every manual field of this report is asked above.</p> : null}
              {g.fields.map((f) => (
                <label>
                  <span>
                    {f.label} <span class="mono small">{f.key}</span> · <span class="small">{f.source}</span> · <span class={f.required === "yes" ? "small warn" : "small"}>{REQUIRED[f.required] ?? f.required}</span>
                  </span>
                  <textarea name={`detail.${f.key}`} rows={2} maxlength={10000}>
                    {i.details[f.key] ?? ""}
                  </textarea>
                </label>
              ))}
            </fieldset>
          ))}
          <button type="submit">Save details</button>
        </form>
      </div>
    </div>
  );
}
