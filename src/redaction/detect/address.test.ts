import { describe, expect, it } from "vitest";
import { findAddresses } from "./address.ts";
import { nameDoc } from "./name-doc.ts";

const pieces = (text: string) => findAddresses(nameDoc(text)).map((p) => text.slice(p.start, p.end));

describe("street addresses", () => {
  it("number first (English, French)", () => {
    expect(pieces("Ship to 221B Baker Street please")).toEqual(["221B Baker Street"]);
    expect(pieces("at 1600 Pennsylvania Avenue NW today")).toEqual(["1600 Pennsylvania Avenue NW"]);
    expect(pieces("envoyé au 12 rue de la République hier")).toEqual(["12 rue de la République"]);
    expect(pieces("au 3 bis avenue Victor Hugo")).toEqual(["3 bis avenue Victor Hugo"]);
  });

  it("type word first, number after (ES, IT, PT, PL)", () => {
    expect(pieces("en Calle Mayor 10 y")).toEqual(["Calle Mayor 10"]);
    expect(pieces("in Via dei Mille, 5 a")).toEqual(["Via dei Mille, 5"]);
    expect(pieces("na Rua das Flores 12 e")).toEqual(["Rua das Flores 12"]);
    expect(pieces("adres ul. Długa 5/7 oraz")).toEqual(["ul. Długa 5/7"]);
    expect(pieces("Avenida da Liberdade, 245")).toEqual(["Avenida da Liberdade, 245"]);
  });

  it("street-type endings (DE, NL, SV) with a house number", () => {
    expect(pieces("an die Hauptstraße 17 in")).toEqual(["Hauptstraße 17"]);
    expect(pieces("Berliner Straße 12a")).toEqual(["Berliner Straße 12a"]);
    expect(pieces("Friedrichstr. 123")).toEqual(["Friedrichstr. 123"]);
    expect(pieces("Keizersgracht 123")).toEqual(["Keizersgracht 123"]);
    expect(pieces("Drottninggatan 12")).toEqual(["Drottninggatan 12"]);
    expect(pieces("Stationsweg 5")).toEqual(["Stationsweg 5"]);
  });

  it("an ambiguous type word (via, place, avenue) needs a number", () => {
    expect(pieces("send it via Slack or place Orders today")).toEqual([]);
  });
});

describe("postcodes with a town", () => {
  it("in the formats of the nine countries and the UK/US", () => {
    expect(pieces("10115 Berlin")).toEqual(["10115 Berlin"]);
    expect(pieces("75008 Paris")).toEqual(["75008 Paris"]);
    expect(pieces("28013 Madrid")).toEqual(["28013 Madrid"]);
    expect(pieces("00184 Roma")).toEqual(["00184 Roma"]);
    expect(pieces("1012 AB Amsterdam")).toEqual(["1012 AB Amsterdam"]);
    expect(pieces("00-950 Warszawa")).toEqual(["00-950 Warszawa"]);
    expect(pieces("1100-148 Lisboa")).toEqual(["1100-148 Lisboa"]);
    expect(pieces("114 55 Stockholm")).toEqual(["114 55 Stockholm"]);
    expect(pieces("London SW1A 1AA")).toEqual(["SW1A 1AA"]);
    expect(pieces("Springfield, IL 62704")).toEqual(["Springfield, IL 62704"]);
    expect(pieces("D-80331 München")).toEqual(["D-80331 München"]);
  });

  it("not counts of capitalised nouns, years or product codes", () => {
    expect(pieces("Wir haben 10000 Kunden und 2019 Mitarbeiter")).toEqual([]);
    expect(pieces("Since 2019 Microsoft has grown; the V8 4WD model")).toEqual([]);
  });
});
