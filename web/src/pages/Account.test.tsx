import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { AccountPage } from './Account';
import { refusal, stubApi } from '../test/stubApi';
import type { ApiToken } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const USER = { id: 'e1', email: 'eli@x.org', name: 'Eli', role: 'expert' as const };
const OLD: ApiToken = { id: 't0', name: 'old script', created_at: '2026-01-02T10:00:00Z', expires_at: '2026-04-02T10:00:00Z', revoked_at: null, state: 'expired', scopes: ['read', 'work', 'manage'] };

/** POST/GET/DELETE /tokens and POST /me/password as docs/api.md says (the password is "old-password"). */
function accountServer() {
  const tokens: ApiToken[] = [{ ...OLD }];
  const calls = stubApi((method, path, body) => {
    if (method === 'GET' && path === '/tokens') return [200, { tokens }];
    if (method === 'POST' && path === '/tokens') {
      if (tokens.filter((t) => t.state === 'live').length >= 1) return refusal(429, 'resource_exhausted', 'too many live tokens: revoke one first', { limit: 1 });
      const t: ApiToken = { id: `t${tokens.length}`, name: body.name ?? '', created_at: new Date().toISOString(), expires_at: body.expires_at, revoked_at: null, state: 'live', scopes: body.scopes };
      tokens.unshift(t);
      return [201, { ...t, token: 'assay_s3cr3t-value' }];
    }
    const del = path.match(/^\/tokens\/(\w+)$/);
    if (method === 'DELETE' && del) { const t = tokens.find((x) => x.id === del[1])!; t.state = 'revoked'; t.revoked_at = new Date().toISOString(); return [204]; }
    if (method === 'POST' && path === '/me/password') {
      if (body.current_password !== 'old-password') return refusal(403, 'permission_denied', 'the current password is not right', { field: 'current_password' });
      for (const t of tokens) if (t.state === 'live') { t.state = 'revoked'; t.revoked_at = new Date().toISOString(); }
      return [204];
    }
    return undefined;
  });
  return { calls, tokens };
}

/** Types into the field whose label starts with `label` (some labels carry a hint after the name). */
const fill = (r: ReturnType<typeof render>, label: string, value: string) =>
  fireEvent.change(r.getByLabelText(new RegExp(`^${label.replace(/[()]/g, '\\$&')}`)), { target: { value } });

describe('account: password', () => {
  it('checks the confirmation before sending, says a wrong current password in words, then changes it', async () => {
    const { calls } = accountServer();
    const r = render(<AccountPage user={USER} />);
    fill(r, 'Current password', 'wrong-password');
    fill(r, 'New password', 'new-password-1');
    fill(r, 'Confirm new password', 'new-password-2');
    expect(r.getByText('The two new passwords differ.')).toBeTruthy();
    fireEvent.click(r.getByRole('button', { name: 'Change password' }));
    expect((await r.findByRole('alert')).textContent).toBe('The new password and its confirmation differ. Type the same password twice.');
    expect(calls.some((c) => c.path === '/me/password')).toBe(false);
    fill(r, 'Confirm new password', 'new-password-1');
    fireEvent.click(r.getByRole('button', { name: 'Change password' }));
    await waitFor(() => expect(r.getByRole('alert').textContent).toBe('The current password is not right. Nothing was changed.'));
    fill(r, 'Current password', 'old-password');
    fireEvent.click(r.getByRole('button', { name: 'Change password' }));
    await r.findByText('Password changed. You stay signed in here; every other session has ended and every API token was revoked.');
    expect(calls.filter((c) => c.path === '/me/password').at(-1)!.body).toEqual({ current_password: 'old-password', new_password: 'new-password-1' });
    expect((r.getByLabelText('Current password') as HTMLInputElement).value).toBe('');
    expect(r.queryByRole('alert')).toBeNull();
    expect(r.getByText(/every API token you have is revoked/)).toBeTruthy(); // said before, too
  });
});

