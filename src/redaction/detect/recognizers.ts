// Every recognizer Custos ships: the structured formats (validated by their checksums),
// national identifiers, phone numbers and dates of birth, and names and places. A function,
// not a list: the name recognizers share one tokenization per text, and that cache belongs
// to the detector a runtime builds, not to the module.
import { IDENTIFIERS } from "./identifiers.ts";
import { nameRecognizers } from "./names.ts";
import type { IpOptions } from "./ip.ts";
import { structuredRecognizers } from "./structured.ts";
import type { Recognizer } from "./types.ts";

export function shippedRecognizers(options: { ip?: IpOptions } = {}): Recognizer[] {
  return [...structuredRecognizers(options.ip), ...IDENTIFIERS, ...nameRecognizers()];
}
