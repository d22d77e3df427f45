// Provider failures as Custos errors (DESIGN.md's table): a provider 401/403 is
// Custos's own credential at fault, never the caller's; request errors pass through
// with their status and a message stripped of anything that could echo the prompt.
import type { Endpoint } from "../config/providers.ts";
import { CustosError, type ErrorCode } from "../errors/errors.ts";
import { UpstreamFailure } from "./types.ts";

export function fromUpstreamFailure(e: unknown, endpoint: Endpoint): CustosError {
  if (e instanceof UpstreamFailure) {
    switch (e.kind) {
      case "timeout":
        return new CustosError("upstream_timeout", `The provider endpoint '${endpoint.id}' did not answer in time.`, { detail: e.message });
      case "aborted":
        return new CustosError("client_closed_request", "The request was cancelled before the provider answered.", { detail: e.message });
      case "unreachable":
        return new CustosError("upstream_error", `The provider endpoint '${endpoint.id}' could not be reached.`, { detail: e.message });
      case "protocol":
        return new CustosError("upstream_error", `The provider endpoint '${endpoint.id}' sent an invalid response.`, { detail: e.message });
    }
  }
  return new CustosError("upstream_error", `The call to the provider endpoint '${endpoint.id}' failed.`, {
    detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
  });
}

const PASS_THROUGH: Record<number, ErrorCode> = {
  400: "invalid_request",
  404: "not_found",
  409: "upstream_rejected",
  413: "request_too_large",
  422: "invalid_request",
  429: "upstream_rate_limited",
};

/** Provider messages may quote the input back; long quoted runs are cut, the rest kept short. */
export function safeProviderMessage(message: unknown): string | undefined {
  if (typeof message !== "string" || message.length === 0) return undefined;
  const cut = message
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/(["'`\u2018\u2019\u201c\u201d])(?:(?!\1).){33,}?\1/g, "$1…$1")
    .trim();
  return cut.length > 300 ? `${cut.slice(0, 299)}…` : cut;
}

const IDENT = /^[A-Za-z0-9_.\-[\]]{1,80}$/;
const ident = (v: unknown): string | undefined => (typeof v === "string" && IDENT.test(v) ? v : undefined);

export interface ProviderErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/** Reads OpenAI's {error:{message,type,code,param}} and Anthropic's {type:"error",error:{type,message}}. */
export function readProviderError(body: Uint8Array): ProviderErrorInfo {
  try {
    const j = JSON.parse(new TextDecoder().decode(body)) as { error?: Record<string, unknown> };
    const e = j.error;
    if (!e || typeof e !== "object") return {};
    const info: ProviderErrorInfo = {};
    const message = safeProviderMessage(e.message);
    if (message) info.message = message;
    const type = ident(e.type);
    if (type) info.type = type;
    const code = ident(e.code);
    if (code) info.code = code;
    const param = ident(e.param);
    if (param) info.param = param;
    return info;
  } catch {
    return {};
  }
}

export function fromProviderStatus(status: number, body: Uint8Array, retryAfter: string | null, endpoint: Endpoint): CustosError {
  const info = readProviderError(body);
  if (status === 401 || status === 403) {
    return new CustosError("upstream_auth_failed", `The provider endpoint '${endpoint.id}' refused Custos's credential; an operator must fix its api_key.`, {
      detail: `provider status ${status}`,
    });
  }
  if (status >= 500 || !(status in PASS_THROUGH)) {
    return new CustosError("upstream_error", `The provider endpoint '${endpoint.id}' failed (status ${status}).`, { detail: info.message });
  }
  const headers: Record<string, string> = {};
  if (retryAfter && /^\d{1,6}(\.\d+)?$|^[A-Za-z]{3}, /.test(retryAfter)) headers["retry-after"] = retryAfter;
  const why = info.code ? ` (${info.code})` : "";
  return new CustosError(PASS_THROUGH[status]!, `The provider rejected the request${why}: ${info.message ?? `status ${status}`}`, {
    status,
    headers,
    ...(info.param ? { param: info.param } : {}),
    detail: [info.type, info.code].filter(Boolean).join("/"),
  });
}
