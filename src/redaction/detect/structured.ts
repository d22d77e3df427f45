// The structured recognizers: formats with a shape and, where one exists, a checksum.
// ipRecognizer() is used with its defaults, so loopback, documentation and private
// addresses are all reported; a deployment that wants them kept builds its own list with
// ipRecognizer({ ignoreLoopback: true, … }).
import { cardRecognizer } from "./card.ts";
import { cryptoWalletRecognizer } from "./crypto-wallet.ts";
import { digitRunsCache, type RunsOf } from "./digit-runs.ts";
import { emailRecognizer } from "./email.ts";
import { highEntropyRecognizer } from "./high-entropy.ts";
import { ibanRecognizer } from "./iban.ts";
import { ipRecognizer, type IpOptions } from "./ip.ts";
import { secretsRecognizer } from "./secrets.ts";
import type { Recognizer } from "./types.ts";
import { urlCredentialsRecognizer } from "./url-credentials.ts";

/**
 * The structured recognizers, with the IP address ranges to leave alone (server.yaml
 * redaction.ip); the IBAN recognizer reads the text's digit runs from `runsOf` (pass the
 * identifier recognizers' cache to find them once, recognizers.ts).
 */
export function structuredRecognizers(ip: IpOptions = {}, runsOf: RunsOf = digitRunsCache()): Recognizer[] {
  return [
    emailRecognizer(),
    cardRecognizer(),
    ibanRecognizer(runsOf),
    ipRecognizer(ip),
    cryptoWalletRecognizer(),
    secretsRecognizer(),
    highEntropyRecognizer(),
    urlCredentialsRecognizer(),
  ];
}

/** With every address reported. */
export const STRUCTURED: Recognizer[] = structuredRecognizers();
