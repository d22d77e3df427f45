// /console/integrity (role auditor): run the database verification from the page with its
// progress (POST /api/audit/verify, streamed), the checkpoint history with each consecutive
// pair's consistency proof checked in the browser, and where each checkpoint was anchored
// outside the database. The numbers come from the same function /api/audit/history serves.
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { checkpointHistory, type CheckpointHistoryRow } from "../../http/routes/audit-verify.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";

const PAGE = 20;

function AnchorCell(props: { row: CheckpointHistoryRow }) {
  if (props.row.anchors.length === 0) return <td class="anchor-none">not anchored</td>;
  return (
    <td class="anchor">
      {props.row.anchors.map((a) => (
        <div>
          <strong>{a.kind}</strong> <span class="mono">{a.ref}</span> <span class="muted">{a.anchored_at}</span>
        </div>
      ))}
    </td>
  );
}

export function integrityPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  app.get("/integrity", async (c) => {
    const denied = needRole(c, "auditor");
    if (denied) return denied;
    const raw = c.req.query("before_size");
    const before = raw !== undefined && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
    const h = await checkpointHistory(deps, before, PAGE);
    const unanchored = h.counts.checkpoints - h.counts.anchored;
    // The signer anchors each checkpoint just after storing it.
    const justSigned = h.latest_signed_at !== undefined && deps.clock.now() - Date.parse(h.latest_signed_at) < 10_000;
    return c.html(
      <Page title="Integrity" active="integrity" session={c.get("session")} scripts={["/console/assets/integrity-page.js"]}>
        <h1>Integrity</h1>
        <div class="card">
          <h2>Verify the log</h2>
          <p class="muted">
            Exports the whole log up to the latest checkpoint and checks it as <code>custos audit verify</code> does: every checkpoint signed by the log's key, each consistent with the one before,
            every entry hashing to its leaf, the tree's roots recomputed, nothing missing or added, and the checkpoints anchored outside the database agreeing with it. The result is recorded in the
            audit log.
          </p>
          {deps.logVerification ? (
            <button id="verify-run" type="button">
              Run verify
            </button>
          ) : (
            <p class="flash">This server does not sign the log, so it cannot verify it: run <code>custos audit verify --trust FILE</code> where the signer runs.</p>
          )}
          <progress id="verify-progress" max="1" value="0"></progress>
          <p id="verify-status" class="verify-status" data-state="idle">
            Not run from this page yet.
          </p>
          <ol id="verify-checks" class="checks"></ol>
        </div>
        <div class="card">
          <h2>Anchors</h2>
          {h.latest_anchored === undefined ? (
            <p id="anchor-status">The log has no checkpoint yet.</p>
          ) : h.latest_anchored ? (
            <p id="anchor-status" class="ok">
              The latest checkpoint is anchored outside the database.
            </p>
          ) : justSigned ? (
            <p id="anchor-status" class="muted">
              The latest checkpoint was signed moments ago; it is being anchored outside the database.
            </p>
          ) : (
            <p id="anchor-status" class="bad">
              The latest checkpoint is NOT anchored outside the database (the anchor failed or none is configured); it is retried with the next checkpoint.
            </p>
          )}
          <p class="muted">
            {h.counts.anchored} of {h.counts.checkpoints} checkpoints are anchored{unanchored > 0 ? `; ${unanchored} are not (flagged below)` : ""}. Auditors verify against the anchor, which
            someone who rewrites the database cannot rewrite too.
          </p>
        </div>
        <div class="card">
          <h2>Checkpoint history</h2>
          <p class="muted">
            Newest first. Each row's consistency with the next older one is checked by your browser (the stored proof, or one from <code>/api/audit/consistency</code>); the signatures are checked
            by Run verify. <span id="consistency-summary"></span>
          </p>
          <table id="checkpoints">
            <thead>
              <tr>
                <th class="num">Size</th>
                <th>Signed at</th>
                <th>Root</th>
                <th>Key id</th>
                <th>Anchored</th>
                <th>Consistency with the previous checkpoint</th>
              </tr>
            </thead>
            <tbody>
              {h.checkpoints.map((r, i) => (
                <tr data-size={String(r.size)} data-root={r.root} data-prev-size={r.prev_size === undefined ? undefined : String(r.prev_size)} data-consistency={(r.consistency ?? []).join(",")}>
                  <td class="num">{r.size.toLocaleString("en-US")}</td>
                  <td>{r.created_at}</td>
                  <td class="mono" title={r.root}>
                    {r.root.slice(0, 16)}…
                  </td>
                  <td class="mono">{r.kid.length > 20 ? `${r.kid.slice(0, 20)}…` : r.kid}</td>
                  <AnchorCell row={r} />
                  <td class="consistency">{r.prev_size === undefined ? "the first checkpoint: nothing before it" : i + 1 < h.checkpoints.length ? "checking…" : "the previous checkpoint is on the next page"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {h.checkpoints.length === 0 ? <p>No checkpoint yet: the signer makes one within its interval.</p> : null}
          <p>
            {before !== undefined ? <a href="/console/integrity">Newest</a> : null}{" "}
            {h.next_before_size !== undefined ? (
              <a id="older" href={`/console/integrity?before_size=${h.next_before_size}`}>
                Older checkpoints
              </a>
            ) : null}
          </p>
        </div>
      </Page>,
    );
  });
  return app;
}
