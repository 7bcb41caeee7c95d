// "Who may work on it", in a project's settings: requirements as rows (a qualification with a
// comparison and a value fitting its kind, a language with a lowest level, a domain), the
// contract version experts accept first, a daily cap and the largest share per expert. The
// parent sends `rulesBody(rules)` with the project on create and PATCH.
//
//   const [rules, setRules] = useState(rulesOf(project));
//   <ProjectRules initial={rules} onChange={setRules} error={saveError} />
import React, { useEffect, useRef, useState } from 'react';
import type { Project } from '../lib/api';
import { errorField, families, fieldMessage, LEVELS, people, type Contract, type Op, type Qualification, type Requirement, type TaxonomyPath } from '../lib/people';
import { useLoad } from './ui';
import { domainLabel } from './DomainPicker';
import { FieldNote, useQualifications, useTaxonomy } from './people';

export interface Rules { requirements: Requirement[]; contract_id: string | null; daily_cap: number | null; max_share: number | null }
export const rulesOf = (p?: Project): Rules => ({
  requirements: p?.requirements ?? [], contract_id: p?.contract_id ?? null, daily_cap: p?.daily_cap ?? null, max_share: p?.max_share ?? null,
});
/** What the project's create or PATCH body takes (null clears). */
export const rulesBody = (r: Rules) => ({ requirements: r.requirements, contract_id: r.contract_id, daily_cap: r.daily_cap, max_share: r.max_share });
/** True when the server's error is about one of these fields (shown here, next to it). */
export const isRulesError = (e: unknown) => /^(requirements|contract_id|daily_cap|max_share)/.test(errorField(e) ?? '');

type RowType = 'qualification' | 'language' | 'domain';
interface Row { key: number; type: RowType; qualification: string; op: Op; value: string; values: string[]; language: string; level: string; domain: string }

const OPS: Record<Qualification['kind'], Op[]> = { flag: ['exists'], scale: ['>=', '<=', '=', 'exists'], set: ['=', 'in', 'exists'] };
const OP_WORDS: Record<Op, string> = { exists: 'has it', '>=': 'at least', '<=': 'at most', '=': 'exactly', in: 'one of' };

function rowOf(r: Requirement, key: number): Row {
  const base: Row = { key, type: 'qualification', qualification: '', op: 'exists', value: '', values: [], language: '', level: '', domain: '' };
  if ('language' in r) return { ...base, type: 'language', language: r.language, level: r.level ?? '' };
  if ('domain' in r) return { ...base, type: 'domain', domain: r.domain };
  const v = r.value;
  return { ...base, qualification: r.qualification, op: r.op, value: Array.isArray(v) || v == null ? '' : String(v), values: Array.isArray(v) ? v.map(String) : [] };
}

function requirementOf(row: Row, quals: Qualification[]): Requirement {
  if (row.type === 'language') return row.level ? { language: row.language.trim(), level: row.level } : { language: row.language.trim() };
  if (row.type === 'domain') return { domain: row.domain };
  const q = quals.find((x) => x.id === row.qualification);
  if (row.op === 'exists') return { qualification: row.qualification, op: 'exists' };
  if (row.op === 'in') return { qualification: row.qualification, op: 'in', value: row.values };
  // a scale compares integers (a qualification not loaded yet: the number it was stored as)
  const scale = q ? q.kind === 'scale' : /^-?\d+$/.test(row.value);
  const value = scale ? (row.value.trim() === '' ? null : Number(row.value)) : row.value;
  return { qualification: row.qualification, op: row.op, value };
}

const num = (s: string) => (s.trim() === '' ? null : Number(s));

