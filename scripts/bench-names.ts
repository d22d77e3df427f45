// Throughput of the PERSON and LOCATION recognizers (NAMES): each alone and the pair through
// the detector on the labelled corpus texts (test/fixtures/pii, short prompts), and the pair on
// realistic 1–4 KB prompts: name-dense support tickets, e-mails, HR notes and CVs, PII-free
// business and technical text, and a mix, in the nine languages.
// Run: node --import tsx scripts/bench-names.ts
import { readdirSync, readFileSync } from "node:fs";
import { detector } from "../src/redaction/detect/detect.ts";
import { NAMES, nameRecognizers } from "../src/redaction/detect/names.ts";
import type { Candidate } from "../src/redaction/detect/types.ts";

const PARAGRAPHS = [
  "Hi Sarah,\nthanks for getting back to me so quickly. As discussed on the phone, the invoice for order 48213 still shows the old billing address. Could you please update it to 221B Baker Street, London NW1 6XE and resend the PDF? My colleague Tom Fletcher from accounting will also need a copy.\n\nBest regards,\nDaniel Whitmore",
  "Sehr geehrte Frau Dr. Hoffmann,\nvielen Dank für Ihre Nachricht vom Dienstag. Die Rechnung für das Projekt wurde an die Buchhaltung weitergeleitet. Herr Krämer aus der IT-Abteilung meldet sich bis Freitag bei Ihnen. Die Lieferung erfolgt an die Hauptstraße 17, 10115 Berlin.\n\nMit freundlichen Grüßen\nJürgen Albrecht",
  "Bonjour Claire,\nje vous confirme le rendez-vous de jeudi à Lyon avec M. Dubois. Le contrat a été envoyé au 12 rue de la République, 69002 Lyon. N'hésitez pas à me contacter si vous avez des questions.\nCordialement,\nNicolas Garnier",
  "Hola Lucía, te escribo porque el pedido 7731 no ha llegado todavía a nuestra oficina de Calle Mayor 10, 28013 Madrid. El cliente, Sr. Fernández, está esperando desde el lunes. Saludos, Javier",
  "Gentile Sig.ra Bianchi, la informiamo che la sua richiesta è stata presa in carico dal nostro team di Milano. Il tecnico Marco Colombo la contatterà entro domani. Cordiali saluti, Servizio Clienti",
  "Beste Sanne,\nbedankt voor je bericht. De klant De Vries uit Utrecht heeft de factuur nog niet ontvangen. Kun jij het adres Keizersgracht 123, 1012 AB Amsterdam controleren?\nMet vriendelijke groet,\nPieter Bakker",
  "Szanowna Pani Anno, dziękujemy za zgłoszenie. Pan Kowalski z działu obsługi skontaktuje się z Panią w ciągu dwóch dni. Adres do korespondencji: ul. Długa 5/7, 00-950 Warszawa. Pozdrawiam, Tomasz Nowak",
  "Olá Mariana, o técnico João Pereira vai visitar a sua casa em Lisboa na próxima segunda-feira. A morada registada é Rua Augusta 100, 1100-148 Lisboa. Atenciosamente, Equipa de Suporte",
  "Hej Karin! Vi har tagit emot din beställning och skickar den till Drottninggatan 12, 114 55 Stockholm. Ring Lars Lindqvist på kundtjänst om något är oklart. Med vänliga hälsningar, Anna Berg",
  "We deployed the new Python service to Kubernetes on Azure in the Frankfurt region last Monday. The Docker image is built by GitHub Actions, pushed to the registry, and rolled out with Helm. Latency dropped from 180 ms to 95 ms after we enabled HTTP/2 and moved the Redis cache closer to the API pods. See https://docs.example.com/runbooks/deploy for the full runbook.",
  "Quarterly Business Review: Revenue grew 12% quarter over quarter, driven by the Enterprise plan. Churn in the SMB segment remains a concern. Action items: finalize the pricing update, prepare the board deck, and schedule the customer advisory council for January.",
  "Candidate: Priya Raghunathan\nExperience: 6 years as a backend engineer at Zalando and Spotify. Skills: Go, Kotlin, PostgreSQL, Kafka. Education: MSc Computer Science, TU München. References available on request from Dr. Helga Brandt.",
  "function getUserName(user) { return user.firstName + ' ' + user.lastName; } // TODO: handle null values in the Berlin locale and the Paris timezone config",
  "HR note: Employee Oluwaseun Adeyemi requested parental leave from 1 March to 31 August. Manager Fiona McAllister approved the request. Payroll (contact: payroll@example.com) has been informed.",
];

