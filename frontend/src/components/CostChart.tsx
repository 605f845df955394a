/** Monthly cost by service as horizontal bars (SVG, no chart library; loaded lazily with the cost tab). */
export default function CostChart({ items }: { items: { service: string; costUsd: number }[] }) {
  const byService = new Map<string, number>();
  for (const item of items) byService.set(item.service, (byService.get(item.service) ?? 0) + item.costUsd);
  const rows = [...byService.entries()].sort((a, b) => b[1] - a[1]);
  const max = Math.max(...rows.map(([, v]) => v), 0.000001);
  const rowHeight = 30;
  return (
    <figure className="cost-chart">
      <svg
        role="img"
        aria-label={`Monthly cost by service: ${rows.map(([s, v]) => `${s} $${v.toFixed(2)}`).join(', ')}`}
        viewBox={`0 0 640 ${rows.length * rowHeight + 8}`}
        width="100%"
      >
        {rows.map(([service, value], i) => (
          <g key={service} transform={`translate(0, ${i * rowHeight + 4})`}>
            <text x={0} y={18} className="chart-label">
              {service}
            </text>
            <rect
              x={250}
              y={4}
              height={18}
              rx={3}
              width={Math.max(2, (value / max) * 300)}
              className="chart-bar"
            />
            <text x={250 + Math.max(2, (value / max) * 300) + 8} y={18} className="chart-value">
              ${value.toFixed(2)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="sr-only">Bars show each service's share of the monthly total.</figcaption>
    </figure>
  );
}
