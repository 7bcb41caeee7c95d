// The expert's side of a refused lease, in the workspace: the reason in words and what to do.
import { describe, expect, it, vi, beforeEach, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup } from '@testing-library/react';
import { Workspace } from '../pages/Workspace';
import { refusal, stubApi, type Answer } from '../test/stubApi';

const PROJECT = { id: 'p1', name: 'Arabic triage', instructions: 'Read carefully.', overlap: 1, lease_seconds: 600,
  template: [{ type: 'text', source: 'q' }, { type: 'rating', name: 'score', min: 1, max: 5 }] };
const LEASE = { assignment_id: 'as1', lease_token: 't1', expires_at: new Date(Date.now() + 600_000).toISOString(), item: { id: 'i1', data: { q: 'ما هي عاصمة أستراليا؟', lang: 'ar' } } };
const CONTRACT = { id: 'k2', family_id: 'k1', version: 2, title: 'Expert terms', sha256: 'ab'.repeat(32), created_at: '2026-12-01T00:00:00Z',
  body: '# Expert terms\n\nYou assign the IP of your work. <script>alert(1)</script>' };
const CONTRACT_REFUSAL = refusal(403, 'failed_precondition', 'Accept the contract “Expert terms” (version 2) before working on this project.',
  { contract_id: 'k2', contract_title: 'Expert terms', contract_version: 2 });

function server(first: Answer) {
  let accepted = false;
  const calls = stubApi((method, path) => {
    if (method === 'GET' && path === '/projects/p1') return [200, PROJECT];
    if (method === 'POST' && path === '/projects/p1/leases') return accepted || !first ? [200, LEASE] : first;
    if (method === 'GET' && path === '/contracts/k2') return [200, CONTRACT];
    if (method === 'POST' && path === '/contracts/k2/accept') { accepted = true; return [201, { id: 'acc1', contract_id: 'k2' }]; }
    return undefined;
  });
  return calls;
}

beforeEach(() => { localStorage.clear(); localStorage.setItem('assay.seen.p1', '1'); });
afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe('a refused lease', () => {
  it('shows the contract to accept in a reading view; “I accept” records it and the first task opens at once', async () => {
    const calls = server(CONTRACT_REFUSAL);
    const w = render(<Workspace projectId="p1" />);
    await w.findByRole('heading', { name: 'Accept the contract to start' });
    expect(w.getByText(/^Accept the contract “Expert terms” \(version 2\) before working on this project\./)).toBeTruthy();
    await w.findByRole('heading', { name: 'Expert terms' }); // the text, rendered from markdown
    expect(w.getByText(/You assign the IP of your work\. <script>alert\(1\)<\/script>/)).toBeTruthy(); // shown as text
    expect(w.container.querySelector('script')).toBeNull();
    expect(w.queryByText(/failed_precondition/)).toBeNull();
    expect(calls.some((c) => c.path.endsWith('/accept'))).toBe(false); // nothing accepted by looking
    fireEvent.click(w.getByRole('button', { name: 'I accept' }));
    await w.findByText('ما هي عاصمة أستراليا؟');
    expect(calls.filter((c) => c.path === '/contracts/k2/accept')).toHaveLength(1);
    expect(w.queryByRole('heading', { name: 'Accept the contract to start' })).toBeNull();
    expect(w.container.querySelector('.template')!.getAttribute('lang')).toBe('ar');
  });

  it('a missing language: the server’s words, the tag named once, and a link to her profile', async () => {
    server(refusal(403, 'failed_precondition', 'This work needs Hebrew (he) at level B2 or better. Add the language to your profile if you have it.', { requirement: { language: 'he', level: 'B2' } }));
    const w = render(<Workspace projectId="p1" />);
    await w.findByRole('heading', { name: 'This project needs a language your profile does not list' });
    expect(w.getByText('This work needs Hebrew (he) at level B2 or better. Add the language to your profile if you have it.')).toBeTruthy();
    expect(w.queryByText('“he” is Hebrew.')).toBeNull(); // the server named it already
    expect(w.getByRole('link', { name: 'Add it to my profile' }).getAttribute('href')).toBe('#/profile');
    expect(w.queryByText('No tasks right now')).toBeNull();
    expect(w.queryByText(/Something went wrong/)).toBeNull();
  });

  it('an older server that says only the tag: the page names the language', async () => {
    server(refusal(403, 'failed_precondition', 'This work needs he at level B2 or better. Add the language to your profile if you have it.', { requirement: { language: 'he', level: 'B2' } }));
    const w = render(<Workspace projectId="p1" />);
    await w.findByRole('heading', { name: 'This project needs a language your profile does not list' });
    expect(w.getByText('This work needs he at level B2 or better. Add the language to your profile if you have it.')).toBeTruthy();
    expect(w.getByText('“he” is Hebrew.')).toBeTruthy(); // the tag in words
    expect(w.getByRole('link', { name: 'Add it to my profile' }).getAttribute('href')).toBe('#/profile');
    expect(w.queryByText('No tasks right now')).toBeNull();
    expect(w.queryByText(/Something went wrong/)).toBeNull();
  });

  it('a paused expert reads the reason; Check again asks once more', async () => {
    const calls = server(refusal(403, 'failed_precondition', 'Your work is paused. Reason: We are checking your last ten answers.', { requirement: { status: 'active' }, status: 'paused' }));
    const w = render(<Workspace projectId="p1" />);
    await w.findByRole('heading', { name: 'You cannot take tasks right now' });
    expect(w.getByText('Your work is paused. Reason: We are checking your last ten answers.')).toBeTruthy();
    const before = calls.filter((c) => c.path.endsWith('/leases')).length;
    fireEvent.click(w.getByRole('button', { name: 'Check again' }));
    await w.findByText('Your work is paused. Reason: We are checking your last ten answers.');
    expect(calls.filter((c) => c.path.endsWith('/leases')).length).toBe(before + 1);
  });

  it('a qualification she lacks: the words, and her profile to see what she holds', async () => {
    server(refusal(403, 'failed_precondition', 'This work needs the qualification “Cardiology board” at 3 or more. Qualifications come from a test, from your accuracy on gold items, or from a manager.', { requirement: { qualification: 'q1', op: '>=', value: 3 } }));
    const w = render(<Workspace projectId="p1" />);
    await w.findByRole('heading', { name: 'This project needs a qualification you do not hold' });
    expect(w.getByText(/needs the qualification “Cardiology board” at 3 or more/)).toBeTruthy();
    expect(w.getByRole('link', { name: 'See my profile' }).getAttribute('href')).toBe('#/profile');
  });
});
