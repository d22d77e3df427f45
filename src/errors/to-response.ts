// The one place that turns a CustosError into a response, in the shape of the API
// the caller speaks, so the official SDKs raise their normal error classes.
import type { CustosError } from "./errors.ts";

export type ApiShape = "openai" | "anthropic" | "problem";

const OPENAI_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
  405: "invalid_request_error",
  413: "invalid_request_error",
  422: "invalid_request_error",
  429: "rate_limit_error",
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  422: "invalid_request_error",
  429: "rate_limit_error",
};

function openaiType(e: CustosError): string {
  if (e.code === "budget_exceeded") return "insufficient_quota";
  return OPENAI_TYPES[e.status] ?? (e.status >= 500 ? "server_error" : "invalid_request_error");
}

function anthropicType(e: CustosError): string {
  return ANTHROPIC_TYPES[e.status] ?? (e.status >= 500 ? "api_error" : "invalid_request_error");
}

export function errorBody(shape: ApiShape, e: CustosError, requestId: string): { contentType: string; body: string } {
  switch (shape) {
    case "openai":
      return {
        contentType: "application/json",
        body: JSON.stringify({ error: { message: e.message, type: openaiType(e), code: e.code, param: e.param ?? null } }),
      };
    case "anthropic":
      return {
        contentType: "application/json",
        body: JSON.stringify({ type: "error", error: { type: anthropicType(e), message: e.message }, request_id: requestId }),
      };
    case "problem":
      return {
        contentType: "application/problem+json",
        body: JSON.stringify({
          type: `urn:custos:error:${e.code}`,
          title: e.code.replaceAll("_", " "),
          status: e.status,
          detail: e.message,
          instance: `urn:custos:request:${requestId}`,
          code: e.code,
        }),
      };
  }
}

export function errorResponse(shape: ApiShape, e: CustosError, requestId: string): Response {
  const { contentType, body } = errorBody(shape, e, requestId);
  const headers = new Headers(e.headers);
  headers.set("content-type", contentType);
  headers.set("x-custos-error-code", e.code);
  if (e.status === 401 && !headers.has("www-authenticate")) headers.set("www-authenticate", 'Bearer realm="custos"');
  headers.set("x-request-id", requestId);
  return new Response(body, { status: e.status, headers });
}

/** Which error shape a path speaks: Anthropic's routes, Custos's own /api, else OpenAI's. */
export function shapeForPath(path: string): ApiShape {
  if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return "anthropic";
  if (path === "/api" || path.startsWith("/api/")) return "problem";
  return "openai";
}
