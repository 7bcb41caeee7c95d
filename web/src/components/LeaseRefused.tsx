// The expert's side of a refused lease (403 failed_precondition): why, in the server's words,
// and what to do — the contract to read and accept (then the first task comes at once), her
// profile for a language or domain she has not listed, her qualifications, or the reason her
// work is paused.
//
//   {refusal ? <LeaseRefused refusal={refusal} onRetry={askAgain} /> : …}
import React, { useEffect, useState } from 'react';
import { languageName, people, type Contract, type Refusal } from '../lib/people';
import { Markdown } from '../lib/markdown';
import { ErrorBox } from './ui';

const HEADINGS: Record<Refusal['kind'], string> = {
  contract: 'Accept the contract to start',
  language: 'This project needs a language your profile does not list',
  domain: 'This project needs a domain your profile does not list',
  qualification: 'This project needs a qualification you do not hold',
  status: 'You cannot take tasks right now',
  daily_cap: 'That is all for today on this project',
  max_share: 'You have done your share of this project',
  other: 'You cannot take this project’s tasks',
};

export function LeaseRefused({ refusal, onRetry }: { refusal: Refusal; onRetry: () => void }) {
  if (refusal.kind === 'contract') return <ContractToAccept refusal={refusal} onAccepted={onRetry} />;
  const toProfile = refusal.kind === 'language' || refusal.kind === 'domain';
  return (
    <section className="card refusal" role="alert" aria-labelledby="refusal-h">
      <h2 id="refusal-h">{HEADINGS[refusal.kind]}</h2>
      <p dir="auto">{refusal.message}</p>
      {refusal.language && languageName(refusal.language) !== refusal.language &&
       !refusal.message.includes(languageName(refusal.language)) ? (
        <p className="muted small">“{refusal.language}” is {languageName(refusal.language)}.</p>
      ) : null}
      <div className="row">
        {toProfile ? <a className="button primary" href="#/profile">Add it to my profile</a> : null}
        {refusal.kind === 'qualification' || refusal.kind === 'status' ? <a className="button" href="#/profile">See my profile</a> : null}
        <button type="button" onClick={onRetry}>Check again</button>
        <a className="button" href="#/expert">Back to my projects</a>
      </div>
    </section>
  );
}

function ContractToAccept({ refusal, onAccepted }: { refusal: Refusal; onAccepted: () => void }) {
  const [contract, setContract] = useState<Contract>();
  const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false);
  useEffect(() => { people.contract(refusal.contractId!).then(setContract, setErr); }, [refusal.contractId]);
  const accept = async () => {
    setBusy(true); setErr(undefined);
    try { await people.accept(refusal.contractId!); onAccepted(); } catch (e) { setErr(e); setBusy(false); }
  };
  return (
    <section className="card refusal contract-gate" aria-labelledby="refusal-h">
      <h2 id="refusal-h">{HEADINGS.contract}</h2>
      <p dir="auto">{refusal.message} Read it below; once you accept, your first task opens here. You can download what you accepted from your profile.</p>
      <ErrorBox error={err} />
      {contract ? (
        <>
          <article className="contract-text" aria-label={`${contract.title}, version ${contract.version}`} tabIndex={0}>
            <Markdown source={contract.body ?? ''} />
          </article>
          <p className="muted small">“{contract.title}”, version {contract.version} · text sha256 <code title={contract.sha256}>{contract.sha256.slice(0, 16)}…</code> (recorded with your acceptance)</p>
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={accept}>{busy ? 'Accepting…' : 'I accept'}</button>
            <a className="button" href="#/expert">Not now</a>
          </div>
        </>
      ) : err ? null : <p className="muted">Loading the contract…</p>}
    </section>
  );
}
