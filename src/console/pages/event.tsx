// /console/events/:id: one audit event, all of it. Every recorded field (readable, and the
// stored canonical JSON verbatim), the redaction summary, the decision with each rule's
// description from the active policy bundle, the trace and its spans, the call's other
// events, and the inclusion proof, which the page's script checks in the browser against
// the signed checkpoint (event-page.js with proof-check.js) and shows step by step.
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { decodeEntry } from "../../audit/summary.ts";
import { base64url } from "../../crypto/hashing.ts";
import type { PlacedRule } from "../../policy/compile.ts";
import { ruleKind } from "../../policy/schema.ts";
import type { AuditEventRow } from "../../storage/audit-types.ts";
import type { SpanRow } from "../../storage/types.ts";
import { Page, Refusal, type ConsoleEnv } from "../layout.tsx";
import { needRole } from "../routes.tsx";
import { UUID } from "../search-form.ts";
import { hasRole } from "../../identity/principal.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Every leaf of the entry as [dotted path, text], in the entry's order. */
export function flatten(v: unknown, prefix = ""): [string, string][] {
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== "object" || x === null)) return [[prefix, v.map(String).join(", ")]];
    return v.flatMap((x, i) => flatten(x, `${prefix}[${i}]`));
  }
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v as Obj);
    if (entries.length === 0) return [[prefix, "{}"]];
    return entries.flatMap(([k, x]) => flatten(x, prefix === "" ? k : `${prefix}.${k}`));
  }
  return [[prefix, String(v)]];
}

/** The rule ids an entry names, and in which role: enforced, denying, shadow, clamping, routing. */
function rulesOf(entry: Obj): { id: string; role: string }[] {
  const policy = obj(entry.policy);
  const out: { id: string; role: string }[] = [];
  const add = (id: unknown, role: string) => {
    if (typeof id === "string" && !out.some((r) => r.id === id && r.role === role)) out.push({ id, role });
  };
  if (Array.isArray(policy.rules)) for (const r of policy.rules) add(r, "evaluated");
  add(policy.denied_by, "denied the call");
  if (Array.isArray(policy.shadow)) for (const s of policy.shadow) add(obj(s).rule, `would have denied (shadow${str(obj(s).code) ? `: ${str(obj(s).code)}` : ""})`);
  add(obj(policy.clamp).rule, "clamped output tokens");
  if (Array.isArray(obj(entry.route).risk)) for (const r of obj(entry.route).risk as unknown[]) add(obj(r).rule, "restricted routing");
  return out;
}

/** A rule as the active bundle has it: the team's placement first, else any team's. */
function findRule(deps: Deps, team: string | undefined, id: string): PlacedRule | undefined {
  const teams = deps.policies.current.teams;
  const own = team === undefined ? undefined : teams.get(team)?.rules.find((r) => r.rule.id === id);
  if (own) return own;
  for (const t of teams.values()) {
    const r = t.rules.find((x) => x.rule.id === id);
    if (r) return r;
  }
  return undefined;
}

/** The rule's file as the bundle names it (relative to the policy directory), not the server's absolute path. */
const policyFile = (files: readonly string[], file: string): string => files.find((f) => file === f || file.endsWith(`/${f}`)) ?? file;

