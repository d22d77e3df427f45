// The printable page of an incident report: one standalone HTML5 document, inline CSS, no
// scripts and no external resources, every value escaped (titles and details are user text).
import type { FieldValue, IncidentReport, ReportField } from "./report.ts";
import type { Deadline } from "./types.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const e = escapeHtml;

const CSS = `
:root { color-scheme: light; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
.meta { color: #444; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; font-weight: 600; }
td ul { margin: 0; padding-left: 1.1rem; }
.source, .origin { color: #555; font-size: .85em; white-space: nowrap; }
.missing { color: #a00; font-weight: 700; }
.empty { color: #777; }
.banner { border: 3px solid #a00; background: #fff1f1; padding: .75rem 1rem; margin: 1rem 0; }
.banner strong { font-size: 1.2rem; color: #a00; letter-spacing: .04em; }
.complete { border: 2px solid #175; background: #effaf3; padding: .5rem 1rem; font-weight: 700; color: #175; }
.status-overdue { color: #a00; font-weight: 700; }
.status-due { color: #850; font-weight: 600; }
.status-met { color: #175; }
.mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; word-break: break-all; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
footer { margin-top: 2rem; color: #555; font-size: .85em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .banner, dl { break-inside: avoid; }
  .banner, .complete, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 15mm; }
}`;

function valueHtml(value: FieldValue, required: boolean): string {
  if (value === null) return required ? `<span class="missing">MISSING (required)</span>` : `<span class="empty">—</span>`;
  if (Array.isArray(value)) return `<ul>${value.map((v) => `<li>${e(v)}</li>`).join("")}</ul>`;
  return e(String(value));
}

const ORIGIN: Record<ReportField["origin"], string> = { log: "audit log", incident: "incident", manual: "entered" };

function fieldRow(f: ReportField): string {
  return (
    `<tr><th scope="row">${e(f.label)}</th><td>${valueHtml(f.value, f.required)}</td>` +
    `<td class="source">${e(f.source)}</td><td class="origin">${e(f.value === null && f.origin === "manual" ? "to be entered" : ORIGIN[f.origin])}</td></tr>`
  );
}

function banner(r: IncidentReport): string {
  if (r.complete) return `<p class="complete">COMPLETE — every required field has a value.</p>`;
  const labels = new Map(r.sections.flatMap((s) => s.fields.map((f) => [f.key, f.label] as const)));
  const items = r.missing.map((k) => `<li>${e(labels.get(k) ?? k)} <span class="mono">(${e(k)})</span></li>`).join("");
  return `<section class="banner" role="alert"><strong>INITIAL — INCOMPLETE</strong><p>${e(r.notice)}</p><p>Missing:</p><ul>${items}</ul></section>`;
}

function statusText(d: Deadline): string {
  if (d.status === "met") return d.late ? "met (late)" : "met";
  return d.status;
}

function deadlineTable(deadlines: Deadline[]): string {
  if (deadlines.length === 0) return `<p class="empty">No deadlines computed for this regime.</p>`;
  const rows = deadlines
    .map(
      (d) =>
        `<tr><td>${e(d.label)}</td><td class="mono">${e(d.due ?? "not yet known")}</td><td>${e(d.basis)}</td>` +
        `<td class="source">${e(d.source)}</td><td class="status-${e(d.status)}">${e(statusText(d))}</td>` +
        `<td class="mono">${e(d.submittedAt ?? "—")}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>Report</th><th>Due (UTC)</th><th>Counted from</th><th>Source</th><th>Status</th><th>Submitted</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function evidenceBlock(r: IncidentReport): string {
  const ev = r.evidence;
  const anchors =
    ev.checkpoint.anchors.length === 0
      ? `<span class="missing">none</span>`
      : `<ul>${ev.checkpoint.anchors.map((a) => `<li>${e(a.kind)}: <span class="mono">${e(a.ref)}</span></li>`).join("")}</ul>`;
  const events =
    ev.event_ids.length === 0 ? `<span class="empty">none</span>` : `<ul class="mono">${ev.event_ids.map((id) => `<li>${e(id)}</li>`).join("")}</ul>`;
  return (
    `<dl>` +
    `<dt>Legal hold</dt><dd class="mono">${e(ev.hold_id)}</dd>` +
    `<dt>Policy version</dt><dd>${e(ev.policy.version)}</dd>` +
    `<dt>Policy SHA-256</dt><dd class="mono">${e(ev.policy.sha256)}</dd>` +
    `<dt>Configuration SHA-256</dt><dd class="mono">${e(ev.config_sha256)}</dd>` +
    `<dt>Checkpoint size</dt><dd>${e(String(ev.checkpoint.size))}</dd>` +
    `<dt>Checkpoint root</dt><dd class="mono">${e(ev.checkpoint.root_hex)}</dd>` +
    `<dt>Checkpoint signed at</dt><dd class="mono">${e(ev.checkpoint.created_at)}</dd>` +
    `<dt>Anchors</dt><dd>${anchors}</dd>` +
    `<dt>Linked events (${ev.event_ids.length})</dt><dd>${events}</dd>` +
    `</dl>`
  );
}

function incidentTable(r: IncidentReport): string {
  const i = r.incident;
  const rows: [string, string | undefined][] = [
    ["Incident id", i.id],
    ["Title", i.title],
    ["Status", i.status],
    ["Opened at", i.opened_at],
    ["Aware at", i.aware_at],
    ["Classified at", i.classified_at],
    ["Occurred at", i.occurred_at],
    ["Time zone", i.time_zone],
    ["Member States", i.member_states.join(", ")],
    ["Team", i.team],
    ["AI system", i.ai_system_id],
  ];
  return `<table><tbody>${rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "")
    .map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`)
    .join("")}</tbody></table>`;
}

/** The whole page. The CSP forbids scripts and every external load even if a value slipped through. */
export function renderReportHtml(r: IncidentReport): string {
  const sections = r.sections
    .map(
      (s) =>
        `<section><h2>${e(s.title)}</h2><table><thead><tr><th>Field</th><th>Value</th><th>Source</th><th>From</th></tr></thead>` +
        `<tbody>${s.fields.map(fieldRow).join("")}</tbody></table></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(r.regime_label)} — ${e(r.incident.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${e(r.regime_label)}</h1>
<p class="meta">${e(r.incident.title)} · incident <span class="mono">${e(r.incident.id)}</span> · ${e(r.report_status)} report · generated ${e(r.generated_at)}</p>
</header>
${banner(r)}
<section><h2>Incident</h2>${incidentTable(r)}</section>
${sections}
<section><h2>Deadlines</h2>${deadlineTable(r.deadlines)}</section>
<section><h2>Evidence</h2>${evidenceBlock(r)}</section>
<footer><p>Legal basis: ${e(r.source)}</p><p>Format ${e(r.schema)}. Values marked "audit log" are computed from the linked audit events (counts and names only; no prompt text, no pseudonyms).</p></footer>
</body>
</html>
`;
}
