import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { Model } from '../types.ts';

interface ModelListProps {
  models: Model[];
  view: 'grid' | 'list';
  selected?: string;
  compare: string[];
  onSelect(id: string): void;
  onToggleCompare(id: string): void;
}

const money = (n: number) => (n === 0 ? 'free' : `$${n < 1 ? n.toFixed(3) : n.toFixed(2)}`);
const tokens = (n: number) =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : `${Math.round(n / 1000)}K`;

/** The model's lifecycle: active, legacy (with its retirement date) or retired (with its date and replacement). */
export function LifecycleBadge({ model }: { model: Pick<Model, 'lifecycle'> }) {
  const l = model.lifecycle;
  const title =
    l.status === 'retired'
      ? `Retired on ${l.date}; use ${l.replacement} instead`
      : l.status === 'legacy'
        ? `Legacy: still served, but superseded${l.replacement ? ` by ${l.replacement}` : ''}${l.retiresOn ? `; retires ${l.retiresOn}` : ''}`
        : 'Active: current and supported';
  return (
    <span className={`badge lifecycle ${l.status}`} title={title}>
      {l.status}
    </span>
  );
}

function ModelCard({
  model,
  selected,
  compared,
  onSelect,
  onToggleCompare,
  canCompare,
}: {
  model: Model;
  selected: boolean;
  compared: boolean;
  canCompare: boolean;
  onSelect(): void;
  onToggleCompare(): void;
}) {
  return (
    <article className={`model-card${selected ? ' selected' : ''}`} aria-label={model.name}>
      <header>
        <h3>{model.name}</h3>
        <span className="badge">{model.provider}</span>
        <LifecycleBadge model={model} />
      </header>
      <p className="muted model-id">{model.id}</p>
      <p className="prices">
        <span title="per 1M input tokens">in {money(model.pricing.inputPerMTok)}</span>
        <span title="per 1M output tokens">out {money(model.pricing.outputPerMTok)}</span>
        <span title="context window">{tokens(model.contextWindow)} ctx</span>
      </p>
      <p className="caps">{model.capabilities.join(' · ')}</p>
      <div className="row">
        <button
          type="button"
          onClick={onSelect}
          aria-pressed={selected}
          className={selected ? 'primary' : ''}
        >
          {selected ? 'Selected' : 'Select'}
        </button>
        <label className="inline">
          <input
            type="checkbox"
            checked={compared}
            disabled={!compared && !canCompare}
            onChange={onToggleCompare}
          />
          Compare
        </label>
      </div>
    </article>
  );
}

/**
 * The models as a grid or a list, virtualised: only the rows on screen are in the DOM, so a registry
 * of thousands scrolls as smoothly as one of sixty.
 */
export function ModelList({ models, view, selected, compare, onSelect, onToggleCompare }: ModelListProps) {
  const parent = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(900);
  useEffect(() => {
    const element = parent.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const columns = view === 'grid' ? Math.max(1, Math.floor(width / 290)) : 1;
  const rows = Math.ceil(models.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => parent.current,
    estimateSize: () => (view === 'grid' ? 212 : 150),
    overscan: 4,
    initialRect: { width: 900, height: 640 },
  });
  return (
    <section ref={parent} className="model-scroll" aria-label={`${models.length} models`}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className={view === 'grid' ? 'model-row grid' : 'model-row'}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              transform: `translateY(${row.start}px)`,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            }}
          >
            {models.slice(row.index * columns, row.index * columns + columns).map((model) => (
              <div key={model.id}>
                <ModelCard
                  model={model}
                  selected={model.id === selected}
                  compared={compare.includes(model.id)}
                  canCompare={compare.length < 5}
                  onSelect={() => onSelect(model.id)}
                  onToggleCompare={() => onToggleCompare(model.id)}
                />
              </div>
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}
