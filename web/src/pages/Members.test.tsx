import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { Members } from './Members';
import { refusal, stubApi } from '../test/stubApi';
import type { Invitation, Member } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const ELI: Member = { user_id: 'e1', email: 'eli@x.org', name: 'Eli Expert', role: 'expert', added_at: '2026-11-20T10:00:00Z', live_leases: 2, submissions: 3, last_submitted_at: '2026-11-23T10:00:00Z' };
const MAYA: Member = { user_id: 'm1', email: 'maya@x.org', name: 'Maya', role: 'manager', added_at: '2026-11-20T09:00:00Z', live_leases: 0, submissions: 0, last_submitted_at: null };

/** GET/POST/PATCH/DELETE on /projects/p1/members as docs/api.md says, over an in-memory list. */
function membersServer() {
  const members = [MAYA, ELI].map((m) => ({ ...m }));
  const invitations: Invitation[] = [];
  const calls = stubApi((method, path, body) => {
    if (method === 'GET' && path === '/projects/p1/members') return [200, { members, invitations }];
    if (method === 'POST' && path === '/users') return body.email === 'old@x.org' ? refusal(409, 'already_exists', 'a user with this email exists') : [201, { user: { id: 'n1', ...body } }];
    if (method === 'POST' && path === '/projects/p1/members') {
      invitations.push({ id: `v${invitations.length}`, project_id: 'p1', project_name: 'P', email: body.email, role: body.role, invited_by: 'Maya', created_at: '2026-11-24T10:00:00Z' });
      return [202, { invited: body.email, role: body.role }];
    }
    const m = path.match(/^\/projects\/p1\/members\/(\w+)$/);
    const who = members.find((x) => x.user_id === m?.[1]);
    if (!who) return undefined;
    if (method === 'PATCH') {
      if (who.user_id === 'e1' && body.role !== 'expert') return refusal(422, 'failed_precondition', 'a project role cannot exceed the person\'s account role', { field: 'role', max_role: 'expert' });
      if (who.role === 'manager' && body.role !== 'manager') return refusal(422, 'failed_precondition', 'a project needs at least one manager', { field: 'role' });
      who.role = body.role; return [200, { user_id: who.user_id, role: body.role }];
    }
    if (method === 'DELETE') {
      if (who.role === 'manager') return refusal(422, 'failed_precondition', 'a project needs at least one manager', { field: 'role' });
      members.splice(members.indexOf(who), 1);
      return [200, { removed: who.user_id, leases_returned: who.live_leases }];
    }
    return undefined;
  });
  return { calls, members, invitations };
}

describe('Members', () => {
  it('invites by email, says the person joins when she accepts, and lists the invitation as pending', async () => {
    const { calls } = membersServer();
    const r = render(<Members projectId="p1" />);
    await r.findByRole('cell', { name: 'eli@x.org' });
    expect(r.getByText('No invitations waiting for an answer.')).toBeTruthy();
    fireEvent.change(r.getByLabelText('Email'), { target: { value: 'nia@x.org' } });
    fireEvent.change(r.getByLabelText('Role'), { target: { value: 'reviewer' } });
    fireEvent.click(r.getByRole('button', { name: 'Invite' }));
    await r.findByText('Invited nia@x.org as reviewer. They join the project when they accept the invitation on their home page.');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ email: 'nia@x.org', role: 'reviewer' });
    await waitFor(() => expect(r.container.querySelector('.invitation-list-table')).toBeTruthy());
    const pending = within(r.container.querySelector('.invitation-list-table') as HTMLElement);
    expect(pending.getByRole('cell', { name: 'nia@x.org' })).toBeTruthy();
    expect(pending.getByRole('cell', { name: 'Maya' })).toBeTruthy(); // who invited
  });

  it('with “create the account”, creates the user and then invites; an existing email is said in words', async () => {
    const { calls } = membersServer();
    const r = render(<Members projectId="p1" />);
    await r.findByRole('cell', { name: 'eli@x.org' });
    fireEvent.click(r.getByLabelText('create the account'));
    fireEvent.change(r.getByLabelText('Email'), { target: { value: 'old@x.org' } });
    fireEvent.change(r.getByLabelText('Initial password'), { target: { value: 'password-123' } });
    fireEvent.click(r.getByRole('button', { name: 'Create and invite' }));
    const alert = await r.findByRole('alert');
    expect(alert.textContent).toBe('An account with old@x.org exists already, so nothing was created or sent. Untick “create the account” to invite it.');
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/members'))).toBe(false);
    fireEvent.change(r.getByLabelText('Email'), { target: { value: 'new@x.org' } });
    fireEvent.click(r.getByRole('button', { name: 'Create and invite' }));
    await r.findByText(/^Created the account for new@x.org and invited it as expert\. They join the project when they accept/);
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/users', '/users', '/projects/p1/members']);
  });

  it('shows each member’s activity and changes a role, putting the old one back with the refusal in words', async () => {
    const { calls } = membersServer();
    const r = render(<Members projectId="p1" />);
    const row = (await r.findByRole('rowheader', { name: 'Eli Expert' })).closest('tr')!;
    expect([...row.querySelectorAll('td.num')].map((td) => td.textContent)).toEqual(['2', '3']); // live leases, submissions
    expect(within(r.getByRole('rowheader', { name: 'Maya' }).closest('tr')!).getByText('never')).toBeTruthy();
    const eliRole = r.getByLabelText('Role of Eli Expert') as HTMLSelectElement;
    fireEvent.change(eliRole, { target: { value: 'manager' } });
    expect((await r.findByRole('alert')).textContent).toBe('Eli Expert cannot be a manager here: their account allows at most expert on a project.');
    await waitFor(() => expect(eliRole.value).toBe('expert'));
    expect(calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', path: '/projects/p1/members/e1', body: { role: 'manager' } });
    fireEvent.change(r.getByLabelText('Role of Maya'), { target: { value: 'reviewer' } });
    await waitFor(() => expect(r.getByRole('alert').textContent).toBe('A project needs at least one manager: make someone else a manager first.'));
    expect(r.queryByText(/\[failed_precondition\]/)).toBeNull();
  });

  it('removes a member after asking, and says how many leased tasks went back to the pool', async () => {
    const { calls } = membersServer();
    const r = render(<Members projectId="p1" />);
    fireEvent.click(await r.findByRole('button', { name: 'Remove Eli Expert' }));
    const dialog = r.getByRole('dialog', { name: 'Remove Eli Expert?' });
    expect(dialog.textContent).toBe('Remove Eli Expert?Close EscEli Expert will no longer see this project. The 2 tasks leased to them go back to the pool for others. Their 3 submissions stay, with their reviews. You can invite them again later.Remove Eli ExpertCancel');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false); // nothing before the confirmation
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Eli Expert' }));
    await r.findByText('Removed Eli Expert from this project. 2 leased tasks went back to the pool. Their submissions stay.');
    await waitFor(() => expect(r.queryByRole('rowheader', { name: 'Eli Expert' })).toBeNull());
    fireEvent.click(r.getByRole('button', { name: 'Remove Maya' }));
    fireEvent.click(within(r.getByRole('dialog')).getByRole('button', { name: 'Remove Maya' }));
    expect((await r.findByRole('alert')).textContent).toBe('A project needs at least one manager: make someone else a manager first.');
  });
});
