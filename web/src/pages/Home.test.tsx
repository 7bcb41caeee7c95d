import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, waitFor } from '@testing-library/react';
import { Home } from './Home';
import { ManagerProjects } from './ManagerProjects';
import { refusal, stubApi } from '../test/stubApi';
import type { Invitation } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const invitation = (id: string, project: string, role: Invitation['role']): Invitation =>
  ({ id, project_id: `p-${id}`, project_name: project, email: 'eli@x.org', role, invited_by: 'Maya Manager', created_at: '2026-11-24T10:00:00Z' });

/** An expert with two invitations: accepting one puts its project on her list. */
function invitedServer() {
  const pending = [invitation('v1', 'Capitals QA', 'expert'), invitation('v2', 'Legal review', 'reviewer')];
  const projects: { id: string; name: string; template: []; overlap: number; lease_seconds: number }[] = [];
  const calls = stubApi((method, path) => {
    if (path === '/me/invitations') return [200, { invitations: pending }];
    if (path === '/projects') return [200, { projects }];
    if (path === '/me/stats') return [200, { projects: [] }];
    if (path === '/me/submissions') return [200, { submissions: [] }];
    const m = path.match(/^\/invitations\/(\w+)\/(accept|decline)$/);
    const v = pending.find((x) => x.id === m?.[1]);
    if (method !== 'POST' || !v) return undefined;
    if (m![2] === 'accept' && v.role === 'reviewer') return refusal(422, 'failed_precondition', 'a project role cannot exceed the person\'s account role', { field: 'role', max_role: 'expert' });
    pending.splice(pending.indexOf(v), 1);
    if (m![2] === 'accept') projects.push({ id: v.project_id, name: v.project_name, template: [], overlap: 1, lease_seconds: 600 });
    return [200, { [m![2] === 'accept' ? 'accepted' : 'declined']: true }];
  });
  return calls;
}

describe('invitations on the expert’s home', () => {
  it('lists pending invitations; accepting joins the project and refreshes the project list', async () => {
    const calls = invitedServer();
    const r = render(<Home user={{ id: 'e1', email: 'eli@x.org', name: 'Eli', role: 'expert' }} />);
    await r.findByText('Capitals QA');
    expect(r.getAllByText(/Invited by Maya Manager/)).toHaveLength(2);
    expect(r.getByText(/You are not on any project yet/)).toBeTruthy();
    fireEvent.click(r.getByRole('button', { name: 'Accept the invitation to Capitals QA' }));
    await r.findByText('You joined Capitals QA as expert.');
    expect(await r.findByRole('heading', { name: 'Capitals QA', level: 3 })).toBeTruthy(); // now among her projects
    expect(r.getByRole('link', { name: 'Start working' })).toBeTruthy();
    expect(calls.filter((c) => c.path === '/projects')).toHaveLength(2); // loaded again after the accept
    expect(r.queryByRole('button', { name: 'Accept the invitation to Capitals QA' })).toBeNull();
  });

  it('says in words why an invitation above her account’s role cannot be accepted, and can decline it', async () => {
    const calls = invitedServer();
    const r = render(<Home user={{ id: 'e1', email: 'eli@x.org', name: 'Eli', role: 'expert' }} />);
    fireEvent.click(await r.findByRole('button', { name: 'Accept the invitation to Legal review' }));
    expect((await r.findByRole('alert')).textContent).toBe('This invitation is for a reviewer, but your account can be at most expert on a project. Ask Maya Manager to invite you as expert.');
    fireEvent.click(r.getByRole('button', { name: 'Decline the invitation to Legal review' }));
    await r.findByText('You declined the invitation to Legal review.');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('POST /invitations/v2/decline');
    await waitFor(() => expect(r.queryByRole('button', { name: /Legal review/ })).toBeNull());
  });

  it('shows nothing when there is no invitation', async () => {
    stubApi((_m, path) => (path === '/me/invitations' ? [200, { invitations: [] }] : path === '/projects' ? [200, { projects: [] }] : [200, {}]));
    const r = render(<Home user={{ id: 'e1', email: 'eli@x.org', role: 'expert' }} />);
    await r.findByText(/You are not on any project yet/);
    expect(r.queryByRole('heading', { name: 'Invitations' })).toBeNull();
  });
});

describe('invitations on the managers’ landing page', () => {
  it('offers Accept there too, and the project appears among hers', async () => {
    invitedServer();
    const r = render(<ManagerProjects />);
    fireEvent.click(await r.findByRole('button', { name: 'Accept the invitation to Capitals QA' }));
    expect(await r.findByRole('heading', { name: 'Capitals QA', level: 3 })).toBeTruthy();
  });
});

describe('her answers waiting for review', () => {
  it('shows a send-back note and edits a pending answer in place, the earlier version kept by the server', async () => {
    const sub = { id: 's1', assignment_id: 'a1', item_id: 'i1', project_id: 'p1', expert_id: 'e1', client_submission_id: 'c', answer: { level: 'mild' }, active_ms: 1, submitted_at: '2026-12-01T10:00:00Z', state: 'pending', review: null, version: 1, sent_back: { note: 'Give the guideline for mild.', at: '' }, editable_until: new Date(Date.now() + 600_000).toISOString() };
    const old = { ...sub, id: 's0', sent_back: null, editable_until: undefined };
    const calls = stubApi((method, path, body) => {
      if (path === '/me/invitations') return [200, { invitations: [] }];
      if (path === '/projects') return [200, { projects: [{ id: 'p1', name: 'Triage', template: [], overlap: 1, lease_seconds: 600 }] }];
      if (path === '/me/stats') return [200, { projects: [] }];
      if (path === '/me/submissions') return [200, { submissions: [sub, old] }];
      if (path === '/projects/p1') return [200, { id: 'p1', name: 'Triage', instructions: '', overlap: 1, lease_seconds: 600, template: [{ type: 'text', source: 'q' }, { type: 'choice', name: 'level', options: ['mild', 'severe'] }] }];
      if (path === '/assignments/a1') return [200, { id: 'a1', item: { id: 'i1', data: { q: 'Chest pain at rest' } } }];
      if (method === 'PATCH' && path === '/submissions/s1') return [200, { ...sub, answer: body.answer, version: 2, sent_back: null }];
      return undefined;
    });
    const r = render(<Home user={{ id: 'e1', email: 'eli@x.org', name: 'Eli', role: 'expert' }} />);
    await r.findByText('Give the guideline for mild.');
    expect(r.getAllByRole('button', { name: /Edit/ })).toHaveLength(1); // the other one's time to edit is over
    fireEvent.click(r.getByRole('button', { name: /Edit/ }));
    await r.findByText('Chest pain at rest');
    fireEvent.click(r.getByLabelText(/severe/));
    fireEvent.click(r.getByRole('button', { name: 'Save the new version' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ answer: { level: 'severe' } }));
  });
});
