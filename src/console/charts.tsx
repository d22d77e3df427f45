// Charts for the console, rendered on the server as inline SVG. We chose this over uPlot
// (which the issue suggests) because it needs no script at all: it passes the pages' strict
// CSP (script-src 'self', style-src 'self'; colours come from classes in console.css, never
// style attributes), adds nothing to the Worker bundle, and works with JavaScript off.
// Each bar carries an SVG <title>, so hovering shows its bucket and value. Every label is
// JSX text, which Hono escapes.

/** One series of values drawn as bars; later series are drawn over earlier ones (e.g. denials over requests). */
export interface Series {
  name: string;
  /** A class from console.css: bar (accent), bar-deny, bar-pii, bar-tokens. */
  cls: string;
  values: readonly number[];
}

const W = 720;
const H = 170;
const PAD = { left: 46, right: 8, top: 10, bottom: 22 };

/** 1 234 567 → "1.2M"; small numbers as they are. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A round number at or above `max`, so the axis reads 10, 50, 200… */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/**
 * A bar chart over time buckets. `labels` name the buckets (one per value); about eight of
 * them are printed under the axis, all of them in the bars' tooltips.
 */
export function BarChart(props: { id: string; title: string; labels: readonly string[]; series: readonly Series[] }) {
  const n = props.labels.length;
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(1, slot * 0.8);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const every = Math.max(1, Math.ceil(n / 8));
  const ticks = [0, max / 2, max];
  return (
    <figure class="chart" id={props.id}>
      <figcaption>{props.title}</figcaption>
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg">
        {ticks.map((t) => (
          <g>
            <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 4} y={y(t) + 3} text-anchor="end">
              {compact(t)}
            </text>
          </g>
        ))}
        {props.series.map((s) =>
          s.values.map((v, i) => (
            <rect class={s.cls} x={PAD.left + i * slot + (slot - barW) / 2} y={y(v)} width={barW} height={Math.max(0, PAD.top + plotH - y(v))} data-value={String(v)}>
              <title>{`${props.labels[i] ?? ""}: ${v} ${s.name}`}</title>
            </rect>
          )),
        )}
        {props.labels.map((l, i) =>
          i % every === 0 ? (
            <text x={PAD.left + i * slot + slot / 2} y={H - 6} text-anchor="middle">
              {l}
            </text>
          ) : null,
        )}
      </svg>
      {props.series.length > 1 ? (
        <div class="legend">
          {props.series.map((s) => (
            <span>
              <i class={`swatch ${s.cls}`}></i>
              {s.name}
            </span>
          ))}
        </div>
      ) : null}
    </figure>
  );
}

/** A horizontal share bar for a table cell: how much of the largest row this one is. */
export function ShareBar(props: { value: number; max: number; cls?: string }) {
  const w = props.max > 0 ? Math.round((props.value / props.max) * 100) : 0;
  return (
    <svg class="share" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">
      <rect class={props.cls ?? "bar"} x="0" y="0" width={w} height="8" />
    </svg>
  );
}
