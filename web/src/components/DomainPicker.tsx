// A searchable picker of taxonomy domains: type part of a name ("cardio"), pick with the
// arrow keys and Enter or the mouse; the chosen ones are chips with a remove button.
//
//   <DomainPicker id="pf-domains" taxonomy={paths} value={domains} onChange={setDomains} />
import React, { useMemo, useState } from 'react';
import type { TaxonomyPath } from '../lib/people';

const MAX_SHOWN = 12;

/** "Medicine › Cardiology" for "medicine/cardiology". */
export function domainLabel(path: string, taxonomy: TaxonomyPath[]): string {
  const label = new Map(taxonomy.map((t) => [t.path, t.label]));
  const parts = path.split('/');
  return parts.map((_, i) => label.get(parts.slice(0, i + 1).join('/')) ?? parts[i]).join(' › ');
}

export function DomainPicker({ id, taxonomy, value, onChange, invalid, describedBy, label = 'Domains' }: {
  id: string; taxonomy: TaxonomyPath[]; value: string[]; onChange: (v: string[]) => void;
  invalid?: boolean; describedBy?: string; label?: string;
}) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return taxonomy
      .filter((t) => !value.includes(t.path))
      .map((t) => ({ path: t.path, text: domainLabel(t.path, taxonomy) }))
      .filter((t) => !q || t.text.toLowerCase().includes(q) || t.path.includes(q))
      .slice(0, MAX_SHOWN);
  }, [query, taxonomy, value]);
  // closed after a pick, so the list does not cover the rest of the form; typing or ↓ opens it again
  const pick = (path: string) => { onChange([...value, path]); setQuery(''); setActive(0); setOpen(false); };
  const onKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((a) => Math.min(matches.length - 1, a + 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(0, a - 1)); }
    else if (e.key === 'Enter' && open && matches[active]) { e.preventDefault(); pick(matches[active].path); }
    else if (e.key === 'Escape' && open) { e.preventDefault(); e.stopPropagation(); setOpen(false); }
    else if (e.key === 'Backspace' && !query && value.length) onChange(value.slice(0, -1));
  };
  const listId = `${id}-list`;
  const shown = open && matches.length > 0;
  return (
    <div className="domain-picker">
      {value.length ? (
        <ul className="chips" aria-label={`Chosen ${label.toLowerCase()}`}>
          {value.map((p) => (
            <li key={p} className="chip domain-chip">
              {domainLabel(p, taxonomy)}
              <button type="button" className="link" aria-label={`Remove ${domainLabel(p, taxonomy)}`} onClick={() => onChange(value.filter((x) => x !== p))}>×</button>
            </li>
          ))}
        </ul>
      ) : null}
      <input id={id} type="text" role="combobox" dir="auto" autoComplete="off" value={query} placeholder="Search, e.g. cardiology"
        aria-expanded={shown} aria-controls={listId} aria-autocomplete="list" aria-invalid={invalid || undefined} aria-describedby={describedBy}
        aria-activedescendant={shown ? `${id}-opt-${active}` : undefined}
        onChange={(e) => { setQuery(e.target.value); setOpen(true); setActive(0); }}
        onFocus={() => setOpen(true)} onClick={() => setOpen(true)} onBlur={() => setOpen(false)} onKeyDown={onKey} />
      <ul id={listId} role="listbox" className="listbox" aria-label={label} hidden={!shown}>
        {matches.map((m, i) => (
          <li key={m.path} id={`${id}-opt-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
            onMouseDown={(e) => { e.preventDefault(); pick(m.path); }} onMouseEnter={() => setActive(i)}>
            {m.text}
          </li>
        ))}
      </ul>
      {open && query && !matches.length ? <p className="muted small" role="status">No domain matches “{query}”.</p> : null}
    </div>
  );
}
