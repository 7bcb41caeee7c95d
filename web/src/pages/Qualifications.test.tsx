import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { QualificationsPage } from './Qualifications';
import { refusal, stubApi } from '../test/stubApi';
import type { Qualification } from '../lib/people';
import type { User } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const MANAGER: User = { id: 'm1', email: 'maya@x.org', name: 'Maya', role: 'manager' };
const REVIEWER: User = { id: 'r1', email: 'rita@x.org', name: 'Rita', role: 'reviewer' };

function server() {
  const list: Qualification[] = [{ id: 'q0', name: 'Licensed clinician', kind: 'flag', description: 'A current licence.', gold_rule: null, created_at: '' }];
  const calls = stubApi((method, path, body) => {
    if (path === '/qualifications' && method === 'GET') return [200, { qualifications: list }];
    if (path === '/projects') return [200, { projects: [{ id: 'p1', name: 'Arabic triage', instructions: '', template: [], overlap: 1, lease_seconds: 60 }] }];
    if (path === '/qualifications' && method === 'POST') {
      if (list.some((q) => q.name === body.name)) return refusal(409, 'already_exists', 'a qualification with this name exists', { field: 'name' });
      const q = { id: `q${list.length}`, created_at: '', gold_rule: null, ...body };
      list.push(q); return [201, q];
    }
    return undefined;
  });
  return calls;
}
const created = (calls: ReturnType<typeof stubApi>) => calls.filter((c) => c.method === 'POST').map((c) => c.body);

describe('Qualifications', () => {
  it('creates a scale granted by gold accuracy (0–100, a threshold as a share) and a set of values, and lists them in words', async () => {
    const calls = server();
    const r = render(<QualificationsPage user={MANAGER} />);
    await r.findByRole('rowheader', { name: 'Licensed clinician' });
    fireEvent.change(r.getByLabelText('Name'), { target: { value: 'Gold accuracy' } });
    fireEvent.click(r.getByLabelText(/^Scale/));
    fireEvent.click(r.getByLabelText(/Grant and revoke it/));
    expect((r.getByLabelText('Min') as HTMLInputElement).value).toBe('0'); // a gold scale is percent right
    expect((r.getByLabelText('Max') as HTMLInputElement).disabled).toBe(true);
    fireEvent.change(r.getByLabelText('Held while right (%)'), { target: { value: '90' } });
    fireEvent.change(r.getByLabelText('Gold answers first'), { target: { value: '20' } });
    await within(r.getByLabelText('On')).findByRole('option', { name: 'Arabic triage' });
    fireEvent.change(r.getByLabelText('On'), { target: { value: 'p1' } });
    fireEvent.click(r.getByRole('button', { name: 'Create qualification' }));
    await r.findByText('Created “Gold accuracy” (scale 0–100).');
    fireEvent.change(r.getByLabelText('Name'), { target: { value: 'Arabic dialect' } });
    fireEvent.click(r.getByLabelText(/^Set/));
    fireEvent.change(r.getByLabelText(/^Values/), { target: { value: 'Egyptian\nLevantine, Gulf' } });
    fireEvent.click(r.getByRole('button', { name: 'Create qualification' }));
    await r.findByText('Created “Arabic dialect” (one of Egyptian, Levantine, Gulf).');
    expect(created(calls)).toEqual([
      { name: 'Gold accuracy', kind: 'scale', description: '', min: 0, max: 100, gold_rule: { min_answers: 20, threshold: 0.9, project_id: 'p1' } },
      { name: 'Arabic dialect', kind: 'set', description: '', values: ['Egyptian', 'Levantine', 'Gulf'] },
    ]);
    await r.findByRole('rowheader', { name: 'Arabic dialect' });
    expect(r.getByText('flag (yes or no)')).toBeTruthy();
  });

  it('a name taken already is said next to the name', async () => {
    server();
    const r = render(<QualificationsPage user={MANAGER} />);
    await r.findByRole('rowheader', { name: 'Licensed clinician' });
    fireEvent.change(r.getByLabelText('Name'), { target: { value: 'Licensed clinician' } });
    fireEvent.click(r.getByRole('button', { name: 'Create qualification' }));
    await waitFor(() => expect(document.getElementById('cq-name-err')!.textContent).toBe('a qualification with this name exists'));
    expect(r.queryByText(/already_exists/)).toBeNull();
  });

  it('reviewers read the list but create nothing', async () => {
    server();
    const r = render(<QualificationsPage user={REVIEWER} />);
    await r.findByRole('rowheader', { name: 'Licensed clinician' });
    expect(r.queryByRole('button', { name: 'Create qualification' })).toBeNull();
    expect(r.queryByRole('link', { name: 'Contracts' })).toBeNull();
  });
});
