import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within } from '@testing-library/react';
import { ContractsPage } from './Contracts';
import { stubApi } from '../test/stubApi';
import type { Contract } from '../lib/people';
import type { User } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const MANAGER: User = { id: 'm1', email: 'maya@x.org', name: 'Maya', role: 'manager' };
const k = (id: string, family: string, version: number, title: string, body: string): Contract =>
  ({ id, family_id: family, version, title, body, sha256: `${id}`.padEnd(64, '0'), created_at: '2026-11-0' + version + 'T00:00:00Z' });

function server() {
  const all = [k('a1', 'a1', 1, 'Expert terms', '# Terms\nv1 text'), k('a2', 'a1', 2, 'Expert terms', '# Terms\nv2 text'), k('b1', 'b1', 1, 'NDA', 'Keep it secret.')];
  const calls = stubApi((method, path, body) => {
    if (method === 'GET' && path === '/contracts') return [200, { contracts: all.map(({ body: _, ...rest }) => rest) }];
    const one = all.find((x) => path === `/contracts/${x.id}`);
    if (method === 'GET' && one) return [200, one];
    if (method === 'POST' && path === '/contracts') { const n = k(`c${all.length}`, `c${all.length}`, 1, body.title, body.body); all.push(n); return [201, n]; }
    const fam = path.match(/^\/contracts\/(\w+)\/versions$/);
    if (method === 'POST' && fam) { const of = all.find((x) => x.id === fam[1])!; const n = k(`${of.family_id}-${all.length}`, of.family_id, 3, body.title, body.body); all.push(n); return [201, n]; }
    return undefined;
  });
  return calls;
}

describe('Contracts', () => {
  it('groups versions by contract, newest first, and reads any version', async () => {
    server();
    const r = render(<ContractsPage user={MANAGER} />);
    const terms = (await r.findByRole('heading', { name: 'Expert terms' })).closest('li')!;
    expect([...terms.querySelectorAll('.versions b')].map((b) => b.textContent)).toEqual(['Version 2', 'Version 1']);
    expect(within(terms).getByText('latest')).toBeTruthy();
    fireEvent.click(within(terms).getByRole('button', { name: 'Read version 1 of Expert terms' }));
    const dialog = await r.findByRole('dialog', { name: 'Expert terms — version 1' });
    expect(within(dialog).getByText('v1 text')).toBeTruthy();
  });

  it('publishes a contract beside its preview, without running any markup in it', async () => {
    const calls = server();
    const r = render(<ContractsPage user={MANAGER} />);
    await r.findByRole('heading', { name: 'NDA' });
    fireEvent.click(r.getByRole('button', { name: 'Publish a contract' }));
    fireEvent.change(r.getByLabelText('Title'), { target: { value: 'Reviewer terms' } });
    fireEvent.change(r.getByLabelText('Text (markdown)'), { target: { value: '## Your work\nYou **assign** the IP. <img src=x onerror=alert(1)>' } });
    const preview = r.container.querySelector('.contract-editor .contract-text') as HTMLElement;
    expect(within(preview).getByRole('heading', { name: 'Your work' })).toBeTruthy();
    expect(within(preview).getByText('assign').tagName).toBe('STRONG');
    expect(preview.querySelector('img')).toBeNull();
    fireEvent.click(r.getByRole('button', { name: 'Publish' }));
    await r.findByText('Published “Reviewer terms”, version 1.');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ title: 'Reviewer terms', body: '## Your work\nYou **assign** the IP. <img src=x onerror=alert(1)>' });
  });

  it('a new version starts from the latest text and must change it', async () => {
    const calls = server();
    const r = render(<ContractsPage user={MANAGER} />);
    fireEvent.click(await r.findByRole('button', { name: 'New version of Expert terms' }));
    const text = await r.findByLabelText('Text (markdown)') as HTMLTextAreaElement;
    expect(text.value).toBe('# Terms\nv2 text');
    expect(r.getByRole('heading', { name: 'New version of “Expert terms” (version 3)' })).toBeTruthy();
    fireEvent.click(r.getByRole('button', { name: 'Publish version 3' }));
    expect(r.getByRole('alert').textContent).toBe('This is the text of version 2: change something first.');
    fireEvent.change(text, { target: { value: '# Terms\nv3 text: pay within 14 days.' } });
    fireEvent.click(r.getByRole('button', { name: 'Publish version 3' }));
    await r.findByText('Published “Expert terms”, version 3.');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/contracts/a2/versions']);
  });
});
