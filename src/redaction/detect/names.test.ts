// The NAMES recognizers through the combiner: spans at UTF-16 offsets, both types from one
// tokenization, no exception on any input, and false alarms on PII-free prompts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { NAMES, nameRecognizers } from "./names.ts";

const d = detector(NAMES);
const found = (text: string) => d.detect(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);

describe("NAMES", () => {
  it("reports PERSON and LOCATION spans of the original text", () => {
    expect(found("Hi Anna,\nMr. Okonkwo from Lagos will call.\n\nBest regards,\nPeter Müller")).toEqual(["PERSON:Anna", "PERSON:Okonkwo", "LOCATION:Lagos", "PERSON:Peter Müller"]);
    expect(found("Je m'appelle Camille Lefèvre, 12 rue de la République, 69002 Lyon.")).toEqual(["PERSON:Camille Lefèvre", "LOCATION:12 rue de la République, 69002 Lyon"]);
  });

  it("offsets are UTF-16 indices: emoji, accents and decomposed letters before a name do not shift it", () => {
    const text = "👩🏽‍💻 Ça va? Résumé 🇵🇱 — Szanowna Pani Łucjo Wiśniewska, mieszkam w Krakowie.";
    const spans = d.detect(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(["Łucjo Wiśniewska", "Krakowie"]);
    expect(spans[0]!.start).toBe(text.indexOf("Łucjo"));
    const nfd = "Jose\u0301 said: Dear Zoe\u0308 Kru\u0308ger,";
    expect(d.detect(nfd).map((s) => nfd.slice(s.start, s.end))).toEqual(["Jose\u0301", "Zoe\u0308 Kru\u0308ger"]);
  });

  it("the two recognizers share one tokenization but never mix texts", () => {
    const [person, location] = nameRecognizers();
    const got: string[] = [];
    person!.find("Dear Anna Berg, welcome to Berlin.", (c) => got.push(c.type));
    location!.find("Greetings from Madrid.", (c) => got.push(c.type));
    location!.find("Greetings from Madrid.", (c) => got.push(c.type));
    expect(got).toEqual(["PERSON", "LOCATION", "LOCATION"]);
  });

  it("instances share nothing, and a text seen again by the same pass is a new request", () => {
    const [p1, l1] = nameRecognizers();
    const [p2, l2] = nameRecognizers();
    const spans = (r: typeof p1, text: string) => {
      const out: string[] = [];
      r!.find(text, (c) => out.push(text.slice(c.start, c.end)));
      return out;
    };
    const a = "Dear Anna Berg, welcome to Berlin.";
    const b = "Herr Krämer aus Köln ruft an.";
    expect(spans(p1, a)).toEqual(["Anna Berg"]);
    expect(spans(p2, b)).toEqual(["Krämer"]);
    expect(spans(l1, a)).toEqual(["Berlin"]);
    expect(spans(p1, a)).toEqual(["Anna Berg"]); // person again before location: a new request
    expect(spans(p1, b)).toEqual(["Krämer"]);
    expect(spans(l2, b)).toEqual(["Köln"]);
    expect(spans(l1, b)).toEqual(["Köln"]);
    expect(spans(l1, a)).toEqual(["Berlin"]);
  });

  it("skips texts without capital letters cheaply", () => {
    expect(d.detect("all lower case, no names here at all 12345")).toEqual([]);
  });

  it("never throws and reports spans inside the text, on any input", () => {
    const pieces = fc.constantFrom("Anna", "Berg", "Herr", "Dr.", " ", "\n", ", ", "in", "Berlin", "12", "Straße", "10115", "😀", "é", "\u0301", "@", "ul.", "-", "'", "Best regards,\n", "O'", "van der", "Sig.ra");
    const text = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.array(pieces, { maxLength: 40 }).map((a) => a.join("")));
    fc.assert(
      fc.property(text, (t) => {
        for (const s of d.detect(t)) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeLessThanOrEqual(t.length);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.score).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("raises no false alarm on PII-free business and technical prompts in the nine languages", () => {
    const prompts = [
      "Please summarize the following article about climate change and renewable energy policy.",
      "Write a Python function that parses a CSV file and returns a list of dictionaries.",
      "Our Q3 revenue grew by 15% year over year. The Marketing team will present the Go-To-Market Strategy on Thursday.",
      "Explain the difference between TCP and UDP with examples for a service running on AWS Lambda.",
      "Review the README.md and the CONTRIBUTING guide, then open a Pull Request with the Release Notes for v2.3.",
      "```ts\nconst user = await getUserById(id);\nconsole.log(user.firstName, user.lastName);\n```\nWhy does this throw?",
      "Benchmark the Llama 3 and Mistral models on the MMLU dataset and report accuracy per subject.",
      "Set the timezone to Europe/Berlin and the locale to de_DE in /etc/app/config.yaml.",
      "Quarterly Business Review\nAgenda: Pipeline Review, Churn Analysis, Hiring Plan, Budget Forecast\nOwner: Revenue Operations",
      "Die Rechnung für das Projekt wurde gestern an die Buchhaltung geschickt. Bitte prüfen Sie die Unterlagen bis Freitag.",
      "Sehr geehrte Damen und Herren, anbei erhalten Sie das Angebot für die Wartung. Mit freundlichen Grüßen, Ihr Vertriebsteam",
      "Schreiben Sie eine E-Mail an den Kunden, in der Sie sich für die Verzögerung der Lieferung entschuldigen.",
      "Rechnung Nr. 2024-0815, Kundennummer 44812, Zahlungsziel 14 Tage netto. Bankverbindung siehe Fußzeile.",
      "Bonjour, pourriez-vous m'envoyer la facture du mois dernier ? Le paiement sera effectué par virement. Merci d'avance.",
      "Hola, necesito ayuda con la configuración del servidor. El error aparece al conectar la base de datos.",
      "Ciao a tutti, la riunione di domani è spostata alle 15:00. Preparate il report mensile.",
      "Hallo allemaal, de vergadering van morgen gaat niet door. Graag het rapport uiterlijk vrijdag aanleveren.",
      "Dzień dobry, proszę o przesłanie faktury za ostatni miesiąc. Pozdrawiam serdecznie, Dział Obsługi Klienta",
      "Olá, gostaria de saber o estado da minha encomenda. O pagamento já foi efetuado.",
      "Hej, kan ni skicka fakturan för förra månaden? Betalningen görs via banköverföring. Tack på förhand!",
      "The Apple Watch and Amazon Echo support Alexa and Siri. Microsoft Teams integrates with Google Calendar.",
      "In May we migrate the PostgreSQL cluster to Azure; in June the Kubernetes upgrade follows.",
      "Will the new release fix the login bug? Mark the ticket as resolved once QA has verified it.",
      "Best regards,\nThe Support Team",
      "Deploy the API to the Frankfurt region and enable the Dublin availability zone for failover.",
    ];
    const alarms = prompts.filter((p) => d.detect(p).length > 0);
    expect(alarms).toEqual([]);
  });
});
