import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Bars of one value per labelled day; uPlot keeps the reports chunk small (~20 KB gzipped). */
export function BarChart({
  labels,
  values,
  title,
  yLabel,
  colour = '#1f6feb',
}: {
  labels: string[];
  values: number[];
  title: string;
  yLabel: string;
  colour?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(320, Math.min(el.clientWidth || 800, 1100));
    const plot = new uPlot(
      {
        width,
        height: 260,
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: [-0.5, Math.max(labels.length - 0.5, 0.5)] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [
          {
            values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (labels[v] ?? '') : '')),
            incrs: [1],
            stroke: '#333',
          },
          { label: yLabel, stroke: '#333' },
        ],
        series: [
          {},
          {
            label: yLabel,
            fill: colour,
            stroke: colour,
            paths: uPlot.paths.bars!({ size: [0.6, 80] }),
            points: { show: false },
          },
        ],
      },
      [labels.map((_, i) => i), values],
      el,
    );
    return () => plot.destroy();
  }, [labels, values, yLabel, colour]);
  return <div ref={host} className="chart" role="img" aria-label={title} />;
}
