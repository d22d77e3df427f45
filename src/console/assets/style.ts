// The console's one stylesheet, served from /console/assets/console.css (a string so the
// Worker bundle carries it too). No inline styles anywhere: the pages' CSP forbids them.
export const CONSOLE_CSS = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dee7; --bg:#f6f7f9; --card:#fff; --accent:#2456c7; --ok:#17803d; --bad:#b42318; --warn:#b54708; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display:flex; align-items:center; gap:1.5rem; padding:.6rem 1.2rem; background:#162036; color:#fff; }
header.top .brand { font-weight:700; letter-spacing:.02em; color:#fff; }
header.top nav a { color:#c9d5f0; margin-right:1rem; }
header.top nav a.active { color:#fff; font-weight:600; border-bottom:2px solid #7fa2f5; }
header.top .who { margin-left:auto; display:flex; gap:.8rem; align-items:center; color:#c9d5f0; }
header.top .who form { margin:0; }
main { padding: 1.2rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .6rem; }
.card { background: var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
.grid { display:grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 1rem; }
.stat .n { font-size: 1.6rem; font-weight: 700; }
.stat .l { color: var(--muted); }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight:600; font-size:.85rem; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background:#0f1522; color:#e6ebf5; padding: .8rem; border-radius:6px; overflow:auto; max-height: 40rem; white-space: pre-wrap; word-break: break-all; }
form.filters { display:grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap:.6rem; align-items:end; }
label { display:flex; flex-direction:column; gap:.2rem; color: var(--muted); font-size:.85rem; }
input, select, button { font: inherit; padding:.35rem .5rem; border:1px solid var(--line); border-radius:5px; background:#fff; color: var(--fg); }
button, .button { background: var(--accent); color:#fff; border-color: var(--accent); cursor:pointer; display:inline-block; padding:.35rem .8rem; border-radius:5px; }
button.secondary, .button.secondary { background:#fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
.badge { display:inline-block; padding:0 .45rem; border-radius: 999px; font-size:.8rem; background:#e8ecf4; color: var(--fg); }
.badge.allow, .badge.ok { background:#dcf3e3; color: var(--ok); }
.badge.deny, .badge.bad { background:#fde2e0; color: var(--bad); }
.badge.warn { background:#fdecd8; color: var(--warn); }
.muted { color: var(--muted); }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
ol.steps { padding-left: 1.2rem; } ol.steps li { margin:.3rem 0; }
ol.steps li.ok::marker { color: var(--ok); } ol.steps li.bad::marker { color: var(--bad); }
.flash { padding:.6rem .9rem; border-radius:6px; margin-bottom:1rem; background:#e8f0fe; }
.flash.bad { background:#fde2e0; color: var(--bad); }
progress { width: 100%; height: 1rem; }
svg.chart { width:100%; height:auto; background:#fff; }
svg.chart text { font-size: 10px; fill: var(--muted); }
.login { max-width: 420px; margin: 4rem auto; }
.login a.button { display:block; text-align:center; margin:.5rem 0; }
dl.fields { display:grid; grid-template-columns: max-content 1fr; gap:.25rem 1rem; margin:0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin:0; word-break: break-all; }
.pager { display:flex; gap:1rem; margin-top:.8rem; }
/* Overview and Policies (src/console/charts.tsx: server-rendered SVG) */
.page-head { display:flex; align-items:flex-end; justify-content:space-between; gap:1rem; flex-wrap:wrap; }
form.inline { display:flex; gap:.5rem; align-items:flex-end; margin:0 0 1rem; }
figure.chart { margin:0 0 1rem; }
figure.chart figcaption { font-weight:600; margin-bottom:.3rem; }
svg.chart line.grid { stroke: var(--line); stroke-width:1; }
svg.chart rect.bar, svg.share rect.bar, i.swatch.bar { fill: var(--accent); background: var(--accent); }
svg.chart rect.bar-deny, i.swatch.bar-deny { fill: var(--bad); background: var(--bad); }
svg.chart rect.bar-pii, i.swatch.bar-pii { fill: #7a4fd1; background:#7a4fd1; }
svg.chart rect.bar-tokens, i.swatch.bar-tokens { fill: #0f7b8a; background:#0f7b8a; }
.legend { display:flex; gap:1rem; color: var(--muted); font-size:.85rem; }
i.swatch { display:inline-block; width:.8rem; height:.8rem; border-radius:2px; margin-right:.3rem; vertical-align:-1px; }
svg.share { width:120px; height:8px; background:#eef1f6; border-radius:2px; }
td.share-cell { width:130px; vertical-align: middle; }
.columns { display:grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap:1rem; }
.stat .l code { font-size:.8rem; }
details.team { margin: .4rem 0 .8rem; }
details.team summary { cursor:pointer; padding:.3rem 0; }
table.rules td:nth-child(4) { min-width: 16rem; }
/* Integrity and Admin */
progress#verify-progress { width:100%; height:.9rem; margin:.8rem 0 .3rem; }
.verify-status.passed, p.ok, td.ok, td.consistency.ok, span.ok, li.check.ok .mark { color: var(--ok); }
.verify-status.failed, p.bad, td.consistency.bad, span.bad, li.check.bad .mark, td.anchor-none { color: var(--bad); }
.verify-status.passed, .verify-status.failed { font-weight:600; }
ol.checks { list-style:none; padding-left:0; }
ol.checks li { padding:.15rem 0; }
li.check.skipped { color: var(--muted); }
td.anchor-none { font-weight:600; }
.small { font-size:.8rem; }
.flash.ok { border-left:4px solid var(--ok); padding:.5rem .8rem; background:#eef8f1; }
.flash.bad { border-left:4px solid var(--bad); padding:.5rem .8rem; background:#fdf0ef; }
#new-key { user-select: all; }
#checkpoints td { font-size:.85rem; }
#checkpoints td.anchor div { margin-bottom:.15rem; }
/* Audit search and event detail */
.toolbar { display:flex; gap:.8rem; align-items:center; margin-bottom:.6rem; }
.toolbar #result-count { margin-right:auto; }
ul.saved { padding-left:1.1rem; }
ul.saved li { margin:.25rem 0; }
form.inline { display:inline; margin:0; }
form.save-search { display:flex; gap:.6rem; align-items:end; margin-top:.6rem; }
button.small { padding:.1rem .5rem; font-size:.8rem; }
td.rule-description { min-width: 16rem; }
.proof-summary { font-weight:600; }
.proof-summary.ok { color: var(--ok); } .proof-summary.server-ok { color: var(--warn); }
.proof-summary.bad { color: var(--bad); } .proof-summary.pending { color: var(--warn); }
ol.steps li.proof-step { list-style: none; margin-left:-1.2rem; }
.proof-mark { display:inline-block; width:1.2rem; font-weight:700; }
li.proof-pass .proof-mark { color: var(--ok); } li.proof-fail .proof-mark { color: var(--bad); } li.proof-skip .proof-mark { color: var(--muted); }
.proof-detail { word-break: break-all; }
/* Incidents */
textarea { font: inherit; padding:.35rem .5rem; border:1px solid var(--line); border-radius:5px; background:#fff; color: var(--fg); width:100%; resize: vertical; }
form.stack { display:flex; flex-direction:column; gap:.6rem; align-items:stretch; }
form.stack > button { align-self:flex-start; }
form.inline-form { display:flex; gap:.5rem; align-items:flex-end; flex-wrap:wrap; }
fieldset { border:1px solid var(--line); border-radius:6px; padding:.5rem .8rem .7rem; display:flex; flex-direction:column; gap:.45rem; }
legend { color: var(--muted); font-size:.85rem; padding:0 .3rem; }
label.check { flex-direction:row; align-items:center; gap:.45rem; color: var(--fg); font-size:.9rem; }
.card.wide { grid-column: 1 / -1; }
.text { white-space: pre-wrap; word-break: break-word; }
.badge.dl-overdue { background: var(--bad); color:#fff; font-weight:700; letter-spacing:.03em; }
.badge.dl-late { font-weight:700; }
.badge.dl-waiting { color: var(--muted); }
tr.dl-row.overdue td { background:#fdf0ef; }
tr.dl-row.met td { color: var(--muted); }
tr.has-overdue td.overdue-count { font-weight:700; }
.next-due.overdue strong { color: var(--bad); }
dl.fields.detail { grid-template-columns: max-content 1fr; font-size:.85rem; }
#timeline td, table.deadlines td, #incidents td { font-size:.9rem; }
#reports ul { padding-left:1.1rem; }
`;
