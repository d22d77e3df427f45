// What the compliance commands (hold, purge, subject, erase, incident) share: the service
// context on the database itself (built as src/http/operator.ts complianceCtx builds it for
// /api, with the CLI's own audit writer carrying the policy bundle's retention classes), the
// operator they act as, and calls to the running server's /api when it holds the database.
import { userInfo } from "node:os";
import type { ComplianceCtx, Operator } from "../../compliance/context.ts";
import type { CustosError } from "../../errors/errors.ts";
import type { PolicyBundle } from "../../policy/compile.ts";
import { cliAudit } from "../../runtime/node-audit.ts";
import { resolvePaths, type Paths, type ServerHandle } from "../../runtime/node-files.ts";
import { loadNodePolicies } from "../../runtime/node-policies.ts";
import { loadNodeServerSettings } from "../../runtime/node.ts";
import type { Storage } from "../../storage/types.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import type { CliIo, ExitCode } from "../io.ts";

/** A refusal or usage problem a command reports with its exit code (1 refused, 2 usage / could not run). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
    /** A usage error: the command's usage follows the message. */
    readonly showUsage = false,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliFailure(message, 2, true);

/** Who did it, when the operator does not say (--by): the operating-system user at this machine. */
export const osUser = (): string => {
  try {
    return userInfo().username.slice(0, 64);
  } catch {
    return "unknown";
  }
};

/** A time flag: RFC 3339 or a date (YYYY-MM-DD, midnight UTC). */
export function timeFlag(v: string | boolean | undefined, name: string): Date | undefined {
  if (typeof v !== "string") return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw new Error(`--${name} must be a date (2026-11-01) or an RFC 3339 time (2026-11-01T12:00:00Z), not "${v.slice(0, 40)}"`);
  return new Date(t);
}

/** A time flag (see timeFlag); a bad one is a usage error. */
export function timeOpt(v: string | boolean | undefined, name: string): Date | undefined {
  try {
    return timeFlag(v, name);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

/** The operator as rows (`by`) and entries (`actor`) record them; never a credential. */
export function cliOperator(by: string): Operator {
  return { by, actor: { kind: "service", auth: { method: "cli" }, os_user: osUser(), operator: by } };
}

/** --by NAME, else the operating-system user (sent to /api too, so the server records the operator); blank is a usage error. */
export function byFlag(v: string | boolean | undefined): string {
  if (v === undefined) return osUser();
  if (typeof v !== "string" || v.trim() === "") throw usageError("--by needs a name");
  return v.trim().slice(0, 100);
}

export interface DirectCompliance {
  ctx: ComplianceCtx;
  who: Operator;
  paths: Paths;
  policy: PolicyBundle;
  settings: Awaited<ReturnType<typeof loadNodeServerSettings>>;
  close(): Promise<void>;
}

/** The service context on the database itself; its audit events carry the policy bundle's retention classes. */
export async function directCompliance(storage: Storage, io: CliIo, by: string): Promise<DirectCompliance> {
  const paths = resolvePaths(io.cwd, io.env);
  const settings = await loadNodeServerSettings(paths, io.env);
  const policy = await loadNodePolicies(paths.policiesDir, io.env);
  const audit = await cliAudit(storage, settings, jsonLogger("error", (l) => io.err(l)), policy.retention);
  return { ctx: { storage, audit, now: () => Date.now() }, who: cliOperator(by), paths, policy, settings, close: () => audit.close() };
}

/** One /api call with the server handle's admin token; the raw response (reports and tars are not JSON). */
export async function serverFetch(handle: ServerHandle, path: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<Response> {
  return fetch(`${handle.url}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${handle.token}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** A JSON /api call; a problem answer becomes a CliFailure with its detail (1 for a refusal, 2 for a bad request). */
export async function serverJson<T = Record<string, unknown>>(handle: ServerHandle, path: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
  const res = await serverFetch(handle, path, init);
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw serverProblem(res, body);
  return body as T;
}

/** 400/404 are the caller's mistake (2); 409 (a hold, a purge refused, released already) and 403 are refusals (1). */
export function serverProblem(res: Response, body: Record<string, unknown>): CliFailure {
  const message = String(body.detail ?? `the server answered ${res.status}`);
  const code = res.headers.get("x-custos-error-code");
  return new CliFailure(res.status === 403 ? `the server refused: ${message}` : message, res.status === 409 || res.status === 403 || code === "legal_hold" ? 1 : 2);
}

/** A service's refusal as the CLI reports it: bad input (invalid_request, not_found) is 2, a refusal (a hold, a conflict, a purge refused) is 1. */
export function failureOf(e: CustosError): CliFailure {
  return new CliFailure(e.message, e.code === "invalid_request" || e.code === "not_found" ? 2 : 1);
}

/** Runs a command body; a CliFailure is printed with its code, anything else is "could not run" (2). */
export async function reported(io: CliIo, usage: string, body: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CliFailure) {
      io.err(e.showUsage ? `${e.message}\nusage: ${usage}` : e.message);
      return e.code;
    }
    io.err(`could not run: ${(e as Error).message}`);
    return 2;
  }
}
