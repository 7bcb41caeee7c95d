// #/profile: the expert's own profile — what managers see and what decides which projects she
// may work on — with her status and its history, credentials and their evidence, qualifications
// and the contracts she accepted.
import React, { useEffect, useRef, useState } from 'react';
import { ApiError, Said } from '../lib/api';
import {
  errorField, fieldMessage, LEVELS, languageName, people, timeZones,
  type Credential, type ExpertView, type LanguageSkill, type ProfileFields, type TaxonomyPath,
} from '../lib/people';
import { Markdown } from '../lib/markdown';
import { parseAmount } from '../lib/money';
import { ErrorBox, useLoad } from '../components/ui';
import { DomainPicker } from '../components/DomainPicker';
import { AcceptanceTable, CredentialCard, FieldNote, GrantHistory, GrantTable, StatusChip, StatusHistory, useTaxonomy } from '../components/people';

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'INR', 'BRL', 'MXN', 'ZAR', 'AED', 'SAR', 'EGP', 'ILS', 'SGD'];
const COMMON_LANGUAGES = ['ar', 'de', 'en', 'es', 'fa', 'fr', 'he', 'hi', 'id', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'sw', 'tr', 'uk', 'ur', 'vi', 'zh'];

export function ProfilePage() {
  const [view, err] = useLoad(() => people.myProfile(), []);
  const taxonomy = useTaxonomy();
  // changed on this page (added, uploaded, checked) over what was loaded; a reload starts afresh
  const [changed, setChanged] = useState<Credential[] | null>(null);
  useEffect(() => setChanged(null), [view]);
  if (!view) return <div className="page"><h1>My profile</h1><ErrorBox error={err} />{err ? null : <p className="muted">Loading…</p>}</div>;
  const credentials = changed ?? view.credentials;
  const replace = (c: Credential) => setChanged(credentials.some((x) => x.id === c.id) ? credentials.map((x) => (x.id === c.id ? c : x)) : [...credentials, c]);
  return (
    <div className="page profile">
      <h1>My profile</h1>
      <p className="muted">What managers see when they look for experts, and what decides which projects you can work on.</p>
      <section className="card" aria-labelledby="st-h">
        <h2 id="st-h">Status: <StatusChip status={view.status} /></h2>
        <p className="muted small">Every change of your status, with the reason given, newest first.</p>
        <StatusHistory history={view.history} />
      </section>
      <ProfileForm view={view} taxonomy={taxonomy} />
      <section className="card" aria-labelledby="cr-h">
        <h2 id="cr-h">Credentials</h2>
        <p className="muted small">Degrees, licences and certifications. Upload a scan of each; a reviewer verifies it or tells you why not.</p>
        {credentials.length ? <ul className="credentials">{credentials.map((c) => <CredentialCard key={c.id} c={c} mode="owner" onChanged={replace} />)}</ul> : <p className="muted">No credentials yet.</p>}
        <AddCredential onAdded={replace} />
      </section>
      <section className="card" aria-labelledby="q-h">
        <h2 id="q-h">Qualifications</h2>
        <p className="muted small">Granted by a manager, by a test or by your accuracy on gold items; projects may require them.</p>
        <GrantTable grants={view.qualifications} />
        <GrantHistory history={view.qualification_history} />
      </section>
      <section className="card" aria-labelledby="k-h">
        <h2 id="k-h">Contracts you accepted</h2>
        <AcceptanceTable contracts={view.contracts} download />
      </section>
    </div>
  );
}

interface LangRow { key: number; tag: string; level: string }