export function ProjectRules({ initial, onChange, error }: { initial: Rules; onChange: (r: Rules) => void; error: unknown }) {
  const qs = useQualifications();
  const taxonomy = useTaxonomy();
  const [contracts] = useLoad(() => people.contracts().catch(() => ({ contracts: [] as Contract[] })), []);
  const nextKey = useRef(initial.requirements.length);
  const [rows, setRows] = useState<Row[]>(() => initial.requirements.map(rowOf));
  const [contract, setContract] = useState(initial.contract_id ?? '');
  const [cap, setCap] = useState(initial.daily_cap == null ? '' : String(initial.daily_cap));
  const [share, setShare] = useState(initial.max_share == null ? '' : String(Math.round(initial.max_share * 1000) / 10));
  useEffect(() => {
    const pct = num(share);
    onChange({ requirements: rows.map((r) => requirementOf(r, qs)), contract_id: contract || null, daily_cap: num(cap), max_share: pct == null ? null : pct / 100 });
  }, [rows, contract, cap, share, qs]); // eslint-disable-line react-hooks/exhaustive-deps
  const setRow = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = (type: RowType) => {
    const key = nextKey.current++;
    const q = qs[0];
    setRows((rs) => [...rs, { key, type, qualification: q?.id ?? '', op: q ? OPS[q.kind][0] : 'exists', value: '', values: [], language: '', level: type === 'language' ? 'B2' : '', domain: taxonomy[0]?.path ?? '' }]);
  };
  const note = (f: string) => fieldMessage(error, f);
  const listNote = note('requirements');
  return (
    <fieldset className="project-rules">
      <legend>Who may work on it</legend>
      <h3 className="sub">Requirements <span className="muted small">(an expert must meet every one)</span></h3>
      {rows.length === 0 ? <p className="muted small">None: every expert member may work on it.</p> : (
        <ol className="requirement-rows">
          {rows.map((r, i) => <RequirementRow key={r.key} row={r} n={i + 1} quals={qs} taxonomy={taxonomy} set={(p) => setRow(r.key, p)}
            remove={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} problem={note(`requirements[${i}]`)} />)}
        </ol>
      )}
      <FieldNote id="rules-req-err" message={listNote} />
      <div className="row">
        <button type="button" onClick={() => add('qualification')} disabled={!qs.length} title={qs.length ? undefined : 'No qualifications exist yet'}>+ Qualification</button>
        <button type="button" onClick={() => add('language')}>+ Language</button>
        <button type="button" onClick={() => add('domain')}>+ Domain</button>
        {!qs.length ? <span className="muted small">No qualifications yet: <a href="#/people/qualifications">create one</a>.</span> : null}
      </div>
      <label className="field-label" htmlFor="rules-contract">Contract to accept before the first task</label>
      <select id="rules-contract" value={contract} onChange={(e) => setContract(e.target.value)} aria-describedby="rules-contract-err">
        <option value="">none</option>
        {families(contracts?.contracts ?? []).map((vs) => (
          <optgroup key={vs[0].family_id} label={vs[vs.length - 1].title}>
            {[...vs].reverse().map((k, j) => <option key={k.id} value={k.id}>{k.title} — version {k.version}{j === 0 ? ' (latest)' : ''}</option>)}
          </optgroup>
        ))}
      </select>
      <FieldNote id="rules-contract-err" message={note('contract_id')} />
      <p className="muted small">Publish contracts and new versions on the <a href="#/people/contracts">Contracts</a> page; a new version applies once you pick it here, and experts then accept it again.</p>
      <div className="row">
        <label className="block"><span>Tasks per expert per 24 hours <span className="muted small">(empty: no cap)</span></span>
          <input type="number" min={1} step={1} value={cap} onChange={(e) => setCap(e.target.value)} aria-describedby="rules-cap-err" aria-invalid={note('daily_cap') ? true : undefined} /></label>
        <label className="block"><span>Largest share of the labels per expert, % <span className="muted small">(empty: no limit)</span></span>
          <input type="number" min={1} max={100} step="any" value={share} onChange={(e) => setShare(e.target.value)} aria-describedby="rules-share-err" aria-invalid={note('max_share') ? true : undefined} /></label>
      </div>
      <FieldNote id="rules-cap-err" message={note('daily_cap')} />
      <FieldNote id="rules-share-err" message={note('max_share')} />
    </fieldset>
  );
}

function RequirementRow({ row, n, quals, taxonomy, set, remove, problem }: {
  row: Row; n: number; quals: Qualification[]; taxonomy: TaxonomyPath[]; set: (p: Partial<Row>) => void; remove: () => void; problem?: string;
}) {
  const q = quals.find((x) => x.id === row.qualification);
  const errId = `req-${row.key}-err`;
  const common = { 'aria-describedby': errId, 'aria-invalid': problem ? true : undefined };
  return (
    <li className="requirement-row">
      <div className="row">
        {row.type === 'qualification' ? (<>
          <label className="block">Qualification {n}<select value={row.qualification} {...common}
            onChange={(e) => { const k = quals.find((x) => x.id === e.target.value); set({ qualification: e.target.value, op: k ? OPS[k.kind][0] : 'exists', value: '', values: [] }); }}>
            {!q ? <option value={row.qualification}>unknown qualification</option> : null}
            {quals.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select></label>
          <label className="block">Must be<select value={row.op} onChange={(e) => set({ op: e.target.value as Op })} {...common}>
            {(q ? OPS[q.kind] : [row.op]).map((o) => <option key={o} value={o}>{OP_WORDS[o]}</option>)}
          </select></label>
          {q?.kind === 'scale' && row.op !== 'exists' ? (
            <label className="block"><span>Value <span className="muted small">({q.min}–{q.max})</span></span><input type="number" min={q.min} max={q.max} step={1} value={row.value} onChange={(e) => set({ value: e.target.value })} {...common} /></label>
          ) : q?.kind === 'set' && row.op === '=' ? (
            <label className="block">Value<select value={row.value} onChange={(e) => set({ value: e.target.value })} {...common}>
              <option value="">choose…</option>{(q.values ?? []).map((v) => <option key={v}>{v}</option>)}
            </select></label>
          ) : q?.kind === 'set' && row.op === 'in' ? (
            <fieldset className="inline-values"><legend>Values</legend>
              {(q.values ?? []).map((v) => (
                <label key={v} className="option"><input type="checkbox" checked={row.values.includes(v)}
                  onChange={(e) => set({ values: e.target.checked ? [...row.values, v] : row.values.filter((x) => x !== v) })} /> {v}</label>
              ))}
            </fieldset>
          ) : null}
        </>) : row.type === 'language' ? (<>
          <label className="block"><span>Language {n} <span className="muted small">(BCP 47, e.g. ar)</span></span><input value={row.language} onChange={(e) => set({ language: e.target.value })} autoCapitalize="off" spellCheck={false} size={10} {...common} /></label>
          <label className="block">Lowest level<select value={row.level} onChange={(e) => set({ level: e.target.value })} {...common}>
            <option value="">any</option>{LEVELS.map((l) => <option key={l}>{l}</option>)}
          </select></label>
        </>) : (
          <label className="block">Domain {n}<select value={row.domain} onChange={(e) => set({ domain: e.target.value })} {...common}>
            {taxonomy.map((t) => <option key={t.path} value={t.path}>{domainLabel(t.path, taxonomy)}</option>)}
          </select></label>
        )}
        <button type="button" className="link" onClick={remove} aria-label={`Remove requirement ${n}`}>Remove</button>
      </div>
      <FieldNote id={errId} message={problem} />
    </li>
  );
}