function DecisionCard(props: { deps: Deps; entry: Obj; team: string | undefined }) {
  const policy = obj(props.entry.policy);
  const rules = rulesOf(props.entry);
  if (Object.keys(policy).length === 0 && rules.length === 0) return null;
  const decision = str(policy.decision);
  const active = props.deps.policies.current;
  return (
    <div class="card" id="decision">
      <h2>Decision</h2>
      <p>
        {decision ? <span class={`badge ${decision === "allow" ? "allow" : "deny"}`}>{decision}</span> : <span class="muted">no decision recorded</span>} under policy version <span class="mono">{str(policy.version) ?? "?"}</span>
        {str(policy.version) && str(policy.version) !== active.version ? <span class="muted"> (the active bundle is now {active.version}; descriptions below are from it)</span> : null}
      </p>
      {rules.length === 0 ? (
        <p class="muted">No rule is named in this entry.</p>
      ) : (
        <table id="rules">
          <thead>
            <tr>
              <th>Rule id</th>
              <th>Role in this call</th>
              <th>Kind</th>
              <th>Description</th>
              <th>Where</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => {
              const found = findRule(props.deps, props.team, r.id);
              return (
                <tr>
                  <td class="mono">{r.id}</td>
                  <td>{r.role}</td>
                  <td>{found ? ruleKind(found.rule) : ""}</td>
                  <td class="rule-description">{found ? found.rule.description : <span class="muted">rule no longer in the active bundle</span>}</td>
                  <td class="mono">{found ? `${policyFile(active.files, found.file)}${found.shadow ? " (shadow)" : ""}` : ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RedactionCard(props: { entry: Obj; deps: Deps; team: string | undefined }) {
  const pii = obj(obj(props.entry.policy).pii);
  const counts = Object.entries(obj(pii.counts)).filter(([, n]) => typeof n === "number") as [string, number][];
  const blocked = Array.isArray(pii.blocked) ? pii.blocked.map(String) : [];
  const side = props.entry.request_event_id !== undefined ? "answer" : "prompt";
  const teamRules = props.team === undefined ? [] : (props.deps.policies.current.teams.get(props.team)?.rules ?? []);
  const actionOf = (type: string): string | undefined => {
    let action: string | undefined;
    for (const r of teamRules) {
      const p = (r.rule as { pii?: Partial<Record<"prompt" | "answer", Record<string, string>>> }).pii?.[side];
      if (p) action = p[type] ?? p.default ?? action;
    }
    return action;
  };
  return (
    <div class="card" id="redaction">
      <h2>Redaction summary ({side})</h2>
      {counts.length === 0 && blocked.length === 0 ? (
        <p class="muted">No PII was found in the {side}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>PII type</th>
              <th class="num">Found</th>
              <th>Recorded outcome</th>
              <th>Action in the active bundle</th>
            </tr>
          </thead>
          <tbody>
            {[...new Set([...counts.map(([t]) => t), ...blocked])].map((t) => (
              <tr>
                <td class="mono">{t}</td>
                <td class="num">{counts.find(([x]) => x === t)?.[1] ?? ""}</td>
                <td>{blocked.includes(t) ? <span class="badge deny">blocked the call</span> : "found and handled (not blocked)"}</td>
                <td>{actionOf(t) ?? <span class="muted">default</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function TraceCard(props: { traceId: string | undefined; spans: SpanRow[] }) {
  if (!props.traceId) return null;
  return (
    <div class="card" id="trace">
      <h2>Trace</h2>
      <p>
        Trace id <span class="mono" id="trace-id">{props.traceId}</span>
      </p>
      {props.spans.length === 0 ? (
        <p class="muted">No spans of this trace are stored (tracing may export elsewhere, or they have expired).</p>
      ) : (
        <table id="spans">
          <thead>
            <tr>
              <th>Span</th>
              <th>Kind</th>
              <th>Service</th>
              <th class="num">Duration (ms)</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {props.spans.map((s) => (
              <tr>
                <td>{s.span_name}</td>
                <td>{s.span_kind}</td>
                <td>{s.service_name}</td>
                <td class="num">{(Number(s.duration_ns) / 1e6).toFixed(1)}</td>
                <td>{s.status_code}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ProofCard(props: { deps: Deps; e: AuditEventRow }) {
  const key = props.deps.logKey;
  return (
    <div class="card" id="proof" data-event-id={props.e.eventId}>
      <h2>Inclusion proof</h2>
      <p class="muted">
        The entry's stored bytes (leaf {base64url(props.e.leafHash)}) hashed, folded up the audit path to the tree's root, and compared with the latest signed checkpoint, whose two signatures are checked against the log's key.
      </p>
      {key ? (
        <p>
          Trusted log key: origin <span class="mono">{key.origin}</span>, key id <span class="mono" id="log-key-id">{key.publicJwk.kid}</span>. Compare it with the key pinned in your trust file.
        </p>
      ) : (
        <p class="warn">This server does not sign the log, so it cannot name the log's key: the signatures are not checked here; use <code>custos audit proof</code> with your trust file.</p>
      )}
      <p id="proof-result" class="proof-summary" data-state="running">
        Checking…
      </p>
      <ol class="steps" id="proof-steps"></ol>
      <p class="muted" id="proof-by"></p>
      <noscript>JavaScript is off: get the proof with /api/audit/events/{props.e.eventId} or the server's check at /api/audit/events/{props.e.eventId}/proof-check.</noscript>
    </div>
  );
}

export function eventPage(deps: Deps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get("/events/:id", async (c) => {
    const refused = needRole(c, "auditor");
    if (refused) return refused;
    const session = c.get("session");
    const id = UUID.safeParse(c.req.param("id"));
    const e = id.success ? await deps.storage.audit.event(id.data.toLowerCase()) : undefined;
    if (!e) return c.html(<Refusal title="No such event" message="There is no audit event with that id." session={session} />, 404);
    const entry = decodeEntry(e);
    const actor = obj(entry.actor);
    const team = str(actor.team);
    const traceId = str(obj(entry.trace).trace_id);
    const spans = traceId ? await deps.storage.spansOfTrace(traceId).catch(() => []) : [];
    const requestId = str(entry.request_event_id) ?? (e.type === "llm.request" || e.type === "llm.denied" ? e.eventId : undefined);
    const related = requestId ? (await deps.storage.audit.eventsOfRequest(requestId)).filter((x) => x.eventId !== e.eventId) : [];
    const raw = new TextDecoder().decode(e.entry);
    const canReveal = hasRole(c.get("roles"), "auditor_content");
    return c.html(
      <Page title={`Event ${e.eventId}`} active="search" session={session} scripts={["/console/assets/event-page.js"]}>
        <p>
          <a href="/console/search">← Audit search</a>
          {" · "}
          <a id="open-incident" href={`/console/incidents?event=${e.eventId}#open`}>
            Open an incident from this event
          </a>
        </p>
        <h1>
          {e.type} <span class="mono muted">{e.eventId}</span>
        </h1>
        <div class="card">
          <dl class="fields" id="summary">
            <dt>Received</dt>
            <dd>{rfc3339Millis(e.receivedAt)}</dd>
            <dt>Team</dt>
            <dd id="event-team">{team ?? ""}</dd>
            <dt>Subject pseudonym</dt>
            <dd class="mono">{str(actor.subject) ?? ""}</dd>
            <dt>Model</dt>
            <dd id="event-model">{e.model ?? ""}</dd>
            <dt>Endpoint · region · jurisdiction</dt>
            <dd>{[e.endpoint, e.region, e.jurisdiction].filter((x) => x !== undefined).join(" · ")}</dd>
            <dt>Status</dt>
            <dd>{e.status ?? ""}</dd>
            <dt>Writer</dt>
            <dd class="mono">
              {e.writerId} #{e.writerSeq}
            </dd>
            {requestId ? (
              <>
                <dt>Request</dt>
                <dd>
                  <span class="mono">{requestId}</span> (
                  <a href={`/api/audit/requests/${requestId}`}>the call's summary as JSON</a>)
                </dd>
              </>
            ) : null}
          </dl>
        </div>
        {related.length > 0 ? (
          <div class="card" id="related">
            <h2>Other events of this request</h2>
            <ul>
              {related.map((r) => (
                <li>
                  <a href={`/console/events/${r.eventId}`}>
                    {r.type} · {rfc3339Millis(r.receivedAt)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <DecisionCard deps={deps} entry={entry} team={team} />
        <RedactionCard deps={deps} entry={entry} team={team} />
        <TraceCard traceId={traceId} spans={spans} />
        <ProofCard deps={deps} e={e} />
        {canReveal ? (
          <div class="card" id="reveal">
            <h2>Reveal content</h2>
            <p>
              Read this event's stored prompt or answer (needs a justification; recorded in the audit log):{" "}
              <a href={`/console/subjects/reveal?event=${e.eventId}`}>Reveal content</a>
            </p>
          </div>
        ) : null}
        <div class="card">
          <h2>Every recorded field</h2>
          <dl class="fields" id="all-fields">
            {flatten(entry).map(([k, v]) => (
              <>
                <dt class="mono">{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
          <h2>The stored entry (canonical JSON, {e.entry.length} bytes)</h2>
          <pre id="raw-entry">{raw}</pre>
        </div>
      </Page>,
    );
  });
  return app;
}
