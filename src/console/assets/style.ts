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
`;
