// The "Open an incident" form of /console/incidents. On a refused post it comes back with
// what was typed (as attribute values and textarea text, which JSX escapes).
import { AI_ACT_CASES, REGIMES, type Regime } from "../../incidents/types.ts";
import { REPORT_FIELDS } from "../../incidents/report-fields.ts";
import { many, one, type FormValues } from "./incidents-form.ts";

const CASES: Record<string, string> = {
  widespread_infringement: "widespread infringement (2 days)",
  critical_infrastructure: "critical infrastructure disruption (2 days)",
  death: "death of a person (10 days)",
  health: "serious harm to health (15 days)",
  fundamental_rights: "fundamental rights infringement (15 days)",
  property_environment: "serious harm to property or the environment (15 days)",
};

export function OpenForm(props: { csrf: string; values: FormValues; defaultZone: string; now: number }) {
  const v = props.values;
  const chosen = many(v, "regimes");
  const aware = one(v, "aware_at") || new Date(props.now).toISOString().slice(0, 16);
  return (
    <div class="card" id="open">
      <h2>Open an incident</h2>
      <p class="muted">Opening places a legal hold on the events, snapshots the policy bundle and configuration hash, and signs a checkpoint. Times are UTC.</p>
      <form method="post" action="/console/incidents" class="stack" id="open-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>
          Title
          <input name="title" id="o-title" required maxlength={300} value={one(v, "title")} />
        </label>
        <label>
          Description
          <textarea name="description" id="o-description" rows={3} maxlength={20000}>
            {one(v, "description")}
          </textarea>
        </label>
        <fieldset id="o-regimes">
          <legend>Regimes</legend>
          {REGIMES.map((r: Regime) => (
            <label class="check">
              <input type="checkbox" name="regimes" value={r} checked={chosen.includes(r)} /> {REPORT_FIELDS[r].label} <span class="mono small muted">{r}</span>
            </label>
          ))}
        </fieldset>
        <div class="filters">
          <label>
            AI Act case (with AI Act Art. 73)
            <select name="ai_act_case" id="o-case">
              <option value="">—</option>
              {AI_ACT_CASES.map((c) => (
                <option value={c} selected={one(v, "ai_act_case") === c}>
                  {CASES[c] ?? c}
                </option>
              ))}
            </select>
          </label>
          <label>
            Became aware at (UTC)
            <input type="datetime-local" name="aware_at" id="o-aware" required value={aware} />
          </label>
          <label>
            Classified at (UTC, optional)
            <input type="datetime-local" name="classified_at" value={one(v, "classified_at")} />
          </label>
          <label>
            Occurred at (UTC, optional)
            <input type="datetime-local" name="occurred_at" value={one(v, "occurred_at")} />
          </label>
          <label>
            Time zone for day and month periods
            <input name="time_zone" id="o-zone" maxlength={64} value={one(v, "time_zone") || props.defaultZone} />
          </label>
          <label>
            Team
            <input name="team" id="o-team" maxlength={64} value={one(v, "team")} />
          </label>
          <label>
            AI system id
            <input name="ai_system_id" maxlength={128} value={one(v, "ai_system_id")} />
          </label>
          <label>
            Member states
            <input name="member_states" id="o-states" placeholder="DE, FR" value={one(v, "member_states")} />
          </label>
        </div>
        <label>
          Audit event ids (one a line)
          <textarea name="event_ids" id="o-events" rows={3} required>
            {one(v, "event_ids")}
          </textarea>
        </label>
        <button type="submit" id="open-submit">
          Open incident
        </button>
      </form>
    </div>
  );
}
