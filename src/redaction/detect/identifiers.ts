// The recognizers for personal identifiers: national ids (with their checksums), US SSNs,
// UK NI numbers, phone numbers, dates of birth, passports and medical ids. They share one
// digit-runs cache (digit-runs.ts), so a list is built per detector: identifierRecognizers().
import { dateOfBirthRecognizer } from "./date-of-birth.ts";
import { digitRunsCache, type RunsOf } from "./digit-runs.ts";
import { ehicRecognizer } from "./ehic.ts";
import { kvnrRecognizer } from "./kvnr.ts";
import { medicalRecordNumberRecognizer } from "./medical-record-number.ts";
import { steuerIdRecognizer } from "./national-id-de.ts";
import { dniRecognizer } from "./national-id-es.ts";
import { nirRecognizer } from "./national-id-fr.ts";
import { codiceFiscaleRecognizer } from "./national-id-it.ts";
import { bsnRecognizer } from "./national-id-nl.ts";
import { peselRecognizer } from "./national-id-pl.ts";
import { nifRecognizer } from "./national-id-pt.ts";
import { personnummerRecognizer } from "./national-id-se.ts";
import { nhsNumberRecognizer } from "./nhs-number.ts";
import { passportRecognizer } from "./passport.ts";
import { phoneRecognizer } from "./phone.ts";
import type { Recognizer } from "./types.ts";
import { ukNinoRecognizer } from "./uk-nino.ts";
import { mbiRecognizer } from "./us-mbi.ts";
import { npiRecognizer } from "./us-npi.ts";
import { usSsnRecognizer } from "./us-ssn.ts";

/** The identifier recognizers, sharing one cache of the digit runs of the text they are given. */
export function identifierRecognizers(runsOf: RunsOf = digitRunsCache()): Recognizer[] {
  return [
    steuerIdRecognizer(runsOf),
    nirRecognizer(runsOf),
    dniRecognizer(runsOf),
    codiceFiscaleRecognizer(runsOf),
    bsnRecognizer(runsOf),
    peselRecognizer(runsOf),
    nifRecognizer(runsOf),
    personnummerRecognizer(runsOf),
    usSsnRecognizer(runsOf),
    ukNinoRecognizer(runsOf),
    phoneRecognizer(runsOf),
    dateOfBirthRecognizer(runsOf),
    passportRecognizer(runsOf),
    nhsNumberRecognizer(runsOf),
    kvnrRecognizer(runsOf),
    npiRecognizer(runsOf),
    mbiRecognizer(runsOf),
    ehicRecognizer(runsOf),
    medicalRecordNumberRecognizer(runsOf),
  ];
}

/** One list (and so one cache) for the module; a runtime builds its own with identifierRecognizers(). */
export const IDENTIFIERS: Recognizer[] = identifierRecognizers();
