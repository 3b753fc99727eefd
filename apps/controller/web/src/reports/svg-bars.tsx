import { useId } from 'react';

const HEIGHT = 200;
const TOP = 18;
const BOTTOM = 28;
const LEFT = 44;

/** A round axis maximum (1, 2, 5 × 10ⁿ) at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) ?? 10) * p;
}

/**
 * Bars drawn as inline SVG: one per label, each with its value above it and a tooltip, a y axis in
 * `unit`. No chart library: the report's chart is a handful of rectangles, and SVG text scales and
 * prints sharply. `format` writes numbers the way the rest of the screen does (vi-VN decimals).
 */
export function SvgBars({
  labels,
  values,
  title,
  unit,
  format,
  testId,
}: {
  labels: string[];
  values: number[];
  title: string;
  unit: string;
  format: (n: number) => string;
  testId?: string;
}) {
  const titleId = useId();
  const width = Math.max(360, Math.min(1100, LEFT + labels.length * 72));
  const max = niceMax(Math.max(0, ...values));
  const plotW = width - LEFT - 8;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / Math.max(labels.length, 1);
  const barW = Math.min(40, slot * 0.6);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  // Day labels thin out on a long range so they never overlap.
  const every = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(plotW / 72))));
  return (
    <svg
      className="svg-bars"
      viewBox={`0 0 ${width} ${HEIGHT}`}
      width="100%"
      style={{ maxWidth: width }}
      role="img"
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <title id={titleId}>{title}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={LEFT} x2={width - 8} y1={y(max * f)} y2={y(max * f)} stroke="#d0d7de" />
          <text x={LEFT - 6} y={y(max * f) + 4} textAnchor="end" fontSize="11" fill="#24292f">
            {format(max * f)}
          </text>
        </g>
      ))}
      <text x={4} y={11} fontSize="11" fill="#24292f">
        {unit}
      </text>
      {values.map((v, i) => {
        const x = LEFT + i * slot + (slot - barW) / 2;
        return (
          <g key={`${labels[i]}-${i}`} data-label={labels[i]} data-value={v}>
            <rect x={x} y={y(v)} width={barW} height={Math.max(0, TOP + plotH - y(v))} fill="#0b5cad">
              <title>{`${labels[i]}: ${format(v)} ${unit}`}</title>
            </rect>
            {v > 0 && labels.length <= 31 ? (
              <text x={x + barW / 2} y={y(v) - 4} textAnchor="middle" fontSize="11" fill="#24292f">
                {format(v)}
              </text>
            ) : null}
            {i % every === 0 ? (
              <text x={x + barW / 2} y={HEIGHT - 10} textAnchor="middle" fontSize="11" fill="#24292f">
                {labels[i]}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
