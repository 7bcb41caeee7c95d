import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { ExpertPage } from './Expert';
import { refusal, stubApi } from '../test/stubApi';
import type { ExpertView, Qualification } from '../lib/people';
import type { User } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const MANAGER: User = { id: 'm1', email: 'maya@x.org', name: 'Maya', role: 'manager' };
const REVIEWER: User = { id: 'r1', email: 'rita@x.org', name: 'Rita', role: 'reviewer' };
const QUALS: Qualification[] = [
  { id: 'q1', name: 'Cardiology board', kind: 'scale', min: 1, max: 5, description: '', gold_rule: null, created_at: '' },
  { id: 'q2', name: 'Arabic dialect', kind: 'set', values: ['Egyptian', 'Levantine'], description: '', gold_rule: null, created_at: '' },
  { id: 'q3', name: 'Licensed clinician', kind: 'flag', description: '', gold_rule: null, created_at: '' },
];
const VIEW: ExpertView = {
  user_id: 'u1', email: 'nadia@x.org', name: 'Nadia', headline: 'Cardiologist', bio: 'I read **ECGs**.', domains: ['medicine/cardiology'],
  languages: [{ tag: 'ar', level: 'native' }], rate_cents: 9000, currency: 'EUR', timezone: 'Africa/Cairo', availability_hours: 10, status: 'active', updated_at: '',
  history: [{ from: 'vetting', to: 'active', reason: 'Interview passed.', by: 'Maya', at: '2026-11-01T00:00:00Z' }],
  credentials: [{ id: 'c1', kind: 'licence', title: 'Medical licence', issuer: 'Syndicate', number: '7', country: 'Egypt', expires_on: null,
    evidence: { content_type: 'image/png', bytes: 4096 }, status: 'unverified', verified_by: null, verified_at: null, note: '', created_at: '' }],
  qualifications: [{ id: 'g1', qualification_id: 'q3', qualification: 'Licensed clinician', value: true, source: 'manual', reason: 'Licence checked.', granted_by: 'Maya', granted_at: '2026-11-02T00:00:00Z', expires_at: null }],
  qualification_history: [], contracts: [], status_moves: ['paused', 'removed'],
};

function server(view: ExpertView = VIEW) {
  return stubApi((method, path, body) => {
    if (method === 'GET' && path === '/experts/u1') return [200, view];
    if (path === '/taxonomy') return [200, { paths: [{ path: 'medicine', label: 'Medicine', builtin: true }, { path: 'medicine/cardiology', label: 'Cardiology', builtin: true }] }];
    if (path === '/qualifications') return [200, { qualifications: QUALS }];
    if (method === 'POST' && path === '/experts/u1/status') return [200, { ...view, status: body.status }];
    if (method === 'POST' && path === '/credentials/c1/verification') return [200, { ...view.credentials[0], status: body.status, note: body.note, verified_by: 'Maya', verified_at: '2026-12-01T00:00:00Z' }];
    if (method === 'POST' && path === '/qualifications/q1/grants') return body.value > 5 ? refusal(400, 'invalid_argument', 'value: must be an integer from 1 to 5', { field: 'value' }) : [201, { id: 'g9', qualification_id: 'q1', qualification: 'Cardiology board', value: body.value, source: 'manual', reason: body.reason, granted_by: 'Maya', granted_at: '', expires_at: body.expires_at ?? null }];
    if (method === 'POST' && path === '/qualifications/q2/grants') return [201, { id: 'g8', qualification_id: 'q2', qualification: 'Arabic dialect', value: body.value, source: 'manual', reason: body.reason, granted_by: 'Maya', granted_at: '', expires_at: null }];
    if (method === 'POST' && path === '/qualifications/q3/revocations') return [200, { revoked: true }];
    return undefined;
  });
}
const posts = (calls: ReturnType<typeof stubApi>, path: string) => calls.filter((c) => c.method === 'POST' && c.path === path).map((c) => c.body);

