import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./prometheus-text.ts";

// The example from the format's documentation, trimmed, plus the forms OTel's exporter writes.
const valid = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47
# UNIT a_seconds s
# HELP a_seconds A histogram.
# TYPE a_seconds histogram
a_seconds_count{k="v"} 3
a_seconds_sum{k="v"} 1.5
a_seconds_bucket{k="v",le="0.1"} 1
a_seconds_bucket{k="v",le="1"} 2
a_seconds_bucket{k="v",le="+Inf"} 3
# TYPE g gauge
g{a="1",} -Inf
g{a="2"} NaN
`;

describe("parsePrometheusText", () => {
  it("reads families, types, help, labels (with escapes), values and timestamps", () => {
    const f = parsePrometheusText(valid);
    expect([...f.keys()]).toEqual(["http_requests_total", "msdos_file_access_time_seconds", "metric_without_timestamp_and_labels", "a_seconds", "g"]);
    expect(f.get("http_requests_total")).toMatchObject({ type: "counter", help: "The total number of HTTP requests." });
    expect(f.get("http_requests_total")!.samples[1]).toEqual({ name: "http_requests_total", labels: { method: "post", code: "400" }, value: 3, timestamp: 1395066363000 });
    expect(f.get("msdos_file_access_time_seconds")!.samples[0]!.labels).toEqual({ path: "C:\\DIR\\FILE.TXT", error: 'Cannot find file:\n"FILE.TXT"' });
    expect(f.get("metric_without_timestamp_and_labels")).toMatchObject({ type: "untyped", samples: [{ value: 12.47 }] });
    expect(f.get("a_seconds")!.samples.map((s) => s.name)).toEqual(["a_seconds_count", "a_seconds_sum", "a_seconds_bucket", "a_seconds_bucket", "a_seconds_bucket"]);
    expect(f.get("g")!.samples.map((s) => s.value)).toEqual([-Infinity, NaN]);
  });

  it.each([
    ["no final line feed", "a 1", "end with a line feed"],
    ["a name starting with a digit", "1a 1\n", "not a sample"],
    ["no value", "a\n", "a value and an optional timestamp"],
    ["no value after labels", 'a{b="c"}\n', "a value and an optional timestamp"],
    ["a value that is not a number", "a one\n", "invalid value"],
    ["a hex value", "a 0x10\n", "invalid value"],
    ["a fractional timestamp", "a 1 1.5\n", "invalid timestamp"],
    ["a third field", "a 1 2 3\n", "a value and an optional timestamp"],
    ["an unquoted label value", "a{b=c} 1\n", "quoted value expected"],
    ["an unterminated label value", 'a{b="c} 1\n', "unterminated value"],
    ["an unclosed label set", 'a{b="c" 1\n', "',' or '}' expected"],
    ["two labels without a comma", 'a{b="c" d="e"} 1\n', "',' or '}' expected"],
    ["a label twice", 'a{b="c",b="d"} 1\n', "twice"],
    ["a reserved label name", 'a{__name__="x"} 1\n', "reserved or invalid label name"],
    ["a dotted label name", 'a{gen_ai.token.type="input"} 1\n', "'=' expected"],
    ["a bad escape", 'a{b="\\t"} 1\n', "invalid escape"],
    ["no blank before the value", 'a{b="c"}1\n', "blank expected"],
    ["an unknown type", "# TYPE a counters\na 1\n", "unknown type"],
    ["a second TYPE", "# TYPE a gauge\n# TYPE a gauge\na 1\n", "second TYPE"],
    ["a TYPE after the samples", "a 1\n# TYPE a gauge\n", "after its samples"],
    ["a family in two groups", "a 1\nb 1\na{x=\"y\"} 1\n", "two separate groups"],
    ["a duplicate series", 'a{x="1",y="2"} 1\na{y="2",x="1"} 2\n', "duplicate series"],
    ["a negative counter", "# TYPE a counter\na -1\n", "negative value"],
    ["a carriage return", "a 1\r\n", "carriage return"],
    ["a histogram without +Inf", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n', "no +Inf bucket"],
    ["a histogram bucket without le", "# TYPE h histogram\nh_bucket 1\n", "without an 'le' label"],
    ["buckets that are not cumulative", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n', "not cumulative"],
    ["a _count unlike +Inf", '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n', "differs from the +Inf bucket"],
  ])("rejects %s", (_, text, reason) => {
    expect(() => parsePrometheusText(text)).toThrow(reason);
  });
});
