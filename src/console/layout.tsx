// The page shell every console view renders into: navigation by role, who is signed in,
// the sign-out form (with its CSRF token), and the CSRF token for the pages' own scripts.
// Everything from the log is rendered as JSX text or attributes, which Hono escapes.
import type { Child } from "hono/jsx";
import { hasRole, type Role } from "../identity/principal.ts";
import { isRole } from "../identity/dev-issuer.ts";
import type { ConsoleSessionRecord } from "../storage/types.ts";

export type ConsoleEnv = { Variables: { requestId: string; session: ConsoleSessionRecord; roles: Role[]; pseudonym: string } };

const NAV: { href: string; label: string; key: string; roles?: Role[] }[] = [
  { href: "/console", label: "Overview", key: "overview" },
  { href: "/console/search", label: "Audit search", key: "search" },
  { href: "/console/integrity", label: "Integrity", key: "integrity" },
  { href: "/console/policies", label: "Policies", key: "policies" },
  { href: "/console/incidents", label: "Incidents", key: "incidents", roles: ["auditor"] },
  { href: "/console/holds", label: "Holds", key: "holds", roles: ["auditor"] },
  { href: "/console/subjects", label: "Subjects", key: "subjects", roles: ["auditor_content"] },
  { href: "/console/retention", label: "Retention", key: "retention" },
  { href: "/console/admin", label: "Admin", key: "admin", roles: ["admin"] },
];

export function Page(props: { title: string; active?: string; session?: ConsoleSessionRecord; scripts?: string[]; children?: Child }) {
  const s = props.session;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {s ? <meta name="csrf-token" content={s.csrf} /> : null}
        <title>{`${props.title} · Custos console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        {(props.scripts ?? []).map((src) => (
          <script type="module" src={src}></script>
        ))}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/console">
            Custos console
          </a>
          {s ? (
            <nav>
              {NAV.filter((n) => !n.roles || hasRole(s.roles.filter(isRole), ...n.roles)).map((n) => (
                <a href={n.href} class={props.active === n.key ? "active" : undefined}>
                  {n.label}
                </a>
              ))}
            </nav>
          ) : null}
          {s ? (
            <div class="who">
              <a id="signed-in-as" href="/console/session">
                {s.email ?? s.subject} · {s.roles.join(", ")}
              </a>
              <form method="post" action="/console/logout">
                <input type="hidden" name="_csrf" value={s.csrf} />
                <button class="secondary" id="sign-out" type="submit">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A page that says why the visitor cannot go on (signed out, wrong role, bad link). */
export function Refusal(props: { title: string; message: string; session?: ConsoleSessionRecord; signIn?: boolean }) {
  return (
    <Page title={props.title} {...(props.session ? { session: props.session } : {})}>
      <div class="card login">
        <h1>{props.title}</h1>
        <p id="refusal">{props.message}</p>
        {props.signIn ? <a href="/console/login">Sign in again</a> : null}
      </div>
    </Page>
  );
}
