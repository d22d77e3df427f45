// Words and phrases around a capitalised word that say it is a person's name or a place, in
// the nine languages. Folded keys (lower case, no accents, ß → ss); phrases are words joined by
// one space. The recognizers match them against the words right before (or after) a candidate.
import { fold, IntSet, PHRASE_SEED, phraseStep, wordHash } from "./tokens.ts";

/** A set of folded words or phrases, held as phrase hashes (tokens.ts) so tokens are tested without strings. */
export interface Cues {
  /** Whether the word or phrase (any case and accents) is in the set. */
  has(phrase: string): boolean;
  /** Phrase hashes of the entries. */
  readonly phrases: IntSet;
  /** Word hash of the last word of every entry (a quick test before looking further back). */
  readonly last: IntSet;
  /** Word hashes of the one-word entries. */
  readonly words: IntSet;
  readonly maxWords: number;
}

export function cueSet(list: string): Cues {
  const phrases = new IntSet();
  const last = new IntSet();
  const single = new IntSet();
  let maxWords = 1;
  const hashOf = (p: string) => {
    let ph = PHRASE_SEED;
    for (const w of p.split(" ")) ph = phraseStep(ph, wordHash(w));
    return ph;
  };
  for (const raw of list.split("|")) {
    const p = fold(raw.trim()).replace(/\s+/g, " ");
    if (p.length === 0) continue;
    const words = p.split(" ");
    maxWords = Math.max(maxWords, words.length);
    phrases.add(hashOf(p));
    last.add(wordHash(words[words.length - 1]!));
    if (words.length === 1) single.add(wordHash(p));
  }
  return { has: (phrase) => phrases.has(hashOf(fold(phrase.trim()).replace(/\s+/g, " "))), phrases, last, words: single, maxWords };
}

const set = cueSet;

/** Titles directly before a name: Mr Smith, Frau Dr. Weber, Mme Dupont, Pan Kowalski, fru Berg. */
export const HONORIFICS = set(
  "mr|mrs|ms|mx|miss|dr|prof|professor|sir|dame|lady|lord|rev|fr|herr|herrn|frau|fraulein|hr|dipl|ing|mag|m|mme|mlle|monsieur|madame|mademoiselle|maitre|sr|sra|srta|senor|senora|senorita|don|dona|dña|sig|sigra|sig.ra|signor|signore|signora|signorina|dott|dottssa|dott.ssa|dottore|dottoressa|avv|arch|geom|rag|dhr|mevr|mw|meneer|mevrouw|heer|juffrouw|pan|pani|panna|panie|panem|panu|pania|pana|mgr|inz|senhor|senhora|sr.a|fru|froken|doktor|doctor",
);

/** Greetings followed by a name: Dear Anna, Hallo Herr Müller, Bonjour Claire, Hej Lars. */
export const GREETINGS = set(
  "dear|hi|hello|hey|hiya|good morning|good afternoon|good evening|morning|hallo|hi there|liebe|lieber|liebes|sehr geehrte|sehr geehrter|geehrte|geehrter|guten tag|guten morgen|moin|servus|gruezi|gruss gott|bonjour|bonsoir|salut|cher|chere|chers|cheres|coucou|hola|estimado|estimada|estimados|querido|querida|buenos dias|buenas tardes|buenas|ciao|gentile|gentilissimo|gentilissima|caro|cara|egregio|egregia|buongiorno|buonasera|salve|beste|geachte|hoi|hallo|dag|goedemorgen|goedemiddag|szanowny|szanowna|szanowni|czesc|witam|dzien dobry|drogi|droga|ola|oi|prezado|prezada|bom dia|boa tarde|hej|hejsan|hallå|kara|god morgon|tjena|tja",
);