/** PII-free prompts: what most traffic looks like. */
const PLAIN = [
  "Explain the difference between optimistic and pessimistic locking in PostgreSQL, with an example of a lost update and how SELECT ... FOR UPDATE prevents it. Keep the answer under 300 words and include a short SQL snippet.",
  "Refactor this TypeScript function so that it no longer mutates its argument, add JSDoc comments and write three unit tests with Vitest:\n```ts\nexport function normalize(items: Item[]) { items.sort((a, b) => a.rank - b.rank); return items.filter((i) => i.active); }\n```",
  "Die Geschäftsleitung hat beschlossen, die Preise ab dem ersten Quartal anzupassen. Bitte fassen Sie die wichtigsten Änderungen für den Vertrieb zusammen und formulieren Sie eine kurze Kundeninformation in einem sachlichen Ton.",
  "Rédigez un résumé de la réunion du comité de direction : validation du budget, recrutement de deux développeurs, migration vers le nouveau système de facturation au deuxième trimestre.",
  "Escribe un correo breve para informar a los clientes de que el servicio estará en mantenimiento el sábado por la noche y que las facturas se enviarán con un día de retraso.",
  "Scrivi una descrizione tecnica del processo di rilascio: build, test automatici, revisione del codice, approvazione e distribuzione graduale in produzione con possibilità di rollback.",
  "Maak een samenvatting van het kwartaalrapport: de omzet steeg met acht procent, de kosten bleven stabiel en het klantverloop daalde licht.",
  "Przygotuj listę kontrolną wdrożenia nowej wersji aplikacji: kopie zapasowe, testy regresyjne, komunikacja z klientami i plan wycofania zmian.",
  "Escreva uma política interna curta sobre o uso de palavras-passe: comprimento mínimo, autenticação de dois fatores e rotação apenas em caso de incidente.",
  "Skriv en kort sammanfattning av projektets status: utvecklingen ligger i fas, testningen börjar nästa vecka och lanseringen planeras till hösten.",
];

function makeTexts(paragraphs: readonly string[], seed = 7): string[] {
  const texts: string[] = [];
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 400; n++) {
    const target = 1024 + Math.floor(rnd() * 3072);
    let s = "";
    while (s.length < target) s += paragraphs[Math.floor(rnd() * paragraphs.length)]! + "\n\n";
    texts.push(JSON.parse(JSON.stringify(s.slice(0, target))) as string); // a flat string, as a parsed request body gives
  }
  return texts;
}

/**
 * MB/s per CPU-second of this process (user + system time), so that other processes on a shared
 * machine do not count; the wall-clock figure is printed beside it.
 */
function bench(label: string, texts: string[], run: (text: string) => number): void {
  const bytes = texts.reduce((n, t) => n + new TextEncoder().encode(t).length, 0);
  let found = 0;
  // warm up on some 10 MB and measure on some 40 MB (short texts need many rounds to be timed well)
  for (let w = 0; w < Math.max(3, Math.ceil(10e6 / bytes)); w++) for (const t of texts) found += run(t);
  found = 0;
  const rounds = Math.max(20, Math.ceil(40e6 / bytes));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) found += run(t);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const mb = (bytes * rounds) / 1e6;
  console.log(
    `${label}: ${(mb / (cpuMs / 1000)).toFixed(1)} MB/s per CPU-second, ${(mb / (ms / 1000)).toFixed(1)} MB/s wall (${texts.length} texts, ${(bytes / texts.length / 1024).toFixed(1)} KB average, ${(found / rounds / texts.length).toFixed(1)} per text)`,
  );
}

/** A loop that only reads every character: the ceiling for any scanner on this machine. */
function bareLoop(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 64) n++;
  return n;
}

/** The labelled corpus texts (test/fixtures/pii/*.jsonl): short prompts, ~130 characters each. */
function corpusTexts(): string[] {
  const dir = new URL("../test/fixtures/pii/", import.meta.url);
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".jsonl")).sort()) {
    for (const line of readFileSync(new URL(f, dir), "utf8").split("\n")) if (line.trim()) out.push((JSON.parse(line) as { text: string }).text);
  }
  return out;
}

const texts = makeTexts(PARAGRAPHS);
bench("calibration: bare charCodeAt loop", texts, bareLoop);
{
  // each recognizer alone, as the detector runs it, and the pair, on the corpus texts
  const corpus = corpusTexts();
  const [person, location] = nameRecognizers();
  for (const [label, rs] of [["person", [person!]], ["location", [location!]], ["person+location", [person!, location!]]] as const) {
    const dd = detector(rs);
    bench(`detector([${label}]) on the corpus texts`, corpus, (t) => dd.detect(t).length);
  }
}
const count = (t: string): number => {
  let n = 0;
  const add = (_c: Candidate): void => {
    n++;
  };
  for (const r of NAMES) r.find(t, add);
  return n;
};
const d = detector(NAMES);
const sets: [string, string[]][] = [
  ["name-dense tickets, e-mails, CVs", texts],
  ["PII-free business and technical prompts", makeTexts(PLAIN, 11)],
  ["mixed (one PII paragraph in four)", makeTexts([...PLAIN, ...PARAGRAPHS.slice(0, 4)], 13)],
];
for (const [label, set] of sets) {
  bench(`NAMES on ${label}`, set, count);
  bench(`detector(NAMES) on ${label}`, set, (t) => d.detect(t).length);
}
