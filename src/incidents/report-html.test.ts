import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReport, type IncidentReport } from "./report.ts";
import { REPORT_FIELDS } from "./report-fields.ts";
import { escapeHtml, renderReportHtml } from "./report-html.ts";
import { DEADLINES, INCIDENT, input, withDetails } from "./report-fixture.ts";
import { REGIMES } from "./types.ts";

const VOID = new Set(["meta", "br", "hr", "img", "input", "link"]);
const ALLOWED = new Set(["html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "span", "section", "strong", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "footer"]);

/**
 * A small structural parse: the tags nest and close, there is one html/head/body, only tags the
 * renderer writes appear, and no stray "<" or ">" is left in text (it would be unescaped input).
 */
function structure(html: string): { tags: string[] } {
  const body = html.replace(/<style>[\s\S]*?<\/style>/, "<style></style>").replace(/^<!doctype html>\n/, "");
  const stack: string[] = [];
  const tags: string[] = [];
  const text = body.replace(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*)>/g, (_m, close: string, name: string) => {
    const tag = name.toLowerCase();
    if (close) {
      expect(stack.pop(), `closing </${tag}>`).toBe(tag);
    } else {
      tags.push(tag);
      if (!VOID.has(tag)) stack.push(tag);
    }
    return "";
  });
  expect(stack).toEqual([]);
  expect(text).not.toMatch(/[<>]/);
  for (const once of ["html", "head", "body", "title", "style"]) expect(tags.filter((t) => t === once), once).toHaveLength(1);
  expect(tags.filter((t) => !ALLOWED.has(t))).toEqual([]);
  return { tags };
}

const unescape = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

describe("escapeHtml", () => {
  it("escapes markup, both quotes and the ampersand", () => {
    expect(escapeHtml(`<script>alert("x")</script>`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(escapeHtml(`O'Brien & "Co"`)).toBe("O&#39;Brien &amp; &quot;Co&quot;");
    expect(escapeHtml("&lt;")).toBe("&amp;lt;");
  });

  it("leaves no markup character behind and loses nothing, for any string", () => {
    // Markup characters and entity look-alikes are mixed in on purpose: random Unicode alone rarely hits them.
    const text = fc
      .array(fc.oneof(fc.constantFrom("<", ">", "&", '"', "'", "&amp;", "&lt;", "&#39;"), fc.string({ unit: "grapheme", maxLength: 4 })))
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(text, (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
        expect(unescape(out)).toBe(s);
      }),
    );
  });
});

const HOSTILE = {
  title: `<script>alert("t")</script> & 'quotes'`,
  description: `<img src=x onerror=alert(1)> "described"`,
  causal: `</td></tr></table><script>evil()</script>`,
  reporter: `"><svg onload=alert(2)>`,
};

function hostileReport(): IncidentReport {
  const incident = withDetails({ causal_link: HOSTILE.causal, ai_system_version: "v1 <b>bold</b>" }, { ...INCIDENT, title: HOSTILE.title, description: HOSTILE.description });
  return buildReport(input({ incident, reporter: { name: HOSTILE.reporter, contact: "a&b@acme.example", role: "provider" } }));
}

describe("renderReportHtml", () => {
  it("lets no markup from the title, description, details or reporter through", () => {
    const html = renderReportHtml(hostileReport());
    structure(html);
    expect(html.toLowerCase()).not.toContain("<script");
    expect(html).not.toMatch(/<img|<svg|<b>/i);
    expect(html).toContain(escapeHtml(HOSTILE.title));
    expect(html).toContain(escapeHtml(HOSTILE.description));
    expect(html).toContain(escapeHtml(HOSTILE.causal));
    expect(html).toContain(escapeHtml(HOSTILE.reporter));
    expect(html).toContain("a&amp;b@acme.example");
  });

  for (const regime of REGIMES) {
    it(`${regime}: one standalone document with every section, field label, deadline and the evidence`, () => {
      const report = buildReport(input({ regime }));
      const html = renderReportHtml(report);
      expect(html.startsWith("<!doctype html>\n<html lang=\"en\">")).toBe(true);
      expect(html.trimEnd().endsWith("</html>")).toBe(true);
      structure(html);
      for (const s of REPORT_FIELDS[regime].sections) {
        expect(html).toContain(`<h2>${escapeHtml(s.title)}</h2>`);
        for (const f of s.fields) expect(html, f.key).toContain(`<th scope="row">${escapeHtml(f.label)}</th>`);
      }
      for (const d of DEADLINES.filter((x) => x.regime === regime)) expect(html).toContain(`<td>${escapeHtml(d.label)}</td>`);
      for (const d of DEADLINES.filter((x) => x.regime !== regime)) expect(html).not.toContain(`<td>${escapeHtml(d.label)}</td>`);
      for (const needle of ["hold-77", "2026-02-14.1", "a".repeat(64), "c".repeat(64), "4711", "0f".repeat(32), "file: <span class=\"mono\">anchors/4711.json</span>", ...INCIDENT.eventIds]) {
        expect(html).toContain(needle);
      }
      // Standalone: nothing is fetched and nothing runs.
      expect(html).not.toMatch(/\s(src|href)=|url\(|@import|https?:\/\//i);
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
      expect(html).toContain("@media print");
    });
  }

  it("shows the INITIAL — INCOMPLETE banner with every missing field iff the report is incomplete", () => {
    const initial = buildReport(input({ regime: "gdpr_art33" }));
    const html = renderReportHtml(initial);
    const banner = /<section class="banner" role="alert">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(banner).toContain("<strong>INITIAL — INCOMPLETE</strong>");
    expect(banner).toContain("GDPR Art. 33(4)");
    const labels = REPORT_FIELDS.gdpr_art33.sections.flatMap((s) => s.fields);
    const listed = [...banner.matchAll(/<li>(.*?) <span class="mono">\((.*?)\)<\/span><\/li>/g)].map((m) => m[2]);
    expect(listed).toEqual(initial.missing);
    for (const k of initial.missing) expect(banner).toContain(escapeHtml(labels.find((f) => f.key === k)?.label ?? "?"));
    expect(html.match(/MISSING \(required\)/g)).toHaveLength(initial.missing.length);
    expect(html).toContain('<th scope="row">Categories of data subjects concerned</th><td><span class="missing">MISSING (required)</span></td><td class="source">GDPR Art. 33(3)(a)</td><td class="origin">to be entered</td>');
    expect(html).toContain('<td>2</td><td class="source">GDPR Art. 33(3)(a)</td><td class="origin">audit log</td>');

    const answers = Object.fromEntries(labels.filter((f) => f.fill === "manual").map((f) => [f.key, "answered"]));
    const complete = buildReport(input({ regime: "gdpr_art33", incident: withDetails(answers) }));
    expect(complete.complete).toBe(true);
    const done = renderReportHtml(complete);
    structure(done);
    expect(done).not.toContain("INITIAL — INCOMPLETE");
    expect(done).not.toContain('class="banner"');
    expect(done).not.toContain("MISSING");
    expect(done).toContain("COMPLETE — every required field has a value.");
  });

  it("states each deadline's status, late filings and unknown due dates", () => {
    const deadlines = [
      ...DEADLINES.filter((d) => d.regime !== "nis2_art23"),
      { regime: "nis2_art23" as const, stage: "early_warning" as const, label: "NIS2 early warning", due: "2026-03-02T09:00:00.000Z", basis: "24 h", source: "NIS2 Art. 23(4)(a)", status: "met" as const, submittedAt: "2026-03-02T10:00:00.000Z", late: true },
      { regime: "nis2_art23" as const, stage: "notification" as const, label: "NIS2 notification", due: "2026-03-04T09:00:00.000Z", basis: "72 h", source: "NIS2 Art. 23(4)(b)", status: "overdue" as const },
      { regime: "nis2_art23" as const, stage: "final" as const, label: "NIS2 final", basis: "1 month after the notification", source: "NIS2 Art. 23(4)(d)", status: "waiting" as const },
    ];
    const html = renderReportHtml(buildReport(input({ regime: "nis2_art23", deadlines })));
    expect(html).toContain('<td class="status-met">met (late)</td><td class="mono">2026-03-02T10:00:00.000Z</td>');
    expect(html).toContain('<td class="status-overdue">overdue</td><td class="mono">—</td>');
    expect(html).toContain('<td>NIS2 final</td><td class="mono">not yet known</td>');
    expect(html).toContain('<td class="status-waiting">waiting</td>');
  });
});
