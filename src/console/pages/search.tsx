// /console/search: the audit search as a GET form (so a search's URL can be shared), its
// results newest first with keyset paging ("Older →" through `before`), the viewer's saved
// searches, and the export of the current search as the signed bundle. The page runs the
// same parse and the same store().search as /api/audit/events, so both show the same events
// and refuse a bad filter with the same words.
import { Hono, type Context } from "hono";
import type { Deps } from "../../deps.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { PII_TYPES } from "../../policy/schema.ts";
import type { AuditEventRow } from "../../storage/audit-types.ts";
import { normalQuery, saveSearchFor } from "../../http/routes/saved-searches.ts";
import { MAX_LEAVES } from "../../http/routes/audit-export.ts";
import { Page, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { FILTER_KEYS, fromForm, issueMessage, queryString, searchFilters, SearchQuery, toDatetimeLocal, type FilterKey } from "../search-form.ts";

const LABELS: Record<FilterKey, string> = {
  from: "From (UTC)",
  to: "To (UTC)",
  team: "Team",
  subject: "Subject pseudonym",
  model: "Model",
  provider: "Provider",
  endpoint: "Endpoint",
  region: "Region",
  jurisdiction: "Jurisdiction",
  decision: "Decision",
  rule: "Rule id",
  pii: "PII type",
  status: "HTTP status",
  policy_version: "Policy version",
  type: "Event type",
};

const SELECTS: Partial<Record<FilterKey, readonly string[]>> = {
  decision: ["allow", "deny"],
  pii: PII_TYPES,
  type: ["llm.request", "llm.response", "llm.denied", "policy.activate", "config.activate", "audit.access", "console.access", "console.signin", "auth.failure"],
};

const PLACEHOLDERS: Partial<Record<FilterKey, string>> = { team: "e.g. research", model: "e.g. gpt-4o", region: "e.g. eu-west-1", jurisdiction: "e.g. EU", rule: "e.g. base.no-secrets", status: "e.g. 403", policy_version: "version or sha256:…" };

type Filters = Partial<Record<FilterKey | "before" | "limit", string>>;

function FilterForm(props: { values: Filters }) {
  const v = props.values;
  return (
    <form class="filters" method="get" action="/console/search" id="search-form">
      {FILTER_KEYS.map((k) => {
        const options = SELECTS[k];
        if (k === "from" || k === "to") {
          return (
            <label>
              {LABELS[k]}
              <input type="datetime-local" step="1" name={k} id={`f-${k}`} value={toDatetimeLocal(v[k])} />
            </label>
          );
        }
        if (options) {
          const current = v[k] ?? "";
          return (
            <label>
              {LABELS[k]}
              <select name={k} id={`f-${k}`}>
                <option value="">any</option>
                {current !== "" && !options.includes(current) ? (
                  <option value={current} selected>
                    {current}
                  </option>
                ) : null}
                {options.map((o) => (
                  <option value={o} selected={o === current}>
                    {o}
                  </option>
                ))}
              </select>
            </label>
          );
        }
        return (
          <label>
            {LABELS[k]}
            <input type="text" name={k} id={`f-${k}`} value={v[k] ?? ""} placeholder={PLACEHOLDERS[k] ?? ""} />
          </label>
        );
      })}
      <div>
        <button type="submit" id="search-submit">
          Search
        </button>{" "}
        <a href="/console/search">Clear</a>
      </div>
    </form>
  );
}

function ResultRow(props: { e: AuditEventRow }) {
  const e = props.e;
  const where = [e.endpoint, e.region].filter((x) => x !== undefined).join(" · ");
  return (
    <tr>
      <td class="mono">
        <a href={`/console/events/${e.eventId}`} class="event-link">
          {rfc3339Millis(e.receivedAt)}
        </a>
      </td>
      <td>{e.type}</td>
      <td class="cell-team">{e.team ?? ""}</td>
      <td class="cell-model">{e.model ?? ""}</td>
      <td>{where}</td>
      <td>{e.decision ? <span class={`badge ${e.decision === "allow" ? "allow" : e.decision === "deny" ? "deny" : ""}`}>{e.decision}</span> : ""}</td>
      <td class="num">{e.status ?? ""}</td>
      <td>{(e.pii ?? []).join(", ")}</td>
    </tr>
  );
}

function SavedList(props: { saved: { id: string; name: string; query: string }[]; csrf: string }) {
  if (props.saved.length === 0) return <p class="muted">No saved searches yet.</p>;
  return (
    <ul class="saved" id="saved-searches">
      {props.saved.map((s) => (
        <li>
          <a href={`/console/search?${s.query}`} class="saved-link">
            {s.name}
          </a>{" "}
          <span class="muted mono">{s.query === "" ? "(everything)" : s.query}</span>{" "}
          <form method="post" action={`/console/search/saved/${encodeURIComponent(s.id)}/delete`} class="inline">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit" class="secondary small">
              Delete
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

export function searchPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  const render = async (c: Context<ConsoleEnv>, opts: { values: Filters; error?: string; rows?: AuditEventRow[]; hasMore?: boolean; flash?: string; status?: 200 | 400 | 404 }) => {
    const saved = await deps.storage.console.savedSearches(c.get("pseudonym"));
    const session = c.get("session");
    const filters: Filters = Object.fromEntries(FILTER_KEYS.filter((k) => opts.values[k] !== undefined).map((k) => [k, opts.values[k]]));
    const current = queryString(filters);
    const rows = opts.rows ?? [];
    const scoped = [filters.from ? `from ${filters.from}` : "", filters.to ? `to ${filters.to}` : "", filters.team ? `team ${filters.team}` : ""].filter(Boolean).join(", ");
    return c.html(
      <Page title="Audit search" active="search" session={session}>
        <h1>Audit search</h1>
        <div class="card">
          <FilterForm values={opts.values} />
        </div>
        {opts.flash ? <p class="flash">{opts.flash}</p> : null}
        {opts.error ? (
          <p class="flash bad" id="search-error">
            {opts.error}
          </p>
        ) : (
          <div class="card">
            <div class="toolbar">
              <span id="result-count">
                {rows.length === 0 ? "No events match." : `${rows.length} event${rows.length === 1 ? "" : "s"}${opts.hasMore ? " on this page (older ones on the next)" : ""}`}
              </span>
              {deps.auditSigningKey ? (
                <>
                  <a class="button secondary" id="export-jsonl" href={`/api/audit/export?${queryString(filters, { format: "jsonl" })}`}>
                    Export JSONL
                  </a>
                  <a class="button secondary" id="export-csv" href={`/api/audit/export?${queryString(filters, { format: "csv" })}`}>
                    Export CSV
                  </a>
                </>
              ) : null}
            </div>
            {deps.auditSigningKey ? (
              <p class="muted" id="export-note">
                The export is the signed bundle of <code>custos audit export</code> for {scoped || "the whole log"} (at most {MAX_LEAVES} entries), as a tar file: it holds every event of that range so its completeness can be proven. Your other filters do not narrow it; they are recorded in the file name and in search.json next to the bundle. Verify it with <code>custos audit verify --bundle custos-audit-export/bundle --trust trust.json</code>.
              </p>
            ) : (
              <p class="muted" id="export-note">
                This server does not hold the log's signing key, so it cannot sign an export: run <code>custos audit export</code> where the signer runs.
              </p>
            )}
            <table id="results">
              <thead>
                <tr>
                  <th>Time (UTC)</th>
                  <th>Type</th>
                  <th>Team</th>
                  <th>Model</th>
                  <th>Endpoint · region</th>
                  <th>Decision</th>
                  <th class="num">Status</th>
                  <th>PII types</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <ResultRow e={e} />
                ))}
              </tbody>
            </table>
            <div class="pager">
              {opts.values.before ? <a href={`/console/search?${current}`}>← Newest</a> : null}
              {opts.hasMore && rows.length > 0 ? (
                <a id="older" href={`/console/search?${queryString({ ...filters, ...(opts.values.limit ? { limit: opts.values.limit } : {}) }, { before: rows.at(-1)!.eventId })}`}>
                  Older →
                </a>
              ) : null}
            </div>
          </div>
        )}
        <div class="card">
          <h2>Saved searches</h2>
          <SavedList saved={saved} csrf={session.csrf} />
          <form method="post" action="/console/search/saved" class="save-search" id="save-search">
            <input type="hidden" name="_csrf" value={session.csrf} />
            <input type="hidden" name="query" value={current} />
            <label>
              Save this search as
              <input type="text" name="name" id="save-name" required maxlength={100} placeholder="a name" />
            </label>
            <button type="submit" id="save-submit">
              Save
            </button>
          </form>
        </div>
      </Page>,
      opts.status ?? 200,
    );
  };

  app.get("/search", async (c) => {
    const refused = needRole(c, "auditor");
    if (refused) return refused;
    const { saved: savedName, ...raw } = c.req.query();
    const clean = fromForm(raw);
    // A GET form sends every field, empty or datetime-local: go to the canonical, shareable URL.
    if (Object.keys(clean).length !== Object.keys(raw).length || Object.entries(clean).some(([k, v]) => raw[k] !== v)) {
      return c.redirect(`/console/search${Object.keys(clean).length ? `?${queryString(clean)}` : ""}`, 302);
    }
    const values = clean as Filters;
    const q = SearchQuery.safeParse(clean);
    if (!q.success) return render(c, { values, error: issueMessage(q.error.issues).message, status: 400 });
    const limit = q.data.limit;
    const rows = await deps.storage.audit.search({ ...searchFilters(q.data), ...(q.data.before === undefined ? {} : { before: q.data.before.toLowerCase() }), limit: limit + 1 });
    const hasMore = rows.length > limit;
    return render(c, { values, rows: hasMore ? rows.slice(0, limit) : rows, hasMore, ...(savedName ? { flash: `Saved "${savedName}".` } : {}) });
  });

  app.post("/search/saved", async (c) => {
    const refused = needRole(c, "auditor");
    if (refused) return refused;
    const form = await c.req.parseBody();
    const name = typeof form.name === "string" ? form.name.trim() : "";
    const query = typeof form.query === "string" ? form.query : "";
    const q = normalQuery(query);
    if (name === "" || name.length > 100 || !q.ok) {
      const values = Object.fromEntries(new URLSearchParams(query)) as Filters;
      return render(c, { values, error: name === "" || name.length > 100 ? "name: a name of 1 to 100 characters" : `query: ${q.ok ? "" : q.message}`, status: 400 });
    }
    await saveSearchFor(deps, c.get("pseudonym"), name, q.query);
    return c.redirect(`/console/search?${queryString(Object.fromEntries(new URLSearchParams(q.query)), { saved: name })}`, 303);
  });

  app.post("/search/saved/:id/delete", async (c) => {
    const refused = needRole(c, "auditor");
    if (refused) return refused;
    const gone = await deps.storage.console.deleteSavedSearch(c.get("pseudonym"), c.req.param("id"));
    if (!gone) return render(c, { values: {}, error: "You have no saved search with that id.", status: 404 });
    return c.redirect("/console/search", 303);
  });
  return app;
}
