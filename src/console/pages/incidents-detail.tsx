// The parts of /console/incidents/:id that show the record: deadlines (in UTC and in the
// incident's zone, with met / late / overdue / due / waiting marked), the evidence freeze,
// the incident's holds and the timeline. Everything typed by users renders as JSX text.
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { formatInZone } from "../../incidents/zoned-time.ts";
import type { Deadline, IncidentView } from "../../incidents/types.ts";
import type { HoldRecord } from "../../storage/compliance-types.ts";
import { flatten } from "./event.tsx";

export const utc = (iso: string): string => iso.replace(/:\d{2}(\.\d{3})?Z$/, "Z").replace("T", " ");
const inZone = (iso: string, zone: string): string => formatInZone(new Date(iso), zone);

/** "in 2 d 4 h" / "3 h 10 min ago": how far a due time is from now. */
export function relative(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const m = Math.round(Math.abs(ms) / 60_000);
  const text = m >= 2880 ? `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h` : m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export function StatusMark(props: { d: Deadline }) {
  const d = props.d;
  if (d.status === "met" && d.late) return <span class="badge warn dl-late">MET LATE</span>;
  if (d.status === "met") return <span class="badge ok dl-met">met</span>;
  if (d.status === "overdue") return <span class="badge bad dl-overdue">OVERDUE</span>;
  if (d.status === "due") return <span class="badge warn dl-due">due</span>;
  return <span class="badge dl-waiting">waiting</span>;
}

/** The next deadline, as one line: what, when (UTC and the incident's zone), and how far off. */
export function NextDue(props: { d: Deadline | undefined; zone: string; now: number }) {
  const d = props.d;
  if (!d?.due) return <span class="muted">nothing due</span>;
  return (
    <span class={d.status === "overdue" ? "next-due overdue" : "next-due"}>
      <StatusMark d={d} /> {d.label}: <strong>{utc(d.due)}</strong> <span class="muted">({inZone(d.due, props.zone)})</span> · {relative(d.due, props.now)}
    </span>
  );
}

export function DeadlineTable(props: { i: IncidentView; deadlines: Deadline[]; now: number }) {
  const zone = props.i.timeZone;
  return (
    <table id="deadlines" class="deadlines">
      <thead>
        <tr>
          <th>Regime</th>
          <th>Stage</th>
          <th>What</th>
          <th>Due (UTC)</th>
          <th>Due ({zone})</th>
          <th>Basis</th>
          <th>Source</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {props.deadlines.map((d) => (
          <tr data-regime={d.regime} data-stage={d.stage} data-status={d.status === "met" && d.late ? "late" : d.status} class={`dl-row ${d.status}`}>
            <td class="mono">{d.regime}</td>
            <td>{d.stage}</td>
            <td>{d.label}</td>
            <td class="mono">{d.due ? utc(d.due) : "—"}</td>
            <td class="mono">{d.due ? inZone(d.due, zone) : "—"}</td>
            <td class="small">{d.basis}</td>
            <td class="small">{d.source}</td>
            <td>
              <StatusMark d={d} />
              {d.submittedAt ? <div class="small muted">filed {utc(d.submittedAt)}</div> : null}
              {d.due && (d.status === "due" || d.status === "overdue") ? <div class="small">{relative(d.due, props.now)}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FreezeCard(props: { i: IncidentView }) {
  const f = props.i.freeze;
  return (
    <div class="card" id="freeze">
      <h2>Evidence freeze</h2>
      <p class="muted">Captured when the incident was opened: the linked events are under a legal hold, and the policy bundle, configuration and a signed checkpoint covering the opening are referenced here.</p>
      <dl class="fields">
        <dt>Legal hold</dt>
        <dd class="mono" id="freeze-hold">{f.holdId}</dd>
        <dt>Policy</dt>
        <dd>
          version <span class="mono" id="freeze-policy">{f.policy.version}</span> · sha256 <span class="mono">{f.policy.sha256}</span>
        </dd>
        <dt>Configuration sha256</dt>
        <dd class="mono" id="freeze-config">{f.configSha256}</dd>
        <dt>Checkpoint</dt>
        <dd id="freeze-checkpoint">
          {f.checkpoint.size > 0 ? (
            <>
              size <span class="mono">{String(f.checkpoint.size)}</span> · root <span class="mono">{f.checkpoint.rootHex}</span> · {utc(f.checkpoint.createdAt)}
            </>
          ) : (
            <span class="warn">no signed checkpoint yet</span>
          )}
        </dd>
        <dt>Anchors</dt>
        <dd id="freeze-anchors">{f.checkpoint.anchors.length > 0 ? f.checkpoint.anchors.map((a) => <div class="mono">{`${a.kind}: ${a.ref}`}</div>) : <span class="muted">none recorded</span>}</dd>
      </dl>
      <h2>Linked events ({String(props.i.eventIds.length)})</h2>
      <ul id="linked-events" class="mono">
        {props.i.eventIds.map((e) => (
          <li>
            <a href={`/console/events/${e}`}>{e}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function HoldsCard(props: { holds: HoldRecord[] }) {
  return (
    <div class="card">
      <h2>Legal holds of this incident</h2>
      <table id="holds">
        <thead>
          <tr>
            <th>Hold</th>
            <th>Events</th>
            <th>Placed</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.holds.map((h) => (
            <tr data-hold={h.id}>
              <td class="mono">{h.id}</td>
              <td>{String(h.eventIds.length)}</td>
              <td>
                {utc(rfc3339Millis(h.placedAt))} <span class="muted">{h.placedBy}</span>
              </td>
              <td>{h.released ? <span class="muted">{`released ${utc(rfc3339Millis(h.released.at))} by ${h.released.by}: ${h.released.reason}`}</span> : <span class="badge ok">in force</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Timeline(props: { i: IncidentView }) {
  return (
    <div class="card" id="timeline-card">
      <h2>Timeline</h2>
      <table id="timeline">
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>Who</th>
            <th>What</th>
            <th>Detail</th>
            <th>Audit event</th>
          </tr>
        </thead>
        <tbody>
          {props.i.timeline.map((t) => (
            <tr data-kind={t.kind}>
              <td class="mono">{utc(t.at)}</td>
              <td class="mono small">{t.actor}</td>
              <td>{t.kind}</td>
              <td>
                <dl class="fields detail">
                  {flatten(t.detail).map(([k, v]) => (
                    <>
                      <dt class="mono">{k}</dt>
                      <dd class="text">{v}</dd>
                    </>
                  ))}
                </dl>
              </td>
              <td>{t.eventId ? <a href={`/console/events/${t.eventId}`}>audit event</a> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
