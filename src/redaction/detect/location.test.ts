import { describe, expect, it } from "vitest";
import { findLocations } from "./location.ts";
import { nameDoc } from "./name-doc.ts";

function places(text: string): string[] {
  const out: string[] = [];
  findLocations(nameDoc(text), (s, e, score) => {
    if (score >= 0.5) out.push(text.slice(s, e));
  });
  return out;
}

describe("LOCATION", () => {
  it("gazetteer places with prepositions in the nine languages", () => {
    expect(places("I moved from Leeds to Kraków.")).toEqual(["Leeds", "Kraków"]);
    expect(places("Ich komme aus Wien und fahre nach München.")).toEqual(["Wien", "München"]);
    expect(places("Il habite à Lyon, près de Grenoble.")).toEqual(["Lyon", "Grenoble"]);
    expect(places("Viajo desde Sevilla a San Sebastián.")).toEqual(["Sevilla", "San Sebastián"]);
    expect(places("Vivo a Milano, vicino a Monza.")).toEqual(["Milano", "Monza"]);
    expect(places("Ik kom uit Den Haag en verhuis naar Utrecht.")).toEqual(["Den Haag", "Utrecht"]);
    expect(places("Mieszkam w Krakowie, pochodzę z Gdańska.")).toEqual(["Krakowie", "Gdańska"]);
    expect(places("Moro em Lisboa, perto do Porto.")).toEqual(["Lisboa", "Porto"]);
    expect(places("Jag bor i Göteborg och jobbar i Malmö.")).toEqual(["Göteborg", "Malmö"]);
  });

  it("multi-word places and countries", () => {
    expect(places("She flew to Rio de Janeiro, then New York, then Côte d'Ivoire.")).toEqual(["Rio de Janeiro", "New York", "Côte d'Ivoire"]);
    expect(places("He lives in Germany.")).toEqual(["Germany"]);
  });

  it("unknown places after a residence phrase or a place label", () => {
    expect(places("She lives in Kleinmachnow.")).toEqual(["Kleinmachnow"]);
    expect(places("Wohnort: Bad Vilbel")).toEqual(["Bad Vilbel"]);
  });

  it("one span per address: street, postcode and town, country", () => {
    expect(places("Hauptstraße 17, 10115 Berlin, Deutschland")).toEqual(["Hauptstraße 17, 10115 Berlin, Deutschland"]);
    expect(places("221B Baker Street\nLondon NW1 6XE")).toEqual(["221B Baker Street\nLondon NW1 6XE"]);
    expect(places("ul. Długa 5/7, 00-950 Warszawa")).toEqual(["ul. Długa 5/7, 00-950 Warszawa"]);
  });

  it("places that are common words or given names need a cue", () => {
    expect(places("Nice work! Essen ist fertig. Florence called.")).toEqual([]);
    expect(places("We stayed in Nice and then in Essen.")).toEqual(["Nice", "Essen"]);
  });

  it("hard negatives: cloud regions, offices, treaties, URLs, time zones", () => {
    expect(places("Deploy to the Frankfurt region and the Dublin availability zone.")).toEqual([]);
    expect(places("The Paris Agreement and the London Stock Exchange.")).toEqual([]);
    expect(places("See https://berlin.example.com/paris and TZ=Europe/Berlin.")).toEqual([]);
    expect(places("Paris Hilton visited.")).toEqual([]);
  });
});
