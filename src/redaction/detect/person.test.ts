// PERSON cues per language, names not in the gazetteers, and hard negatives (technical text,
// German business text full of capitalised nouns, brands, months, code).
import { describe, expect, it } from "vitest";
import { nameDoc } from "./name-doc.ts";
import { findPersons, isHonorific } from "./person.ts";

const THRESHOLD = 0.5;
/** The names found at the default threshold, as text. */
function persons(text: string): string[] {
  const out: string[] = [];
  findPersons(nameDoc(text), (s, e, score) => {
    if (score >= THRESHOLD) out.push(text.slice(s, e));
  });
  return out;
}

describe("PERSON by language", () => {
  it("English: titles, introductions, greetings, signatures, roles", () => {
    expect(persons("Mr. Okafor called. Please ask Dr Wetherby to call back.")).toEqual(["Okafor", "Wetherby"]);
    expect(persons("My name is Tobiah Wetherspoon and I need help.")).toEqual(["Tobiah Wetherspoon"]);
    expect(persons("Dear Priyanka,\nthe order has shipped.\n\nKind regards,\nGideon Ashcombe")).toEqual(["Priyanka", "Gideon Ashcombe"]);
    expect(persons("The customer Halvard Brekke wants a refund.")).toEqual(["Halvard Brekke"]);
    expect(persons("Thanks, Ottoline!")).toEqual(["Ottoline"]);
  });

  it("German: Herr/Frau, ich heiße, Sehr geehrte, Mit freundlichen Grüßen", () => {
    expect(persons("Sehr geehrte Frau Dr. Wendeborn,\nHerr Oberhuber hat angerufen.\n\nMit freundlichen Grüßen\nBrunhilde Käßmann")).toEqual(["Wendeborn", "Oberhuber", "Brunhilde Käßmann"]);
    expect(persons("Ich heiße Ortwin Pflugbeil.")).toEqual(["Ortwin Pflugbeil"]);
    expect(persons("Liebe Annegret, danke!")).toEqual(["Annegret"]);
    expect(persons("Kundin Frau Leutheusser-Schnarrenberger wartet.")).toEqual(["Leutheusser-Schnarrenberger"]);
  });

  it("French: M./Mme, je m'appelle, Bonjour, Cordialement", () => {
    expect(persons("Bonjour Maïwenn, M. Trouillard et Mme Dufresne-Aubry passeront demain.\nCordialement,\nGwendal Le Bihan")).toEqual(["Maïwenn", "Trouillard", "Dufresne-Aubry", "Gwendal Le Bihan"]);
    expect(persons("Je m'appelle Anaïs Rouquette.")).toEqual(["Anaïs Rouquette"]);
  });

  it("Spanish: Sr./Sra., me llamo, Estimada, Saludos", () => {
    expect(persons("Estimada Sra. Villaseñor: el técnico Anacleto Barrionuevo irá el jueves. Saludos, Eulalio Quintanilla")).toEqual(["Villaseñor", "Anacleto Barrionuevo", "Eulalio Quintanilla"]);
    expect(persons("Me llamo Ximena Arredondo y soy clienta.")).toEqual(["Ximena Arredondo"]);
    expect(persons("Hola Doña Remedios, ¿qué tal?")).toEqual(["Remedios"]);
  });

  it("Italian: Sig.ra/Dott.ssa, mi chiamo, Gentile, Cordiali saluti", () => {
    expect(persons("Gentile Dott.ssa Scarpellini, il paziente Ermenegildo Brambati ha chiamato. Cordiali saluti, Ippolita Santacroce")).toEqual(["Scarpellini", "Ermenegildo Brambati", "Ippolita Santacroce"]);
    expect(persons("Mi chiamo Gianfilippo Oddone.")).toEqual(["Gianfilippo Oddone"]);
    expect(persons("La Sig.ra Tagliavini ha pagato.")).toEqual(["Tagliavini"]);
  });

  it("Dutch: dhr./mevr., mijn naam is, Geachte, Met vriendelijke groet", () => {
    expect(persons("Geachte mevrouw Hoogeveen-Stam, dhr. Tjeerdsma heeft gebeld.\nMet vriendelijke groet,\nGerolf Dijkhuizen")).toEqual(["Hoogeveen-Stam", "Tjeerdsma", "Gerolf Dijkhuizen"]);
    expect(persons("Mijn naam is Wigbold van der Zwaag.")).toEqual(["Wigbold van der Zwaag"]);
  });

  it("Polish: Pan/Pani, nazywam się, Szanowna, Pozdrawiam", () => {
    expect(persons("Szanowna Pani Przybyszewska, pan Ściegienny prosi o kontakt. Pozdrawiam, Wszebor Kłodnicki")).toEqual(["Przybyszewska", "Ściegienny", "Wszebor Kłodnicki"]);
    expect(persons("Nazywam się Bożydar Wróblewicz.")).toEqual(["Bożydar Wróblewicz"]);
  });

  it("Portuguese: Sr./Sra., chamo-me, Olá, Atenciosamente", () => {
    expect(persons("Olá Gervásio, a Sra. Albuquerque-Paiva pediu uma reunião. Atenciosamente, Leocádio Figueiró")).toEqual(["Gervásio", "Albuquerque-Paiva", "Leocádio Figueiró"]);
    expect(persons("Chamo-me Iolanda Vasconcelos.")).toEqual(["Iolanda Vasconcelos"]);
  });

  it("Swedish: herr/fru, jag heter, Hej, Med vänliga hälsningar", () => {
    expect(persons("Hej Sixten! Kund Ragnvald Östberg ringde, och fru Lidholm också.\nMed vänliga hälsningar\nGunborg Wästfelt")).toEqual(["Sixten", "Ragnvald Östberg", "Lidholm", "Gunborg Wästfelt"]);
    expect(persons("Jag heter Torgny Ålander.")).toEqual(["Torgny Ålander"]);
  });
});

