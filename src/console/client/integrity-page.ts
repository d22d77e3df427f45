// The Integrity view's browser script (served as /console/assets/integrity-page.js):
//  - "Run verify" POSTs /api/audit/verify with the session's CSRF token and reads the NDJSON
//    stream with a ReadableStream reader, moving <progress id="verify-progress"> and the
//    status line #verify-status, then lists each check's outcome;
//  - each checkpoint row of the history table is checked for consistency with the next older
//    one IN THE BROWSER (proof-check.js, Web Crypto): the row's stored proof when it was made
//    from that checkpoint, else one fetched from /api/audit/consistency. ✓ or ✗ and the detail.
// Text nodes only (textContent, createElement), never innerHTML: details quote the log.
// Kept in String.raw: no backticks and no dollar-brace below; non-ASCII as \u escapes.

export const INTEGRITY_PAGE_JS: string = String.raw`// Custos console: the Integrity view.
import { checkConsistency } from "/console/assets/proof-check.js";

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") || "";
const CHECK = "\u2713";
const CROSS = "\u2717";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// --- Run verify

const button = document.getElementById("verify-run");
const bar = document.getElementById("verify-progress");
const statusLine = document.getElementById("verify-status");
const checksList = document.getElementById("verify-checks");

function setStatus(text, state) {
  statusLine.textContent = text;
  statusLine.dataset.state = state;
  statusLine.className = "verify-status " + state;
}

function showProgress(p) {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  bar.value = p.phase === "export" ? frac * 0.5 : 0.5 + frac * 0.5;
  const what = p.phase === "export" ? "Exporting the log" : "Checking the exported log";
  setStatus(what + ": " + p.done.toLocaleString() + " of " + p.total.toLocaleString() + " entries", "running");
}

function showResult(r) {
  bar.value = 1;
  const secs = (r.duration_ms / 1000).toFixed(1);
  if (r.ok) {
    const extra = r.findings > 0 ? "; " + r.findings + " finding(s) to look at (not integrity failures)" : "";
    setStatus("Passed: the log is intact. " + r.tree_size.toLocaleString() + " entries up to the latest checkpoint, every check passed (" + secs + " s)" + extra + ".", "passed");
  } else {
    const why = r.first ? r.first.check + ": " + r.first.why : r.status;
    setStatus("Failed (" + r.status + "): " + why, "failed");
  }
  checksList.replaceChildren();
  for (const c of r.checks) {
    const li = el("li", undefined, "check " + (c.ok ? "ok" : c.outcome === "skipped" ? "skipped" : "bad"));
    li.append(el("span", c.ok ? CHECK : c.outcome === "skipped" ? "\u2013" : CROSS, "mark"), el("strong", " " + c.name + ": "), el("span", c.detail));
    checksList.append(li);
  }
  for (const w of r.warnings || []) checksList.append(el("li", "warning: " + w, "check skipped"));
}

async function runVerify() {
  button.disabled = true;
  bar.value = 0;
  checksList.replaceChildren();
  setStatus("Starting\u2026", "running");
  try {
    const res = await fetch("/api/audit/verify", { method: "POST", headers: { "x-csrf-token": csrf }, credentials: "same-origin" });
    if (!res.ok || !res.body) {
      const p = await res.json().catch(() => ({}));
      setStatus("Could not start: " + (p.detail || p.title || "HTTP " + res.status), "failed");
      return;
    }
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    let ended = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() === "") continue;
        const msg = JSON.parse(line);
        if (msg.progress) showProgress(msg.progress);
        else if (msg.result) {
          ended = true;
          showResult(msg.result);
        } else if (msg.error) {
          ended = true;
          setStatus("Could not verify: " + msg.error.message, "failed");
        }
      }
    }
    if (!ended) setStatus("The verification stopped before it finished (the connection closed).", "failed");
  } catch (e) {
    setStatus("Could not verify: " + (e && e.message ? e.message : String(e)), "failed");
  } finally {
    button.disabled = false;
  }
}

if (button) button.addEventListener("click", () => void runVerify());

// --- Consistency between checkpoints, checked here

function hashesOf(row) {
  const s = row.dataset.consistency || "";
  return s === "" ? [] : s.split(",");
}

function mark(cell, ok, text, detail) {
  cell.replaceChildren();
  cell.className = "consistency " + (ok ? "ok" : "bad");
  cell.dataset.ok = ok ? "true" : "false";
  cell.append(el("span", ok ? CHECK : CROSS, "mark"), el("span", " " + text));
  if (detail) cell.append(el("div", detail, "muted small"));
}

async function checkRow(newer, older) {
  const cell = newer.querySelector("td.consistency");
  const oldSize = Number(older.dataset.size);
  const newSize = Number(newer.dataset.size);
  let hashes;
  let source;
  if (newer.dataset.prevSize !== undefined && Number(newer.dataset.prevSize) === oldSize) {
    hashes = hashesOf(newer);
    source = "stored proof";
  } else {
    const res = await fetch("/api/audit/consistency?from_size=" + oldSize + "&to_size=" + newSize, { credentials: "same-origin" });
    if (!res.ok) {
      mark(cell, false, "no proof", "the server answered " + res.status + " for a consistency proof from " + oldSize + " to " + newSize);
      return;
    }
    hashes = (await res.json()).hashes;
    source = "proof from /api/audit/consistency";
  }
  const r = await checkConsistency({ oldSize, oldRoot: older.dataset.root, newSize, newRoot: newer.dataset.root, hashes });
  if (r.unavailable) {
    cell.replaceChildren(el("span", "not checked here: " + (r.reason || "Web Crypto is unavailable (use https or localhost)")));
    cell.className = "consistency muted";
    return;
  }
  const failed = r.steps.find((s) => s.ok === false);
  if (r.ok) mark(cell, true, "consistent with " + oldSize.toLocaleString(), source + ", " + hashes.length + " hash(es), checked in this browser");
  else mark(cell, false, "NOT consistent with " + oldSize.toLocaleString(), (failed ? failed.name + ": " + failed.detail : "the proof did not verify") + " (" + source + ")");
}

async function checkHistory() {
  const rows = Array.from(document.querySelectorAll("#checkpoints tbody tr[data-size]"));
  const summary = document.getElementById("consistency-summary");
  let ok = 0;
  let bad = 0;
  for (let i = 0; i + 1 < rows.length; i++) {
    try {
      await checkRow(rows[i], rows[i + 1]);
    } catch (e) {
      mark(rows[i].querySelector("td.consistency"), false, "check failed", e && e.message ? e.message : String(e));
    }
    const cell = rows[i].querySelector("td.consistency");
    if (cell.dataset.ok === "true") ok++;
    else if (cell.dataset.ok === "false") bad++;
  }
  if (summary && rows.length > 1) {
    summary.textContent = bad === 0 ? ok + " consecutive pair(s) on this page checked consistent in your browser." : bad + " pair(s) are NOT consistent: the log was rewritten between them.";
    summary.className = bad === 0 ? "ok" : "bad";
  }
}

void checkHistory();
`;
