// The event page's script (served as /console/assets/event-page.js): fetches the event with
// its inclusion proof from /api/audit/events/:id, checks it in the browser with
// proof-check.js (Web Crypto), and shows every step. Where the browser has no Web Crypto
// (plain http away from localhost) it asks the server to check instead and says so. Text
// nodes only: nothing from the log becomes markup.
//
// Kept in String.raw: no backticks and no dollar-brace in the JavaScript below.
export const EVENT_PAGE_JS: string = String.raw`import { checkInclusion, renderSteps } from "/console/assets/proof-check.js";

const section = document.getElementById("proof");
const result = document.getElementById("proof-result");
const steps = document.getElementById("proof-steps");
const by = document.getElementById("proof-by");

function say(text, state) {
  result.textContent = text;
  result.className = "proof-summary " + state;
  result.setAttribute("data-state", state);
}

function summary(checked) {
  if (checked.ok) return null;
  const i = checked.steps.findIndex((s) => s.ok === false);
  if (i >= 0) return "\u2717 failed at step " + (i + 1) + ", " + checked.steps[i].name + ": " + checked.steps[i].detail;
  const j = checked.steps.findIndex((s) => s.ok !== true);
  return "not fully checked: step " + (j + 1) + ", " + checked.steps[j].name + ": " + checked.steps[j].detail;
}

async function json(url) {
  const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body && (body.detail || body.title)) || "HTTP " + res.status);
  return body;
}

async function serverCheck(id, why) {
  const checked = await json("/api/audit/events/" + encodeURIComponent(id) + "/proof-check");
  if (checked.proof_pending) return say("Not yet covered by a checkpoint: " + checked.proof_pending, "pending");
  renderSteps(checked, steps);
  by.textContent = "Checked by the server, not by your browser (" + why + ").";
  const failed = summary(checked);
  say(failed === null ? "\u2713 checked by the server, not by your browser" : failed + " (checked by the server, not by your browser)", failed === null ? "server-ok" : "bad");
}

async function main() {
  const id = section.getAttribute("data-event-id");
  const body = await json("/api/audit/events/" + encodeURIComponent(id));
  if (body.proof_pending) return say("Not yet covered by a checkpoint: " + body.proof_pending + ". Reload the page in a moment.", "pending");
  const p = body.proof;
  const input = {
    entry: body.entry_b64url,
    leaf: p.leaf,
    leafIndex: p.log_index,
    treeSize: p.tree_size,
    hashes: p.hashes,
    checkpoint: p.checkpoint,
  };
  if (body.log_key) input.logKey = { origin: body.log_key.origin, publicJwk: body.log_key.public_jwk };
  const checked = await checkInclusion(input);
  if (checked.unavailable) return serverCheck(id, checked.reason);
  renderSteps(checked, steps);
  by.textContent = "Checked in your browser with Web Crypto: the entry's bytes, the audit path and the checkpoint come from the server, the hashing and the signature checks run here.";
  const failed = summary(checked);
  say(failed === null ? "\u2713 verified in your browser" : failed, failed === null ? "ok" : "bad");
}

main().catch((e) => say("The proof could not be checked: " + (e && e.message ? e.message : String(e)), "bad"));
`;