describe('account: API tokens', () => {
  it('creates a token with a name and expiry, shows it once with a copy button, lists it', async () => {
    const { calls } = accountServer();
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const r = render(<AccountPage user={USER} />);
    await r.findByRole('rowheader', { name: 'old script' });
    expect(r.queryByRole('button', { name: 'Revoke old script' })).toBeNull(); // expired: nothing to revoke
    fill(r, 'Name', 'export script');
    fill(r, 'Expires in (days)', '30');
    fireEvent.click(r.getByRole('button', { name: 'Create token' }));
    const box = await r.findByRole('region', { name: 'New token' });
    expect(box.textContent).toContain('it will not be shown again');
    expect((within(box).getByRole('textbox') as HTMLInputElement).value).toBe('assay_s3cr3t-value');
    const sent = calls.find((c) => c.method === 'POST' && c.path === '/tokens')!.body;
    expect(sent.name).toBe('export script');
    expect(Math.round((Date.parse(sent.expires_at) - Date.now()) / 86_400_000)).toBe(30);
    fireEvent.click(within(box).getByRole('button', { name: 'Copy' }));
    await within(box).findByText('Copied to the clipboard.');
    expect(writeText).toHaveBeenCalledWith('assay_s3cr3t-value');
    const row = (await r.findByRole('rowheader', { name: 'export script' })).closest('tr')!;
    expect(within(row).getByText('live')).toBeTruthy();
    fireEvent.click(within(box).getByRole('button', { name: 'I have copied it' }));
    expect(r.queryByText('assay_s3cr3t-value')).toBeNull();
    expect(r.container.innerHTML).not.toContain('assay_s3cr3t-value'); // shown once
  });

  it('says in words when there are too many live tokens, and revokes after a confirmation', async () => {
    const { calls, tokens } = accountServer();
    tokens.unshift({ id: 'tl', name: 'agent', created_at: '2026-11-01T10:00:00Z', expires_at: '2027-01-30T10:00:00Z', revoked_at: null, state: 'live', scopes: ['read'] });
    const r = render(<AccountPage user={USER} />);
    await r.findByRole('rowheader', { name: 'agent' });
    fireEvent.click(r.getByRole('button', { name: 'Create token' })); // this server allows one live token
    expect((await r.findByRole('alert')).textContent).toBe('You have too many live tokens. Revoke one you no longer use, then create the new one.');
    fireEvent.click(r.getByRole('button', { name: 'Revoke agent' }));
    const dialog = r.getByRole('dialog', { name: 'Revoke “agent”?' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await r.findByText('Revoked “agent”. Anything using it is refused from now on.');
    expect(calls.find((c) => c.method === 'DELETE')!.path).toBe('/tokens/tl');
    await waitFor(() => expect(within(r.getByRole('rowheader', { name: 'agent' }).closest('tr')!).getByText('revoked')).toBeTruthy());
    expect(r.queryByRole('button', { name: 'Revoke agent' })).toBeNull();
  });

  it('makes a token that may only read, refuses one that may do nothing, and lists what each may do', async () => {
    const { calls } = accountServer();
    const r = render(<AccountPage user={USER} />);
    const old = (await r.findByRole('rowheader', { name: 'old script' })).closest('tr')!;
    expect(within(old).getByText('everything')).toBeTruthy();
    for (const label of [/^Read/, /^Expert work/, /^Manage/]) fireEvent.click(r.getByLabelText(label));
    fireEvent.click(r.getByRole('button', { name: 'Create token' }));
    expect((await r.findByRole('alert')).textContent).toBe('Choose at least one thing the token may do.');
    expect(calls.some((c) => c.method === 'POST' && c.path === '/tokens')).toBe(false);
    fireEvent.click(r.getByLabelText(/^Read/));
    fill(r, 'Name', 'dashboard');
    fireEvent.click(r.getByRole('button', { name: 'Create token' }));
    await r.findByRole('region', { name: 'New token' });
    expect(calls.find((c) => c.method === 'POST' && c.path === '/tokens')!.body.scopes).toEqual(['read']);
    const row = (await r.findByRole('rowheader', { name: 'dashboard' })).closest('tr')!;
    expect(within(row).getByText('read')).toBeTruthy();
  });
});
