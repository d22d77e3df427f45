// The console's browser scripts by file name, served from /console/assets/NAME. Each is a
// self-contained ES module kept as a string, so the Worker bundle carries it too.
import { INTEGRITY_PAGE_JS } from "../client/integrity-page.ts";
import { PROOF_CHECK_JS } from "../client/proof-check.ts";
import { EVENT_PAGE_JS } from "../client/event-page.ts";

export const CONSOLE_SCRIPTS: Readonly<Record<string, string>> = {
  "proof-check.js": PROOF_CHECK_JS,
  "event-page.js": EVENT_PAGE_JS,
  "integrity-page.js": INTEGRITY_PAGE_JS,
};