function ProfileForm({ view, taxonomy }: { view: ExpertView; taxonomy: TaxonomyPath[] }) {
  const [headline, setHeadline] = useState(view.headline);
  const [bio, setBio] = useState(view.bio);
  const [domains, setDomains] = useState(view.domains);
  const nextKey = useRef(view.languages.length);
  const [langs, setLangs] = useState<LangRow[]>(view.languages.map((l, i) => ({ key: i, ...l })));
  const [rate, setRate] = useState(view.rate_cents == null ? '' : (view.rate_cents / 100).toFixed(2));
  const [currency, setCurrency] = useState(view.currency);
  const [timezone, setTimezone] = useState(view.timezone);
  const [hours, setHours] = useState(view.availability_hours == null ? '' : String(view.availability_hours));
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  const zones = timeZones(); if (!zones.includes(timezone)) zones.unshift(timezone);
  const currencies = CURRENCIES.includes(currency) ? CURRENCIES : [currency, ...CURRENCIES];

  // Rows with a tag are sent; the server's index counts those, so row i answers to languages[k].
  const sent = langs.filter((l) => l.tag.trim());
  const langField = (row: LangRow, part: 'tag' | 'level') => `languages[${sent.indexOf(row)}].${part}`;
  const note = (field: string) => fieldMessage(err, field);
  const described = (field: string, id: string) => ({ 'aria-invalid': note(field) ? true : undefined, 'aria-describedby': `${id}-err` });

  const save = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg('');
    const rateCents = rate.trim() === '' ? null : parseAmount(rate);
    if (rate.trim() !== '' && rateCents === null) { setErr(fieldError('rate_cents', 'write the rate as a number, like 80 or 80.50')); return; }
    const f: ProfileFields = {
      headline: headline.trim(), bio, domains, languages: sent.map((l): LanguageSkill => ({ tag: l.tag.trim(), level: l.level })),
      rate_cents: rateCents, currency, timezone, availability_hours: hours.trim() === '' ? null : Number(hours),
    };
    setBusy(true);
    try {
      const p = await people.saveProfile(f); // as the server keeps it: tags in their usual case
      setDomains(p.domains);
      setLangs(p.languages.map((l) => ({ key: nextKey.current++, ...l })));
      setMsg(`Saved ${new Date().toLocaleTimeString()}.`);
    }
    catch (x) { setErr(x); focusField(x); }
    finally { setBusy(false); }
  };
  const focusField = (x: unknown) => {
    const field = errorField(x); if (!field) return;
    const m = /^languages\[(\d+)\]\.(tag|level)$/.exec(field);
    const id = m ? `pf-lang-${sent[Number(m[1])]?.key}-${m[2]}` : FIELD_IDS[field.replace(/\[\d+\]$/, '')];
    if (id) requestAnimationFrame(() => document.getElementById(id)?.focus());
  };
  const setLang = (key: number, patch: Partial<LangRow>) => setLangs((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const fieldErr = errorField(err);
  const domainsNote = fieldErr?.startsWith('domains') ? note(fieldErr) : undefined;

  return (
    <form className="card profile-form" onSubmit={save} aria-labelledby="pf-h" noValidate>
      <h2 id="pf-h">About you</h2>
      <label className="field-label" htmlFor="pf-headline">Headline <span className="muted small">(one line: what you are expert in)</span></label>
      <input id="pf-headline" dir="auto" maxLength={200} value={headline} onChange={(e) => setHeadline(e.target.value)} placeholder="e.g. Cardiologist, 12 years in emergency care" {...described('headline', 'pf-headline')} />
      <FieldNote id="pf-headline-err" message={note('headline')} />
      <div className="two">
        <div>
          <label className="field-label" htmlFor="pf-bio">Bio <span className="muted small">(markdown: **bold**, lists, links)</span></label>
          <textarea id="pf-bio" dir="auto" rows={7} value={bio} onChange={(e) => setBio(e.target.value)} {...described('bio', 'pf-bio')} />
          <FieldNote id="pf-bio-err" message={note('bio')} />
        </div>
        <div>
          <div className="label-like">How managers see your bio</div>
          <div className="bio-preview">{bio.trim() ? <Markdown source={bio} /> : <p className="muted">Nothing yet.</p>}</div>
        </div>
      </div>

      <label className="field-label" htmlFor="pf-domains">Domains <span className="muted small">(pick from the list; projects may ask for one)</span></label>
      <DomainPicker id="pf-domains" taxonomy={taxonomy} value={domains} onChange={setDomains} invalid={!!domainsNote} describedBy="pf-domains-err" />
      <FieldNote id="pf-domains-err" message={domainsNote} />

      <fieldset className="languages">
        <legend>Languages</legend>
        <p className="muted small">A BCP 47 tag (<code>ar</code>, <code>ar-EG</code>, <code>he</code>, <code>pt-BR</code>) and your level: CEFR A1–C2, or native.</p>
        <datalist id="pf-lang-tags">{COMMON_LANGUAGES.map((t) => <option key={t} value={t}>{languageName(t)}</option>)}</datalist>
        {langs.map((l, i) => {
          const tagNote = l.tag.trim() ? note(langField(l, 'tag')) : undefined;
          const levelNote = l.tag.trim() ? note(langField(l, 'level')) : undefined;
          const name = l.tag.trim() ? languageName(l.tag.trim()) : '';
          return (
            <div key={l.key} className="lang-row">
              <label className="block">Language {i + 1}
                <input id={`pf-lang-${l.key}-tag`} list="pf-lang-tags" value={l.tag} onChange={(e) => setLang(l.key, { tag: e.target.value })} placeholder="e.g. ar-EG"
                  autoCapitalize="off" spellCheck={false} aria-invalid={tagNote ? true : undefined} aria-describedby={`pf-lang-${l.key}-err`} /></label>
              <label className="block">Level
                <select id={`pf-lang-${l.key}-level`} value={l.level} onChange={(e) => setLang(l.key, { level: e.target.value })} aria-invalid={levelNote ? true : undefined} aria-describedby={`pf-lang-${l.key}-err`}>
                  {LEVELS.map((v) => <option key={v}>{v}</option>)}
                </select></label>
              <span className="lang-name muted small">{name !== l.tag.trim() ? name : ''}</span>
              <button type="button" className="link" onClick={() => setLangs((ls) => ls.filter((x) => x.key !== l.key))} aria-label={`Remove language ${i + 1}`}>Remove</button>
              <FieldNote id={`pf-lang-${l.key}-err`} message={tagNote ?? levelNote} />
            </div>
          );
        })}
        <button type="button" onClick={() => { const key = nextKey.current++; setLangs((ls) => [...ls, { key, tag: '', level: 'B2' }]); requestAnimationFrame(() => document.getElementById(`pf-lang-${key}-tag`)?.focus()); }}>Add a language</button>
      </fieldset>

      <div className="row profile-numbers">
        <div>
          <label className="field-label" htmlFor="pf-rate">Hourly rate</label>
          <div className="row tight">
            <input id="pf-rate" type="number" inputMode="decimal" min={0} step="0.01" value={rate} onChange={(e) => setRate(e.target.value)} {...described('rate_cents', 'pf-rate')} />
            <select id="pf-currency" aria-label="Currency" value={currency} onChange={(e) => setCurrency(e.target.value)} {...described('currency', 'pf-rate')}>{currencies.map((c) => <option key={c}>{c}</option>)}</select>
          </div>
          <FieldNote id="pf-rate-err" message={note('rate_cents') ?? note('currency')} />
        </div>
        <div>
          <label className="field-label" htmlFor="pf-hours">Available hours a week</label>
          <input id="pf-hours" type="number" min={0} max={168} step={1} value={hours} onChange={(e) => setHours(e.target.value)} {...described('availability_hours', 'pf-hours')} />
          <FieldNote id="pf-hours-err" message={note('availability_hours')} />
        </div>
        <div>
          <label className="field-label" htmlFor="pf-tz">Time zone</label>
          <select id="pf-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)} {...described('timezone', 'pf-tz')}>{zones.map((z) => <option key={z}>{z}</option>)}</select>
          <FieldNote id="pf-tz-err" message={note('timezone')} />
        </div>
      </div>
      {err && !fieldErr ? <ErrorBox error={err} /> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save profile'}</button>
        <span role="status" className={`small ${fieldErr ? 'bad-text' : 'muted'}`}>{fieldErr ? `Not saved: ${fieldWords(fieldErr)} needs a fix (said next to it).` : msg}</span>
      </div>
    </form>
  );
}

const FIELD_IDS: Record<string, string> = {
  headline: 'pf-headline', bio: 'pf-bio', domains: 'pf-domains', rate_cents: 'pf-rate', currency: 'pf-currency',
  timezone: 'pf-tz', availability_hours: 'pf-hours',
};
const FIELD_WORDS: Record<string, string> = {
  headline: 'the headline', bio: 'the bio', domains: 'a domain', rate_cents: 'the hourly rate', currency: 'the currency',
  timezone: 'the time zone', availability_hours: 'the hours a week',
};
function fieldWords(field: string): string {
  const m = /^languages\[(\d+)\]/.exec(field);
  return m ? `language ${Number(m[1]) + 1}` : FIELD_WORDS[field.replace(/\[\d+\]$/, '')] ?? field;
}
/** A field's error found before sending, in the shape of the server's. */
const fieldError = (field: string, message: string) => new ApiError(400, 'invalid_argument', `${field}: ${message}`, { field });

function AddCredential({ onAdded }: { onAdded: (c: Credential) => void }) {
  const [kind, setKind] = useState('degree'); const [title, setTitle] = useState(''); const [issuer, setIssuer] = useState('');
  const [number, setNumber] = useState(''); const [country, setCountry] = useState(''); const [expires, setExpires] = useState('');
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  const add = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg('');
    if (!title.trim()) { setErr(new Said('Give the credential a title, like “MD” or “Licensed to practise in Egypt”.')); return; }
    setBusy(true);
    try {
      const c = await people.addCredential({ kind, title: title.trim(), issuer: issuer.trim(), number: number.trim(), country: country.trim(), expires_on: expires || undefined });
      onAdded(c); setTitle(''); setIssuer(''); setNumber(''); setCountry(''); setExpires('');
      setMsg(`Added “${c.title}”. Upload its evidence above so a reviewer can verify it.`);
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };
  return (
    <form className="add-credential" onSubmit={add} aria-labelledby="add-cr-h">
      <h3 id="add-cr-h">Add a credential</h3>
      <div className="row">
        <label className="block">Kind<select value={kind} onChange={(e) => setKind(e.target.value)}><option>degree</option><option>licence</option><option>certification</option></select></label>
        <label className="block grow">Title<input dir="auto" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. MD, Cairo University" /></label>
        <label className="block grow">Issuer<input dir="auto" value={issuer} maxLength={200} onChange={(e) => setIssuer(e.target.value)} /></label>
      </div>
      <div className="row">
        <label className="block">Number<input dir="auto" value={number} maxLength={100} onChange={(e) => setNumber(e.target.value)} /></label>
        <label className="block">Country<input dir="auto" value={country} maxLength={60} onChange={(e) => setCountry(e.target.value)} /></label>
        <label className="block">Expires<input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} /></label>
        <button type="submit" disabled={busy}>Add credential</button>
      </div>
      <ErrorBox error={err} />
      <p role="status" className="status-line small ok-text">{msg}</p>
    </form>
  );
}
