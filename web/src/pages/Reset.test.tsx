import { describe, expect, it, afterEach, vi } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup } from '@testing-library/react';
import { ResetPage } from './Reset';
import { refusal, stubApi } from '../test/stubApi';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

/** The reset-link routes: "good" works once, anything else is dead. */
function resetServer() {
  let used = false;
  return stubApi((method, path, body) => {
    const live = body?.token === 'good' && !used;
    if (method === 'POST' && path === '/auth/password-reset/inspect') {
      return live ? [200, { email: 'ada@x.org', name: 'Ada', expires_at: '2026-12-05T10:00:00Z' }]
        : refusal(404, 'not_found', 'this reset link is not valid', { field: 'token' });
    }
    if (method === 'POST' && path === '/auth/password-reset') {
      if (!live) return refusal(404, 'not_found', 'this reset link is not valid', { field: 'token' });
      if (body.new_password.length > 1024) return refusal(400, 'invalid_argument', 'too long', { field: 'new_password' });
      used = true;
      return [204];
    }
    return undefined;
  });
}

const fill = (r: ReturnType<typeof render>, label: RegExp, value: string) => fireEvent.change(r.getByLabelText(label), { target: { value } });

describe('password reset link', () => {
  it('says whom the link is for, checks the confirmation, sets the password once', async () => {
    const calls = resetServer();
    const r = render(<ResetPage token="good" />);
    await r.findByText('Ada (ada@x.org)');
    fill(r, /^New password/, 'brand new pass');
    fill(r, /^Confirm new password/, 'brand new pas');
    fireEvent.click(r.getByRole('button', { name: 'Set password' }));
    expect((await r.findByRole('alert')).textContent).toBe('The new password and its confirmation differ. Type the same password twice.');
    expect(calls.some((c) => c.path === '/auth/password-reset')).toBe(false);
    fill(r, /^Confirm new password/, 'brand new pass');
    fireEvent.click(r.getByRole('button', { name: 'Set password' }));
    await r.findByText('Your password is set. Every earlier session and API token of yours has ended.');
    expect(calls.find((c) => c.path === '/auth/password-reset')!.body).toEqual({ token: 'good', new_password: 'brand new pass' });
  });

  it('says in words that a used or expired link no longer works', async () => {
    resetServer();
    const r = render(<ResetPage token="used" />);
    expect((await r.findByRole('alert')).textContent).toContain('This reset link no longer works');
    expect(r.queryByLabelText(/^New password/)).toBeNull();
  });
});