/** Introductions followed by a name, with their weight (a name follows "my name is" almost always). */
export const INTRO_STRONG = set(
  "my name is|my name's|name is|i'm called|call me|ich heisse|ich heiße|mein name ist|mein name lautet|heisst|je m'appelle|m'appelle|s'appelle|mon nom est|me llamo|se llama|mi nombre es|su nombre es|mi chiamo|si chiama|il mio nome e|mijn naam is|ik heet|heet|nazywam sie|mam na imie|ma na imie|chamo-me|chama-se|o meu nome e|meu nome e|me chamo|se chama|jag heter|heter|mitt namn ar|hans namn ar|hennes namn ar|named|called|signed",
);
export const INTRO_WEAK = set(
  "i am|i'm|this is|it's|ich bin|hier ist|je suis|c'est|ici|soy|aqui|sono|qui e|ik ben|met|jestem|z tej strony|sou|eu sou|aqui e|sou a|sou o|eu sou a|eu sou o|jag ar|det ar|har ar",
);

/** Closings: a name after them on the same line, or alone on the next line, is a signature. */
export const CLOSINGS = set(
  "best regards|kind regards|regards|warm regards|warmest regards|best wishes|kind wishes|best|thanks|thank you|many thanks|thanks again|thanks so much|thank you very much|cheers|sincerely|yours sincerely|sincerely yours|yours faithfully|faithfully|yours truly|yours|respectfully|all the best|take care|talk soon|speak soon|love|mit freundlichen grussen|mit freundlichem gruss|freundliche grusse|viele grusse|beste grusse|liebe grusse|herzliche grusse|schone grusse|grusse|gruss|lg|vg|mfg|danke|vielen dank|danke schon|bis bald|cordialement|bien cordialement|tres cordialement|bien a vous|salutations|meilleures salutations|sinceres salutations|amicalement|bisous|merci|merci beaucoup|a bientot|saludos|un saludo|saludos cordiales|atentamente|un abrazo|abrazos|gracias|muchas gracias|cordiali saluti|distinti saluti|saluti|un saluto|cordialmente|grazie|grazie mille|a presto|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten|hartelijke groet|hartelijke groeten|groeten|groet|mvg|bedankt|dank je|dank u|pozdrawiam|z powazaniem|pozdrawiam serdecznie|serdecznie pozdrawiam|z wyrazami szacunku|dziekuje|serdeczne pozdrowienia|atenciosamente|cumprimentos|melhores cumprimentos|com os melhores cumprimentos|abracos|abraco|obrigado|obrigada|saudacoes|beijos|med vanliga halsningar|vanliga halsningar|halsningar|mvh|tack|tack sa mycket|basta halsningar|halsning|hej da",
);

/** Roles right before a name: the customer Anna Berg, Patientin Meyer, klant De Vries. */
export const ROLES = set(
  "customer|client|patient|employee|technician|tecnico|tecnica|techniker|technikerin|technicien|technicienne|monteur|technik|tekniker|staff member|user|member|applicant|candidate|tenant|student|colleague|caller|driver|passenger|guest|visitor|resident|consultant|engineer|technician|agent|nurse|contractor|intern|manager|supervisor|assignee|reporter|kunde|kundin|patientin|mitarbeiter|mitarbeiterin|kollege|kollegin|bewerber|bewerberin|mieter|mieterin|schuler|schulerin|studentin|gast|bearbeiter|bearbeiterin|cliente|employe|employee|salarie|salariee|collegue|candidat|candidate|locataire|eleve|etudiant|etudiante|paciente|empleado|empleada|companero|companera|candidato|candidata|inquilino|inquilina|alumno|alumna|estudiante|paziente|dipendente|collega|studente|studentessa|klant|patient|patiente|werknemer|medewerker|medewerkster|kandidaat|huurder|leerling|klient|klientka|pacjent|pacjentka|pracownik|pracownica|kolega|kolezanka|kandydat|kandydatka|najemca|uczen|uczennica|studentka|funcionario|funcionaria|colaborador|colaboradora|colega|aluno|aluna|kund|anstalld|medarbetare|kollega|kandidat|hyresgast|elev",
);

