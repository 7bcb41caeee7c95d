import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup } from '@testing-library/react';
import { Login } from './Login';
import { refusal, stubApi } from '../test/stubApi';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

function signIn(retryAfterS?: number) {
  stubApi((_m, path) => (path === '/auth/login'
    ? (retryAfterS === undefined ? refusal(401, 'unauthenticated', 'invalid email or password')
      : refusal(429, 'resource_exhausted', 'too many failed sign-ins', { retry_after_s: retryAfterS, limit: 'account' }))
    : undefined));
  const r = render(<Login onLogin={() => {}} />);
  fireEvent.change(r.getByLabelText('Email'), { target: { value: 'eli@x.org' } });
  fireEvent.change(r.getByLabelText('Password'), { target: { value: 'guess-guess' } });
  fireEvent.click(r.getByRole('button', { name: 'Sign in' }));
  return r;
}

describe('sign-in refusals in words', () => {
  it('too many failed sign-ins: says how long to wait, without a code', async () => {
    const r = signIn(30);
    expect((await r.findByRole('alert')).textContent).toBe('Too many failed sign-ins from here. Try again in 30 seconds.');
  });
  it('long waits in minutes', async () => {
    const r = signIn(900);
    expect((await r.findByRole('alert')).textContent).toBe('Too many failed sign-ins from here. Try again in 15 minutes.');
  });
  it('a wrong email or password', async () => {
    const r = signIn();
    expect((await r.findByRole('alert')).textContent).toBe('The email or the password is not right.');
  });
});
