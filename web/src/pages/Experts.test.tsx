import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { ExpertsPage, PAGE_SIZE } from './Experts';
import { stubApi } from '../test/stubApi';
import type { Profile } from '../lib/people';
import type { User } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); sessionStorage.clear(); });

const MANAGER: User = { id: 'm1', email: 'maya@x.org', name: 'Maya', role: 'manager' };
const expert = (n: number, extra: Partial<Profile> = {}): Profile => ({
  user_id: `u${String(n).padStart(3, '0')}`, email: `e${n}@x.org`, name: `Expert ${n}`, headline: '', bio: '', domains: [], languages: [],
  rate_cents: null, currency: 'USD', timezone: 'UTC', availability_hours: null, status: 'active', updated_at: '2026-11-01T00:00:00Z', ...extra,
});
const NADIA = expert(1, { name: 'Nadia Saleh', headline: 'طبيبة قلب', domains: ['medicine/cardiology'], languages: [{ tag: 'ar-EG', level: 'native' }], rate_cents: 8000, availability_hours: 10, timezone: 'Africa/Cairo' });

function directory() {
  const all = [NADIA, ...Array.from({ length: 30 }, (_, i) => expert(i + 2))];
  return stubApi((method, path) => {
    if (path === '/taxonomy') return [200, { paths: [{ path: 'medicine', label: 'Medicine', builtin: true }, { path: 'medicine/cardiology', label: 'Cardiology', builtin: true }] }];
    if (path === '/qualifications') return [200, { qualifications: [{ id: 'q1', name: 'Cardiology board', kind: 'scale', min: 1, max: 5, description: '', gold_rule: null, created_at: '' }] }];
    if (method !== 'GET' || !path.startsWith('/experts')) return undefined;
    const q = new URL('http://x' + path).searchParams;
    const filtered = q.has('language') ? all.filter((e) => e.languages.some((l) => l.tag.startsWith(q.get('language')!))) : all;
    const from = q.get('cursor') ? filtered.findIndex((e) => e.user_id === q.get('cursor')) + 1 : 0;
    const page = filtered.slice(from, from + Number(q.get('limit')));
    return [200, { experts: page, next_cursor: from + page.length < filtered.length ? page[page.length - 1].user_id : null }];
  });
}

describe('Experts directory', () => {
  it('sends every filter together, in the API’s terms (cents, ids, paths)', async () => {
    const calls = directory();
    const r = render(<ExpertsPage user={MANAGER} />);
    await r.findByRole('link', { name: 'Nadia Saleh' });
    await r.findByRole('option', { name: 'Cardiology board' });
    fireEvent.change(r.getByLabelText('Domain'), { target: { value: 'medicine/cardiology' } });
    fireEvent.change(r.getByLabelText('Qualification'), { target: { value: 'q1' } });
    fireEvent.change(r.getByLabelText('Status'), { target: { value: 'active' } });
    fireEvent.change(r.getByLabelText('Language'), { target: { value: 'ar' } });
    fireEvent.change(r.getByLabelText('Rate at most'), { target: { value: '90.50' } });
    fireEvent.change(r.getByLabelText('Search'), { target: { value: 'nadia' } });
    fireEvent.click(r.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(calls[calls.length - 1].path).toContain('q=nadia'));
    const q = new URL('http://x' + calls[calls.length - 1].path).searchParams;
    expect(Object.fromEntries(q)).toEqual({ q: 'nadia', domain: 'medicine/cardiology', language: 'ar', qualification: 'q1', status: 'active', max_rate_cents: '9050', limit: String(PAGE_SIZE) });
    const row = (await r.findByRole('link', { name: 'Nadia Saleh' })).closest('tr')!;
    expect(within(row).getByText('Medicine › Cardiology')).toBeTruthy();
    expect(within(row).getByText('Arabic (Egypt) native')).toBeTruthy();
    expect(within(row).getByText('$80.00')).toBeTruthy();
    expect(within(row).getByText('طبيبة قلب').getAttribute('dir')).toBe('auto');
    expect(r.getByRole('link', { name: 'Nadia Saleh' }).getAttribute('href')).toBe('#/people/expert/u001');
    fireEvent.click(r.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(calls[calls.length - 1].path).toBe(`/experts?limit=${PAGE_SIZE}`));
  });

  it('keeps the filters applied when she comes back from an expert’s page', async () => {
    const calls = directory();
    const r = render(<ExpertsPage user={MANAGER} />);
    await r.findByRole('link', { name: 'Nadia Saleh' });
    fireEvent.change(r.getByLabelText('Language'), { target: { value: 'ar' } });
    fireEvent.click(r.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(calls[calls.length - 1].path).toContain('language=ar'));
    r.unmount(); // she opens Nadia's page, then goes back
    const n = calls.length;
    const again = render(<ExpertsPage user={MANAGER} />);
    await again.findByRole('link', { name: 'Nadia Saleh' });
    expect(calls.slice(n).filter((c) => c.path.startsWith('/experts')).map((c) => c.path)).toEqual([`/experts?language=ar&limit=${PAGE_SIZE}`]);
    expect((again.getByLabelText('Language') as HTMLInputElement).value).toBe('ar');
  });

  it('pages with the server’s cursor, forward and back', async () => {
    const calls = directory();
    const r = render(<ExpertsPage user={MANAGER} />);
    await r.findByRole('link', { name: 'Nadia Saleh' });
    expect(r.getAllByRole('row')).toHaveLength(PAGE_SIZE + 1);
    fireEvent.click(r.getByRole('button', { name: 'Next page →' }));
    await r.findByRole('link', { name: 'Expert 27' });
    expect(calls[calls.length - 1].path).toContain(`cursor=u${String(PAGE_SIZE).padStart(3, '0')}`);
    expect(r.getAllByRole('row')).toHaveLength(31 - PAGE_SIZE + 1);
    expect(r.queryByRole('button', { name: 'Next page →' })).toBeNull();
    fireEvent.click(r.getByRole('button', { name: '← Previous page' }));
    await r.findByRole('link', { name: 'Nadia Saleh' });
    expect(r.queryByRole('button', { name: '← Previous page' })).toBeNull();
  });

  it('says when nobody matches every filter', async () => {
    directory();
    const r = render(<ExpertsPage user={MANAGER} />);
    await r.findByRole('link', { name: 'Nadia Saleh' });
    fireEvent.change(r.getByLabelText('Language'), { target: { value: 'he' } });
    fireEvent.submit(r.getByRole('search'));
    await r.findByText('No expert matches all of these filters.');
  });
});
