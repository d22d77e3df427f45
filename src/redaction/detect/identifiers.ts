// The recognizers for personal identifiers: national ids (with their checksums), US SSNs,
// UK NI numbers, phone numbers, dates of birth, passports and medical ids.
import { dateOfBirth } from "./date-of-birth.ts";
import { ehic } from "./ehic.ts";
import { kvnr } from "./kvnr.ts";
import { medicalRecordNumber } from "./medical-record-number.ts";
import { steuerId } from "./national-id-de.ts";
import { esDni } from "./national-id-es.ts";
import { frNir } from "./national-id-fr.ts";
import { itCodiceFiscale } from "./national-id-it.ts";
import { nlBsn } from "./national-id-nl.ts";
import { plPesel } from "./national-id-pl.ts";
import { ptNif } from "./national-id-pt.ts";
import { sePersonnummer } from "./national-id-se.ts";
import { nhsNumber } from "./nhs-number.ts";
import { passport } from "./passport.ts";
import { phone } from "./phone.ts";
import type { Recognizer } from "./types.ts";
import { ukNino } from "./uk-nino.ts";
import { usMbi } from "./us-mbi.ts";
import { usNpi } from "./us-npi.ts";
import { usSsn } from "./us-ssn.ts";

export const IDENTIFIERS: readonly Recognizer[] = [
  steuerId, frNir, esDni, itCodiceFiscale, nlBsn, plPesel, ptNif, sePersonnummer,
  usSsn, ukNino, phone, dateOfBirth, passport,
  nhsNumber, kvnr, usNpi, usMbi, ehic, medicalRecordNumber,
];
