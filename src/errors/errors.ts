// The one error taxonomy: every failure Custos reports has a stable code, an HTTP
// status, a public message (the only part that leaves the process) and an optional
// internal detail (logged, never sent).

export const ERROR_CODES = {
  invalid_request: 400,
  authentication_failed: 401,
  team_required: 403,
  team_not_allowed: 403,
  team_not_configured: 403,
  model_not_allowed: 403,
  endpoint_not_allowed: 403,
  stream_not_allowed: 403,
  input_too_large: 403,
  output_too_large: 403,
  pii_blocked: 403,
  region_not_allowed: 403,
  forbidden: 403,
  csrf_rejected: 403,
  approval_required: 403,
  not_found: 404,
  model_not_found: 404,
  request_too_large: 413,
  upstream_rejected: 409,
  conflict: 409,
  legal_hold: 409,
  purge_refused: 409,
  rate_limited: 429,
  budget_exceeded: 429,
  upstream_rate_limited: 429,
  client_closed_request: 499,
  internal_error: 500,
  upstream_error: 502,
  upstream_auth_failed: 502,
  suspended: 503,
  no_healthy_endpoint: 503,
  audit_unavailable: 503,
  unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CustosErrorInit {
  /** Overrides the status the code implies (provider 4xx pass-through). */
  status?: number;
  /** For the logs only: never sent to a client. */
  detail?: string;
  /** The request field at fault, when there is one (OpenAI's `param`). */
  param?: string;
  /** Extra response headers (Retry-After, …). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class CustosError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, publicMessage: string, init: CustosErrorInit = {}) {
    super(publicMessage, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "CustosError";
    this.code = code;
    this.status = init.status ?? ERROR_CODES[code];
    this.detail = init.detail;
    this.param = init.param;
    this.headers = init.headers ?? {};
  }
}

export const isCustosError = (e: unknown): e is CustosError => e instanceof CustosError;

/** Anything thrown that is not a CustosError is an internal error with a generic message. */
export function toCustosError(e: unknown): CustosError {
  if (isCustosError(e)) return e;
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new CustosError("internal_error", "Custos hit an internal error; the request id identifies it in the logs.", { detail, cause: e });
}