/** Field labels followed by ':' and a name: "Name: …", "From: …", "Ansprechpartner: …". */
export const PERSON_LABELS = set(
  "name|full name|first name|last name|surname|given name|contact|contact person|from|to|cc|bcc|sender|recipient|author|assignee|reporter|requester|requested by|submitted by|reported by|assigned to|owner|signed|signature|attn|attention|patient|customer|client|employee|candidate|applicant|tenant|student|guest|driver|passenger|emergency contact|next of kin|manager|supervisor|approver|approved by|prepared by|created by|vorname|nachname|vor- und nachname|kontakt|ansprechpartner|ansprechpartnerin|von|an|absender|empfanger|verfasser|bearbeiter|kunde|kundin|mitarbeiter|mitarbeiterin|bewerber|bewerberin|unterschrift|nom|prenom|nom complet|de|a|expediteur|destinataire|auteur|contact|interlocuteur|client|salarie|candidat|nombre|apellido|apellidos|nombre completo|remitente|destinatario|autor|contacto|cliente|empleado|nome|cognome|nome completo|mittente|referente|dipendente|naam|voornaam|achternaam|volledige naam|van|aan|afzender|ontvanger|contactpersoon|klant|medewerker|imie|nazwisko|imie i nazwisko|od|do|nadawca|odbiorca|kontakt|osoba kontaktowa|klient|pracownik|apelido|nome completo|remetente|contato|contacto|funcionario|namn|fornamn|efternamn|fullstandigt namn|fran|till|avsandare|mottagare|kontaktperson|kund|anstalld",
);

/** Words right after a name that say it is a person (Anna said, Berg schrieb). */
export const VERBS_AFTER = set(
  "from|aus|uit|said|says|wrote|writes|asked|asks|told|replied|answered|explained|reported|mentioned|confirmed|joined|left|sent|emailed|called|phoned|will|would|has|had|is|was|thinks|thought|wants|wanted|needs|agreed|approved|signed|sagte|sagt|schrieb|schreibt|fragte|fragt|meinte|meint|antwortete|hat|hatte|ist|war|wird|rief|kommt|a|est|etait|dit|ecrit|demande|repondu|dijo|dice|escribio|pregunto|respondio|ha|es|esta|fue|detto|scritto|chiesto|risposto|e|zei|zegt|schreef|vroeg|antwoordde|heeft|had|is|was|powiedzial|powiedziala|napisal|napisala|zapytal|zapytala|jest|byl|byla|ma|disse|escreveu|perguntou|respondeu|esta|foi|tem|sa|sager|skrev|fragade|svarade|har|ar|var",
);

/** Verbs that address a person right before the name (reply to Abelard, frag Jörg, écrire à Manon). */
export const ADDRESSING = set(
  "reply to|respond to|write to|talk to|speak to|spoke to|spoke with|speaking with|talked to|forward to|forwarded to|send it to|ask|asked|tell|told|thank|thanked|call|called|email|e-mail|emailed|ping|pinged|remind|cc|bcc|assigned to|according to|on behalf of|meeting with|met with|interview with|antworte|antworten sie|schreibe an|schreib an|frag|frage|fragen sie|danke|bedanke dich bei|im auftrag von|laut|repondre a|reponds a|ecrire a|ecris a|demander a|demande a|remercier|de la part de|selon|responder a|responde a|escribir a|escribe a|preguntar a|pregunta a|agradecer a|de parte de|segun|rispondere a|rispondi a|scrivere a|scrivi a|chiedere a|chiedi a|ringraziare|da parte di|secondo|antwoord aan|antwoorden aan|schrijf aan|schrijven aan|vraag|vraag aan|bedank|namens|volgens|odpowiedz|odpisz|napisz do|zapytaj|podziekuj|w imieniu|wedlug|escrever a|escreve a|perguntar a|pergunta a|agradecer a|em nome de|segundo|svara|skriv till|fraga|tacka|pa uppdrag av|enligt",
);

/** Weak words before a full name (met with Anna Berg, von Jan Nowak). */
export const WEAK_BEFORE = set(
  "with|by|from|to|for|cc|and|ask|asked|contact|call|told|tell|met|per|mit|von|fur|an|und|bei|avec|par|pour|et|con|por|para|y|da|per|met|van|voor|en|z|od|dla|i|med|av|for|till|och|com|e|ao",
);

