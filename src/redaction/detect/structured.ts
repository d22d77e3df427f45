// The structured recognizers: formats with a shape and, where one exists, a checksum.
// ipRecognizer() is used with its defaults, so loopback, documentation and private
// addresses are all reported; a deployment that wants them kept builds its own list with
// ipRecognizer({ ignoreLoopback: true, … }).
import { cardRecognizer } from "./card.ts";
import { cryptoWalletRecognizer } from "./crypto-wallet.ts";
import { emailRecognizer } from "./email.ts";
import { highEntropyRecognizer } from "./high-entropy.ts";
import { ibanRecognizer } from "./iban.ts";
import { ipRecognizer } from "./ip.ts";
import { secretsRecognizer } from "./secrets.ts";
import type { Recognizer } from "./types.ts";
import { urlCredentialsRecognizer } from "./url-credentials.ts";

export const STRUCTURED: Recognizer[] = [
  emailRecognizer(),
  cardRecognizer(),
  ibanRecognizer(),
  ipRecognizer(),
  cryptoWalletRecognizer(),
  secretsRecognizer(),
  highEntropyRecognizer(),
  urlCredentialsRecognizer(),
];