describe('An expert, as staff see her', () => {
  it('offers only the status moves the server allows, and needs a reason she reads', async () => {
    const calls = server();
    const r = render(<ExpertPage userId="u1" user={MANAGER} />);
    const to = await r.findByLabelText('Change status to') as HTMLSelectElement;
    const form = within(to.closest('form')!);
    expect([...to.options].map((o) => o.value)).toEqual(['paused', 'removed']);
    expect(r.getByText('Interview passed.')).toBeTruthy();
    fireEvent.click(form.getByRole('button', { name: 'Change status' }));
    expect(form.getByRole('alert').textContent).toBe('Give a reason: the expert reads it.');
    expect(posts(calls, '/experts/u1/status')).toEqual([]);
    fireEvent.change(form.getByLabelText(/^Reason/), { target: { value: 'Checking her last ten answers.' } });
    fireEvent.click(form.getByRole('button', { name: 'Change status' }));
    await r.findByText('Nadia is now paused. She reads your reason on her profile.');
    expect(posts(calls, '/experts/u1/status')).toEqual([{ status: 'paused', reason: 'Checking her last ten answers.' }]);
  });

  it('opens the evidence, and rejects a credential only with a note; a reviewer verifies but changes nothing else', async () => {
    const calls = server();
    const r = render(<ExpertPage userId="u1" user={REVIEWER} />);
    const card = (await r.findByRole('heading', { name: 'Medical licence' })).closest('li')!;
    expect(within(card).getByRole('link', { name: 'Open the evidence of Medical licence' }).getAttribute('href')).toBe('/api/v1/credentials/c1/evidence');
    expect(r.queryByLabelText('Change status to')).toBeNull();
    expect(r.queryByRole('button', { name: 'Grant' })).toBeNull();
    expect(r.queryByRole('button', { name: 'Revoke Licensed clinician' })).toBeNull();
    fireEvent.click(within(card).getByRole('button', { name: 'Reject Medical licence' }));
    expect(within(card).getByRole('alert').textContent).toBe('Say why you reject it: the expert reads your note.');
    fireEvent.change(within(card).getByLabelText(/Note for the expert/), { target: { value: 'The licence number does not match the register.' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Reject Medical licence' }));
    await within(card).findByText('The licence number does not match the register.', { selector: 'q' });
    expect(within(card).getByText('rejected')).toBeTruthy();
    // decided: only the other decision is offered, folded away
    expect(within(card).queryByRole('button', { name: 'Reject Medical licence' })).toBeNull();
    expect(within(card).getByText('Verify it after all').tagName).toBe('SUMMARY');
    expect(posts(calls, '/credentials/c1/verification')).toEqual([{ status: 'rejected', note: 'The licence number does not match the register.' }]);
  });

  it('grants with a value fitting the kind, a reason and an expiry; the server’s complaint about the value sits next to it', async () => {
    const calls = server();
    const r = render(<ExpertPage userId="u1" user={MANAGER} />);
    const form = (await r.findByRole('heading', { name: 'Grant a qualification' })).closest('form')!;
    await within(form).findByRole('option', { name: 'Cardiology board' });
    const f = within(form);
    fireEvent.change(f.getByLabelText('Qualification'), { target: { value: 'q1' } });
    expect(f.getByLabelText(/^Value/).getAttribute('type')).toBe('number');
    fireEvent.change(f.getByLabelText(/^Value/), { target: { value: '7' } });
    fireEvent.change(f.getByLabelText(/^Reason/), { target: { value: 'Board exam, level 4.' } });
    fireEvent.submit(form); // past the browser's own check of max
    await waitFor(() => expect(f.getByLabelText(/^Value/).getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('grant-value-err')!.textContent).toBe('must be an integer from 1 to 5');
    fireEvent.change(f.getByLabelText(/^Value/), { target: { value: '4' } });
    fireEvent.change(f.getByLabelText(/^Expires/), { target: { value: '2027-06-30' } });
    fireEvent.click(f.getByRole('button', { name: 'Grant' }));
    await r.findByText('Granted “Cardiology board” = 4.');
    expect(posts(calls, '/qualifications/q1/grants')[1]).toEqual({ user_id: 'u1', value: 4, reason: 'Board exam, level 4.', expires_at: '2027-06-30T23:59:59Z' });
    fireEvent.change(f.getByLabelText('Qualification'), { target: { value: 'q2' } });
    expect(f.getByLabelText(/^Value/).tagName).toBe('SELECT');
    fireEvent.change(f.getByLabelText(/^Value/), { target: { value: 'Levantine' } });
    fireEvent.change(f.getByLabelText(/^Reason/), { target: { value: 'Interviewed in Levantine Arabic.' } });
    fireEvent.click(f.getByRole('button', { name: 'Grant' }));
    await r.findByText('Granted “Arabic dialect” = Levantine.');
    expect(posts(calls, '/qualifications/q2/grants')).toEqual([{ user_id: 'u1', value: 'Levantine', reason: 'Interviewed in Levantine Arabic.' }]);
    fireEvent.change(f.getByLabelText('Qualification'), { target: { value: 'q3' } });
    expect(f.queryByLabelText(/^Value/)).toBeNull(); // a flag has no value
  });

  it('revokes after asking for a reason', async () => {
    const calls = server();
    const r = render(<ExpertPage userId="u1" user={MANAGER} />);
    fireEvent.click(await r.findByRole('button', { name: 'Revoke Licensed clinician' }));
    const dialog = r.getByRole('dialog', { name: 'Revoke “Licensed clinician”?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Give a reason: the expert reads it.');
    fireEvent.change(within(dialog).getByLabelText(/^Reason/), { target: { value: 'Licence lapsed in November.' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await r.findByText('Revoked “Licensed clinician”.');
    expect(posts(calls, '/qualifications/q3/revocations')).toEqual([{ user_id: 'u1', reason: 'Licence lapsed in November.' }]);
  });
});
