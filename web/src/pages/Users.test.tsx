import { describe, expect, it, afterEach, vi } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { UsersPage } from './Users';
import { refusal, stubApi } from '../test/stubApi';
import type { UserInfo } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

/** GET /users, PATCH /users/{id} and POST /users/{id}/password-reset as docs/api.md says. */
function usersServer() {
  const users: UserInfo[] = [
    { id: 'u1', email: 'ada@x.org', name: 'Ada', role: 'expert', active: true, deactivated_at: null, has_password: true },
    { id: 'u2', email: 'bo@x.org', name: 'Bo', role: 'manager', active: false, deactivated_at: '2026-11-01T10:00:00Z', has_password: true },
  ];
  const calls = stubApi((method, path, body) => {
    const list = path.match(/^\/users\?limit=\d+(?:&q=([^&]*))?$/);
    if (method === 'GET' && list) {
      const q = decodeURIComponent(list[1] ?? '');
      return [200, { users: users.filter((u) => u.email.includes(q) || (u.name ?? '').includes(q)), next_cursor: null }];
    }
    const one = path.match(/^\/users\/(\w+)(\/password-reset)?$/);
    const u = one ? users.find((x) => x.id === one[1]) : undefined;
    if (method === 'PATCH' && u) { u.active = body.active; u.deactivated_at = body.active ? null : new Date().toISOString(); return [200, u]; }
    if (method === 'POST' && u && one?.[2]) {
      if (!u.active) return refusal(422, 'failed_precondition', 'this account is deactivated: reactivate it first');
      return [201, { user: u, token: 'r3set-secret', path: '/#/reset/r3set-secret', expires_at: '2026-12-05T10:00:00Z' }];
    }
    return undefined;
  });
  return { calls, users };
}

describe('accounts (admin)', () => {
  it('lists everyone with their state, finds by a piece of the email, deactivates after a confirmation', async () => {
    const { calls } = usersServer();
    const r = render(<UsersPage me="u0" />);
    const ada = (await r.findByRole('rowheader', { name: /^Ada\b/ })).closest('tr')!;
    expect(within(ada).getByText('active')).toBeTruthy();
    expect(within(r.getByRole('rowheader', { name: /^Bo\b/ }).closest('tr')!).getByText('deactivated')).toBeTruthy();
    fireEvent.change(r.getByLabelText('Find by email or name'), { target: { value: 'ada' } });
    fireEvent.click(r.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(r.queryByRole('rowheader', { name: /^Bo\b/ })).toBeNull());
    expect(calls.at(-1)!.path).toBe('/users?limit=100&q=ada');
    fireEvent.click(r.getByRole('button', { name: 'Deactivate Ada' }));
    const dialog = r.getByRole('dialog', { name: 'Deactivate Ada?' });
    expect(dialog.textContent).toContain('API tokens stop working at once');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    await r.findByText('Ada is deactivated: her sessions and tokens ended.');
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ active: false });
    await r.findByRole('button', { name: 'Reactivate Ada' });
  });

  it('issues a one-time reset link and shows it once as a full address', async () => {
    const { calls } = usersServer();
    const r = render(<UsersPage me="u0" />);
    fireEvent.click(await r.findByRole('button', { name: 'Reset link for Ada' }));
    fireEvent.click(within(r.getByRole('dialog')).getByRole('button', { name: 'Issue link' }));
    const box = await r.findByRole('region', { name: 'Reset link' });
    expect(box.textContent).toContain('it is shown once');
    expect((within(box).getByRole('textbox') as HTMLInputElement).value).toMatch(/#\/reset\/r3set-secret$/);
    expect(calls.find((c) => c.method === 'POST')!.path).toBe('/users/u1/password-reset');
    fireEvent.click(within(box).getByRole('button', { name: 'Done' }));
    expect(r.container.innerHTML).not.toContain('r3set-secret');
    expect(r.queryByRole('button', { name: 'Reset link for Bo' })).toBeNull(); // deactivated: reactivate first
  });

  it('offers the admin no action on her own account', async () => {
    usersServer();
    const r = render(<UsersPage me="u1" />);
    const mine = (await r.findByRole('rowheader', { name: /^Ada\b/ })).closest('tr')!;
    expect(within(mine).getByText('you')).toBeTruthy();
    expect(within(mine).queryByRole('button')).toBeNull();
  });
});
