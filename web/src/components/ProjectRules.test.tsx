// "Who may work on it" in a project's settings: requirement rows, the contract, the caps.
import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { ProjectEdit } from '../pages/ManagerProjects';
import { refusal, stubApi } from '../test/stubApi';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const PROJECT = { id: 'p1', name: 'Cardiology answers', instructions: '', overlap: 1, lease_seconds: 600,
  template: [{ type: 'text', source: 'q' }, { type: 'rating', name: 's', min: 1, max: 5 }],
  requirements: [{ qualification: 'q1', op: '>=', value: 3 }], contract_id: 'k1', daily_cap: null, max_share: null };
const QUALS = [
  { id: 'q1', name: 'Cardiology board', kind: 'scale', min: 1, max: 5, description: '', gold_rule: null, created_at: '' },
  { id: 'q2', name: 'Arabic dialect', kind: 'set', values: ['Egyptian', 'Levantine', 'Gulf'], description: '', gold_rule: null, created_at: '' },
];
const CONTRACTS = [
  { id: 'k1', family_id: 'k1', version: 1, title: 'Expert terms', sha256: '1'.repeat(64), created_at: '' },
  { id: 'k2', family_id: 'k1', version: 2, title: 'Expert terms', sha256: '2'.repeat(64), created_at: '' },
];

function server(patch?: (body: any) => ReturnType<typeof refusal>) {
  return stubApi((method, path, body) => {
    if (method === 'GET' && path === '/projects/p1') return [200, PROJECT];
    if (path === '/qualifications') return [200, { qualifications: QUALS }];
    if (path === '/contracts') return [200, { contracts: CONTRACTS }];
    if (path === '/taxonomy') return [200, { paths: [{ path: 'medicine', label: 'Medicine', builtin: true }, { path: 'medicine/cardiology', label: 'Cardiology', builtin: true }] }];
    if (path === '/projects/p1/members') return [200, { members: [], invitations: [] }];
    if (method === 'PATCH' && path === '/projects/p1') return patch?.(body) ?? [200, { ...PROJECT, ...body }];
    return undefined;
  });
}

describe('who may work on a project', () => {
  it('edits requirement rows with values fitting each kind, the contract version and the caps, and sends them with the project', async () => {
    const calls = server();
    const r = render(<ProjectEdit projectId="p1" />);
    const rules = within(await r.findByRole('group', { name: 'Who may work on it' }));
    await rules.findByRole('option', { name: 'Arabic dialect' });
    expect((rules.getByLabelText('Qualification 1') as HTMLSelectElement).value).toBe('q1'); // as the project has it
    expect((rules.getByLabelText('Must be') as HTMLSelectElement).value).toBe('>=');
    expect((rules.getByLabelText(/^Value/) as HTMLInputElement).value).toBe('3');
    fireEvent.change(rules.getByLabelText(/^Value/), { target: { value: '4' } });
    fireEvent.click(rules.getByRole('button', { name: '+ Qualification' }));
    fireEvent.change(rules.getByLabelText('Qualification 2'), { target: { value: 'q2' } });
    const ops = rules.getAllByLabelText('Must be')[1] as HTMLSelectElement;
    expect([...ops.options].map((o) => o.textContent)).toEqual(['exactly', 'one of', 'has it']); // a set takes =, in, exists
    fireEvent.change(ops, { target: { value: 'in' } });
    fireEvent.click(rules.getByLabelText('Egyptian'));
    fireEvent.click(rules.getByLabelText('Gulf'));
    fireEvent.click(rules.getByRole('button', { name: '+ Language' }));
    fireEvent.change(rules.getByLabelText(/^Language 3/), { target: { value: 'ar' } });
    fireEvent.change(rules.getByLabelText('Lowest level'), { target: { value: 'C1' } });
    fireEvent.click(rules.getByRole('button', { name: '+ Domain' }));
    fireEvent.change(rules.getByLabelText('Domain 4'), { target: { value: 'medicine/cardiology' } });
    fireEvent.change(rules.getByLabelText('Contract to accept before the first task'), { target: { value: 'k2' } });
    fireEvent.change(rules.getByLabelText(/^Tasks per expert per 24 hours/), { target: { value: '40' } });
    fireEvent.change(rules.getByLabelText(/^Largest share of the labels per expert/), { target: { value: '20' } });
    fireEvent.click(r.getByRole('button', { name: 'Save changes' }));
    await r.findByText(/^Saved /);
    expect(calls.find((c) => c.method === 'PATCH')!.body).toMatchObject({
      requirements: [{ qualification: 'q1', op: '>=', value: 4 }, { qualification: 'q2', op: 'in', value: ['Egyptian', 'Gulf'] }, { language: 'ar', level: 'C1' }, { domain: 'medicine/cardiology' }],
      contract_id: 'k2', daily_cap: 40, max_share: 0.2,
    });
  });

  it('clears the contract and caps with null, and shows the server’s complaint next to the requirement it names', async () => {
    const calls = server((body) => (body.requirements.length === 2
      ? refusal(400, 'invalid_argument', 'requirements[1]: language is not a BCP 47 tag', { field: 'requirements', index: 1 }) : undefined as any));
    const r = render(<ProjectEdit projectId="p1" />);
    const rules = within(await r.findByRole('group', { name: 'Who may work on it' }));
    await rules.findByRole('option', { name: /version 2/ });
    fireEvent.change(rules.getByLabelText('Contract to accept before the first task'), { target: { value: '' } });
    fireEvent.click(rules.getByRole('button', { name: '+ Language' }));
    fireEvent.change(rules.getByLabelText(/^Language 2/), { target: { value: 'arabic!' } });
    fireEvent.click(r.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(rules.getByLabelText(/^Language 2/).getAttribute('aria-invalid')).toBe('true'));
    const note = document.getElementById(rules.getByLabelText(/^Language 2/).getAttribute('aria-describedby')!)!;
    expect(note.textContent).toBe('language is not a BCP 47 tag');
    expect(rules.getByLabelText('Qualification 1').getAttribute('aria-invalid')).toBeNull();
    expect(r.getByRole('alert').textContent).toBe('Not saved: fix what is said under “Who may work on it”.');
    expect(calls.find((c) => c.method === 'PATCH')!.body).toMatchObject({ contract_id: null, daily_cap: null, max_share: null });
    fireEvent.click(rules.getByRole('button', { name: 'Remove requirement 2' }));
    fireEvent.click(r.getByRole('button', { name: 'Save changes' }));
    await r.findByText(/^Saved /);
  });
});
