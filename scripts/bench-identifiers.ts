// Throughput of the identifier recognizers (national ids, SSN, NINO, phone, date of birth,
// passport, medical ids) through the detector, on realistic 1–4 KB prompts: prose in the
// nine languages with the numbers prompts carry (prices, dates, versions, order numbers,
// code; a quarter of them with a sentence of identifiers). Prints MB/s (UTF-16 code units /
// 2^20 per CPU second) for all prompts, those without PII and those with, then where the time goes.
//   node --import tsx scripts/bench-identifiers.ts
import { detector } from "../src/redaction/detect/detect.ts";
import { digitRunsCache } from "../src/redaction/detect/digit-runs.ts";
import { identifierRecognizers } from "../src/redaction/detect/identifiers.ts";

const PROSE = [
  "Please review the following function and suggest improvements for readability and error handling. Keep the public interface unchanged and explain each change briefly.",
  "Write a friendly reply to the customer who asked about our return policy. Mention that items can be returned within thirty days and that refunds are issued to the original payment method.",
  "Du bist ein hilfreicher Assistent. Antworte kurz und präzise, und wenn du dir nicht sicher bist, sag es offen. Vermeide Fachjargon, wo es geht.",
  "Tu es un assistant juridique. Résume les obligations principales du contrat ci-dessous et signale les clauses inhabituelles ou risquées pour le client.",
  "Eres un asistente de viajes. Propón un itinerario de una semana por Andalucía con recomendaciones de restaurantes y actividades culturales.",
  "Sei un esperto di marketing. Scrivi tre titoli accattivanti per un articolo sul lavoro da remoto e spiega perché funzionano.",
  "Je bent een ervaren redacteur. Verbeter de grammatica en de stijl van de volgende tekst zonder de betekenis te veranderen.",
  "Jesteś asystentem programisty. Wyjaśnij, czym różni się kompozycja od dziedziczenia, i podaj krótki przykład w języku TypeScript.",
  "És um assistente de escrita. Reescreve o parágrafo seguinte num tom mais profissional e mantém o texto conciso.",
  "Du är en hjälpsam assistent. Förklara skillnaden mellan en process och en tråd på ett enkelt sätt med ett vardagligt exempel.",
  "```ts\nexport function slugify(title: string): string {\n  return title.toLowerCase().trim().replace(/[^a-z]+/g, \"-\");\n}\n```",
  "Could you summarise the attached meeting notes and list the open action items for the team? The deadline is 2026-12-15 and the budget is €1,299.00 per seat.",
  "Bitte fasse den folgenden Text zusammen und nenne die wichtigsten Punkte. Die Bestellung 4711-2025 wurde am 12.03.2024 verschickt, Lieferzeit 3 bis 5 Werktage.",
  "Peux-tu reformuler ce paragraphe dans un style plus formel ? La réunion est prévue le 14 mars à 10h30, salle 204, avec 12 participants.",
  "¿Puedes traducir este correo al inglés? El pedido número 2024-118 llegó el 3 de abril y la factura asciende a 1.250,00 euros.",
  "Puoi scrivere una breve email di risposta? Il pacco è stato spedito il 5 maggio, codice di tracciamento 1Z999AA10123456784.",
  "Kun je deze tekst samenvatten? De vergadering is op 12 maart om 14:00 uur en we verwachten ongeveer 40 deelnemers.",
  "Czy możesz poprawić ten tekst? Spotkanie odbędzie się 12 marca o godzinie 10:00 w sali 3.14, koszt 450 zł.",
  "Podes rever este texto? A encomenda 998877 foi enviada a 2 de junho e custa 49,90 euros com IVA incluído.",
  "Kan du sammanfatta texten? Mötet hålls den 12 mars klockan 09.30 och vi räknar med 25 deltagare från 3 avdelningar.",
  "The release notes for v10.0.19045.1 mention a fix in build 22631.2861; see ISBN 978-3-16-148410-0 for the reference book.",
  "```ts\nconst max = 2 ** 32; // 4294967296\nfor (let i = 0; i < 1024; i++) sum += values[i] * 3.14159;\n```",
  "Commit 9fceb02d0ae598e95dc970b74767f19372d61af8 changed 14 files; uuid 123e4567-e89b-12d3-a456-426614174000 was regenerated at 2026-11-29T10:15:30Z.",
];

