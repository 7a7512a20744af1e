/** Small SVG charts: no charting library, no canvas; sized by their container. */

export interface Series {
  name: string;
  color: string;
  values: number[];
}

/** Grouped columns over labelled buckets. */
export function ColumnChart({ labels, series, height = 180 }: { labels: string[]; series: Series[]; height?: number }) {
  const width = 900;
  const pad = { top: 10, right: 8, bottom: 22, left: 32 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const group = innerW / Math.max(1, labels.length);
  const bar = Math.min(14, Math.max(1, (group * 0.8) / Math.max(1, series.length)));
  const offset = (group - bar * series.length) / 2;
  const every = Math.ceil(labels.length / 8);
  const y = (v: number) => pad.top + innerH - (v / max) * innerH;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={series.map((s) => s.name).join(", ")}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={pad.left} x2={width - pad.right} y1={y(max * f)} y2={y(max * f)} className="grid" />
            <text x={pad.left - 4} y={y(max * f) + 4} textAnchor="end" className="axis">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {labels.map((l, i) => (
          <g key={l}>
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect key={s.name} x={pad.left + i * group + offset + j * bar} y={y(v)} width={bar} height={pad.top + innerH - y(v)} fill={s.color}>
                  <title>{`${l} · ${s.name}: ${v}`}</title>
                </rect>
              );
            })}
            {i % every === 0 && (
              <text x={pad.left + i * group + group / 2} y={height - 6} textAnchor="middle" className="axis">
                {l}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.name} className="legend">
            <i style={{ background: s.color }} />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Horizontal bars, largest first: outcomes, languages. */
export function BarList({ rows, color = "var(--accent)", empty = "No calls in this range." }: { rows: { label: string; value: number }[]; color?: string; empty?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const total = rows.reduce((a, r) => a + r.value, 0);
  if (!rows.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="barlist">
      {rows.map((r) => (
        <li key={r.label}>
          <span className="barlist-label">{r.label}</span>
          <span className="barlist-track">
            <span className="barlist-bar" style={{ width: `${(r.value / max) * 100}%`, background: color }} />
          </span>
          <span className="barlist-value">
            {r.value} <small>{total ? `${Math.round((r.value / total) * 100)}%` : ""}</small>
          </span>
        </li>
      ))}
    </ul>
  );
}
