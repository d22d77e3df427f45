// The error event each API's SDK understands in the middle of a stream (what the
// providers themselves send), so a broken stream raises an error in the caller's code.
import type { CustosError } from "../errors/errors.ts";
import type { Operation } from "./types.ts";

export function streamErrorEvent(operation: Operation, e: CustosError): string {
  switch (operation) {
    case "messages":
      return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message: e.message } })}\n\n`;
    case "responses":
      return `event: error\ndata: ${JSON.stringify({ type: "error", code: e.code, message: e.message, param: null })}\n\n`;
    default:
      return `data: ${JSON.stringify({ error: { message: e.message, type: "server_error", code: e.code, param: null } })}\n\n`;
  }
}