/** Place prepositions (in Berlin, aus Wien, à Lyon, desde Madrid, uit Utrecht, w Krakowie, från Malmö). */
export const PLACE_PREPS = set(
  "in|from|near|to|at|around|outside|into|across|via|towards|toward|aus|nach|bei|nahe|um|ab|a|au|pres|vers|depuis|desde|hacia|cerca|hasta|en|vicino|presso|uit|naar|nabij|bij|rond|w|we|z|ze|do|pod|kolo|przy|niedaleko|spod|em|no|na|perto|para|i|fran|till|nara|vid|pa",
);
/** Weaker ones (also articles or other words): de Lyon, da Roma, di Milano. */
export const PLACE_PREPS_WEAK = set("de|du|da|di|del|della|do|of");

/** Phrases that say the following capitalised words are where someone lives or comes from. */
export const RESIDENCE = set(
  "lives in|living in|live in|lived in|based in|located in|born in|resides in|residing in|resident in|moved to|relocated to|relocating to|moving to|grew up in|comes from|is from|am from|hometown|wohnt in|wohne in|lebt in|lebe in|wohnhaft in|geboren in|umgezogen nach|ziehe nach|zieht nach|zog nach|stammt aus|komme aus|kommt aus|habite a|habite en|j'habite a|vit a|vis a|ne a|nee a|domicilie a|demeurant a|originaire de|vive en|vivo en|reside en|nacido en|nacida en|me mude a|se mudo a|soy de|es de|abita a|vivo a|vive a|risiede a|nato a|nata a|residente a|abito a|residente in|sono di|woont in|woon in|geboren in|verhuisd naar|afkomstig uit|kom uit|komt uit|mieszka w|mieszkam w|urodzil sie w|urodzila sie w|przeprowadzil sie do|przeprowadzila sie do|pochodzi z|jestem z|mora em|moro em|vive em|nasceu em|reside em|natural de|sou de|bor i|bor pa|fodd i|flyttade till|kommer fran|ar fran",
);

/** Place labels followed by ':' (Address:, Wohnort:, Ville:, Miasto:). */
export const PLACE_LABELS = set(
  "address|home address|postal address|city|town|location|country|state|region|residence|place of birth|birthplace|adresse|anschrift|wohnort|ort|stadt|land|geburtsort|standort|ville|pays|lieu de naissance|domicile|direccion|domicilio|ciudad|pais|lugar de nacimiento|indirizzo|citta|paese|luogo di nascita|residenza|adres|woonplaats|plaats|geboorteplaats|miasto|kraj|miejsce urodzenia|miejscowosc|endereco|morada|cidade|naturalidade|local de nascimento|adress|stad|ort|hemort|fodelseort|bostadsort",
);

/** Words right after a place that make it a product, an event or a cloud region, not where someone is. */
export const PLACE_NEGATIVE_AFTER = set(
  "region|regions|zone|zones|datacenter|datacentre|data|cluster|clusters|server|servers|endpoint|endpoints|availability|office|offices|branch|branches|hq|headquarters|team|teams|subsidiary|market|markets|stock|exchange|time|timezone|agreement|accord|accords|convention|protocol|treaty|declaration|summit|syndrome|motor|motors|fc|united|city|airport|marathon|wall|fashion|style|week|consensus|process|principles|criteria|rules|group|ag|gmbh|ltd|inc|sa|bank|university|universitat|universite|universidad|universita|universiteit|uniwersytet|universidade|universitet|institute|institut|school|hospital|klinik|clinic|zoo|symphony|philharmonic|orchestra|opera|times|post|gazette|tribune|herald|journal|standard|review|edition|version|release|lake|river|pattern|format",
);

/** Honorifics that count only with their dot (M. Dupont, Fr. Meier, Hr. Berg, Ing. Novák). */
export const HONORIFICS_NEED_DOT = set("m|fr|hr|ing|dipl|mag|arch|geom|rag|avv");

/** Honorifics also written lower case (herr Lind, dhr. Jansen, pan Nowak, don Pedro). */
export const HONORIFICS_LOWER = set(
  "herr|herrn|fru|froken|dhr|mevr|mw|heer|mevrouw|meneer|juffrouw|pan|pani|panie|pana|panu|panem|pania|panna|don|dona|senor|senora|senorita|senhor|senhora|signor|signora|signore|signorina|monsieur|madame|mademoiselle|mme|mlle|sig|sigra|dott|dottssa|mgr|inz|dr|prof",
);