const PII = [
  "My phone number is +44 20 7946 0958, call me after 6pm.",
  "Meine Steuer-ID ist 86 095 742 719 und meine Handynummer 0171 1234567.",
  "Né le 12 mars 1985, numéro de sécurité sociale 1 85 05 78 006 084 91.",
  "Mi DNI es 12345678Z y mi teléfono 612 345 678.",
  "Il mio codice fiscale è RSSMRA85T10A562S, nato il 10 dicembre 1985.",
  "Mijn BSN is 123456782 en mijn telefoonnummer is 06-12345678.",
  "Mój PESEL to 44051401359, telefon komórkowy 512 345 678.",
  "O meu NIF é 123456789, telemóvel 912 345 678.",
  "Mitt personnummer är 811218-9876, mobil 070-123 45 67.",
  "SSN 536-22-4875, passport number 123456789, NHS number 943 476 5919, MRN: 12345678.",
];

let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return Math.floor((seed / 2147483648) * n);
};

/** Prose up to ~targetBytes; with one identifier-bearing sentence at a random place when asked. */
function prompt(targetBytes: number, withPii: boolean): string {
  const parts: string[] = [];
  let len = 0;
  while (len < targetBytes) {
    const p = PROSE[rnd(PROSE.length)]!;
    parts.push(p);
    len += p.length + 1;
  }
  if (withPii) parts.splice(rnd(parts.length + 1), 0, PII[rnd(PII.length)]!);
  return parts.join(rnd(2) === 0 ? "\n" : " ");
}

// A quarter of the prompts carry identifiers (one sentence with one to four of them).
const texts: string[] = [];
for (let i = 0; i < 400; i++) texts.push(prompt(1024 + rnd(3072), i % 4 === 0));
const runsOf = digitRunsCache();
const recognizers = identifierRecognizers(runsOf);
const d = detector(recognizers);
const mb = (ts: readonly string[]) => ts.reduce((n, t) => n + t.length, 0) / 2 ** 20;

/** CPU seconds (not wall time: the machine may be shared) of the fastest of several runs. */
function cpuSeconds(f: () => void, runs = 7): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    f();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

function throughput(ts: readonly string[], rounds = 10): string {
  for (const t of ts) d.detect(t); // warm up
  const s = cpuSeconds(() => {
    for (let i = 0; i < rounds; i++) for (const t of ts) d.detect(t);
  });
  return `${((mb(ts) * rounds) / s).toFixed(1)} MB/s (${((s / rounds / ts.length) * 1e6).toFixed(1)} µs per prompt)`;
}

const withPii = texts.filter((_, i) => i % 4 === 0);
const spans = texts.reduce((n, t) => n + d.detect(t).length, 0);
console.log(`${texts.length} prompts, ${((mb(texts) * 1024) / texts.length).toFixed(1)} KB average, ${withPii.length} with identifiers (${spans} spans found)`);
console.log(`IDENTIFIERS, all prompts:       ${throughput(texts)}`);
console.log(`IDENTIFIERS, without PII:       ${throughput(texts.filter((_, i) => i % 4 !== 0))}`);
console.log(`IDENTIFIERS, with identifiers:  ${throughput(withPii)}`);

// Per recognizer, find() alone on each prompt (repeated, so the shared digit runs are
// found once per prompt and counted apart), to show where the time goes.
const REPEAT = 5;
const emit = () => {};
const runsOnly = cpuSeconds(() => {
  for (const t of texts) runsOf(t);
}, 5);
console.log(`  ${"digit runs (shared)".padEnd(24)} ${((runsOnly / texts.length) * 1e6).toFixed(2).padStart(6)} µs per prompt`);
for (const r of recognizers) {
  const s = cpuSeconds(() => {
    for (const t of texts) {
      runsOf(t);
      for (let k = 0; k < REPEAT; k++) r.find(t, emit);
    }
  }, 5);
  console.log(`  ${r.name.padEnd(24)} ${((((s - runsOnly) / REPEAT) / texts.length) * 1e6).toFixed(2).padStart(6)} µs per prompt`);
}
