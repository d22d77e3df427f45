// Every recognizer Custos ships: the structured formats (validated by their checksums),
// national identifiers, phone numbers and dates of birth, and names and places. A function,
// not a list: the identifier and IBAN recognizers share each text's digit runs and the name
// recognizers its tokenization, and those caches belong to the detector a runtime builds.
import { digitRunsCache } from "./digit-runs.ts";
import { identifierRecognizers } from "./identifiers.ts";
import { nameRecognizers } from "./names.ts";
import type { IpOptions } from "./ip.ts";
import { structuredRecognizers } from "./structured.ts";
import type { Recognizer } from "./types.ts";

export function shippedRecognizers(options: { ip?: IpOptions } = {}): Recognizer[] {
  // one digit-runs cache for the IBAN and the identifier recognizers: each text's runs are found once
  const runsOf = digitRunsCache();
  return [...structuredRecognizers(options.ip, runsOf), ...identifierRecognizers(runsOf), ...nameRecognizers()];
}