describe("PERSON cues for names in no gazetteer", () => {
  it("a known first name and any capitalised word after it", () => {
    expect(persons("I spoke with Anna Wzorkiewicz-Tuulikki yesterday.")).toEqual(["Anna Wzorkiewicz-Tuulikki"]);
  });

  it("an e-mail local part that spells the name", () => {
    expect(persons("Peregrine Ashworth (peregrine.ashworth@example.com) is out.")).toEqual(["Peregrine Ashworth"]);
  });

  it("labels (Name:, From:, Candidate:)", () => {
    expect(persons("Name: Yevgenia Ptashnikova\nCandidate: Oyelaran Babatope")).toEqual(["Yevgenia Ptashnikova", "Oyelaran Babatope"]);
  });

  it("a word of a full name found elsewhere, alone", () => {
    expect(persons("Met with Dagfinn Hovland today; Hovland will send the contract.")).toEqual(["Dagfinn Hovland", "Hovland"]);
  });

  it("initials, particles, apostrophes and hyphens", () => {
    expect(persons("Contact J. Smith, Sean O'Brien, Luca D'Angelo, Jean-Luc Picard or Ludwig van Beethoven.")).toEqual(["J. Smith", "Sean O'Brien", "Luca D'Angelo", "Jean-Luc Picard", "Ludwig van Beethoven"]);
  });

  it("a possessive is not part of the name", () => {
    expect(persons("Anna Berg's laptop is broken.")).toEqual(["Anna Berg"]);
  });

  it("May the month and May the surname", () => {
    expect(persons("In May we met Theresa May.")).toEqual(["Theresa May"]);
  });
});

describe("PERSON hard negatives", () => {
  const none = (text: string) => expect(persons(text), text).toEqual([]);

  it("technical text: products, tools, code, URLs", () => {
    none("We deployed the Python service to Kubernetes on Azure; the Docker image is built by GitHub Actions.");
    none("Call getUserName() and read user.firstName in https://Anna.example.com/Berg or `Anna Berg`.");
    none("Ask Claude or Gemini, or use Copilot in Visual Studio Code.");
    none("Apple, Amazon and Microsoft Teams announced new features on Monday, January 5.");
  });

  it("German business text with many capitalised nouns", () => {
    none("Die Rechnung für das Projekt wurde gestern an die Buchhaltung geschickt. Bitte prüfen Sie die Unterlagen bis Freitag.");
    none("Sehr geehrte Damen und Herren, anbei das Angebot für die Wartung der Server-Infrastruktur. Mit freundlichen Grüßen, Ihr Vertriebsteam");
    none("Der Umsatz im Bereich Software stieg, während die Kosten für Personal und Miete konstant blieben.");
  });

  it("sentence starts, headings, greetings to groups, team signatures", () => {
    none("Will the release fix the bug? Mark the ticket as done.");
    none("Quarterly Business Review\nAgenda: Pipeline Review, Churn Analysis, Hiring Plan");
    none("Hi team, hello all. Dear Customer, Liebe Grüße. Hallo zusammen!");
    none("Best regards,\nThe Support Team");
  });

  it("organisations named after people: '&', enumerations of companies, 'the', article and unknown word", () => {
    none("Compare Procter & Gamble, Marks & Spencer and Ben & Jerry's on margins.");
    none("Compare Hugo Boss, Zalando and Adidas over five years.");
    none("Vergleiche Fritz Henkel GmbH, Dr. Quandt und Sartorius in den letzten Jahren.");
    none("Confronta Guccio Gucci, Lavazza e Ferrero negli ultimi anni.");
    none("Is the Austin Healey in the garage big enough?");
    none("Faut-il écrire à La Redoute ?");
  });

  it("people in enumerations stay people", () => {
    expect(persons("Invite Anna Berg, Tom Fletcher and Peter Müller to the review.")).toEqual(["Anna Berg", "Tom Fletcher", "Peter Müller"]);
    expect(persons("Booking for Emily Davies, British passport no. 533380006.")).toEqual(["Emily Davies"]);
    expect(persons("Thanks, Tom and Anna")).toEqual(["Tom", "Anna"]);
    expect(persons("Meeting with Sarah Johnson, Microsoft and Google tomorrow.")).toEqual(["Sarah Johnson"]);
  });

  it("other languages", () => {
    none("Bonjour, pourriez-vous m'envoyer la facture du mois dernier ? Merci d'avance.");
    none("Hola, necesito ayuda con la configuración del servidor y la base de datos.");
    none("Ciao a tutti, la riunione di domani è spostata. Cordiali saluti, Servizio Clienti");
    none("Dzień dobry, proszę o fakturę. Pozdrawiam serdecznie, Dział Obsługi Klienta");
    none("Hallo allemaal, de vergadering van morgen gaat niet door.");
  });
});

describe("isHonorific", () => {
  it("needs the dot on short titles that are also words or initials", () => {
    const d = nameDoc("M. Dupont M Dupont Herr Berg herr Lind Sig.ra Rossi");
    expect([0, 2, 4, 6, 9].map((i) => isHonorific(d, i))).toEqual([true, false, true, true, true]);
  });
});
