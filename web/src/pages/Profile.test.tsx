import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor } from '@testing-library/react';
import { ProfilePage } from './Profile';
import { refusal, stubApi } from '../test/stubApi';
import type { Credential, ExpertView } from '../lib/people';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });
vi.setConfig({ testTimeout: 20_000 }); // a select of every time zone is slow to query in jsdom

const CRED: Credential = { id: 'c1', kind: 'licence', title: 'Medical licence', issuer: 'Egyptian Medical Syndicate', number: 'EG-1', country: 'Egypt',
  expires_on: '2028-01-31', evidence: null, status: 'unverified', verified_by: null, verified_at: null, note: '', created_at: '2026-11-01T00:00:00Z' };
const VIEW: ExpertView = {
  user_id: 'u1', email: 'nadia@x.org', name: 'Nadia', headline: '', bio: '', domains: [], languages: [{ tag: 'en', level: 'C2' }],
  rate_cents: null, currency: 'USD', timezone: 'UTC', availability_hours: null, status: 'active', updated_at: '2026-11-01T00:00:00Z',
  history: [{ from: 'applicant', to: 'active', reason: 'Licence checked; welcome.', by: 'Maya', at: '2026-11-02T10:00:00Z' }],
  credentials: [CRED, { ...CRED, id: 'c2', title: 'MD', kind: 'degree', status: 'rejected', note: 'The scan is unreadable: upload a sharper one.', verified_by: 'Rita', verified_at: '2026-11-03T00:00:00Z',
    evidence: { content_type: 'application/pdf', bytes: 20480 } }],
  qualifications: [{ id: 'g1', qualification_id: 'q1', qualification: 'Cardiology board', value: 4, source: 'manual', reason: 'Passed the board test.', granted_by: 'Maya', granted_at: '2026-11-04T00:00:00Z', expires_at: null }],
  qualification_history: [
    { id: 'g2', qualification_id: 'q2', qualification: 'Triage', value: true, source: 'gold', reason: 'Revoked: gold accuracy fell below the threshold: 7 of 10 gold answers right (70%; the threshold is 80%)', granted_by: '', granted_at: '2026-11-05T00:00:00Z', expires_at: null, revoked: true },
    { id: 'g1', qualification_id: 'q1', qualification: 'Cardiology board', value: 4, source: 'manual', reason: 'Passed the board test.', granted_by: 'Maya', granted_at: '2026-11-04T00:00:00Z', expires_at: null, revoked: false },
  ],
  contracts: [{ id: 'a1', contract_id: 'k1', title: 'Expert terms', version: 2, sha256: 'f'.repeat(64), accepted_at: '2026-11-06T00:00:00Z', address: '10.0.0.7', user_agent: 'x' }],
};
const TAXONOMY = { paths: [
  { path: 'medicine', label: 'Medicine', builtin: true }, { path: 'medicine/cardiology', label: 'Cardiology', builtin: true },
  { path: 'medicine/dermatology', label: 'Dermatology', builtin: true }, { path: 'law', label: 'Law', builtin: true },
] };

function profileServer(put?: (body: any) => ReturnType<typeof refusal>) {
  return stubApi((method, path, body) => {
    if (method === 'GET' && path === '/me/profile') return [200, VIEW];
    if (method === 'GET' && path === '/taxonomy') return [200, TAXONOMY];
    if (method === 'PUT' && path === '/me/profile') return put?.(body) ?? [200, { ...VIEW, ...body, languages: body.languages.map((l: any) => ({ ...l, tag: l.tag.replace(/-(\w+)$/, (_: string, r: string) => `-${r.toUpperCase()}`) })) }];
    if (method === 'POST' && path === '/me/credentials') return [201, { ...CRED, id: 'c3', ...body }];
    return undefined;
  });
}

describe('My profile', () => {
  it('shows her status with every change and its reason, credentials with the reviewer’s note, qualifications with reasons and what was revoked, and accepted contracts to download', async () => {
    profileServer();
    const r = render(<ProfilePage />);
    await r.findByRole('heading', { name: /Status:/ });
    expect(r.getByText('Licence checked; welcome.')).toBeTruthy();
    expect(r.getByText('The scan is unreadable: upload a sharper one.')).toBeTruthy();
    expect(r.getByText(/Rejected by Rita/)).toBeTruthy();
    const grants = r.container.querySelector('table.grants') as HTMLElement;
    expect(within(grants).getByRole('rowheader', { name: 'Cardiology board' })).toBeTruthy();
    expect(within(grants).getByText('Passed the board test.')).toBeTruthy();
    expect(r.getByText(/7 of 10 gold answers right/)).toBeTruthy(); // the revocation and its reason
    const download = r.getByRole('link', { name: 'Download Expert terms version 2' });
    expect(download.getAttribute('href')).toBe('/api/v1/me/contracts/a1');
    expect(download.hasAttribute('download')).toBe(true);
    expect(r.getByRole('link', { name: 'Open the evidence of MD' }).getAttribute('href')).toBe('/api/v1/credentials/c2/evidence');
    // a checked credential keeps its evidence: only the unverified one offers an upload
    expect(r.getAllByLabelText(/Upload evidence|Replace the evidence/)).toHaveLength(1);
  });

  it('picks domains from the searchable list, adds a language row, and saves rate in cents, zone and hours', async () => {
    const calls = profileServer();
    const r = render(<ProfilePage />);
    const picker = await r.findByRole('combobox', { name: /Domains/ });
    fireEvent.focus(picker);
    fireEvent.change(picker, { target: { value: 'cardio' } });
    const list = r.getByRole('listbox', { name: 'Domains' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['Medicine › Cardiology']);
    fireEvent.keyDown(picker, { key: 'Enter' });
    expect(r.getByRole('button', { name: 'Remove Medicine › Cardiology' })).toBeTruthy();
    fireEvent.change(r.getByLabelText(/Headline/), { target: { value: 'طبيبة قلب' } });
    fireEvent.click(r.getByRole('button', { name: 'Add a language' }));
    fireEvent.change(r.getByLabelText('Language 2'), { target: { value: 'ar-eg' } });
    expect(r.getByText('Arabic (Egypt)')).toBeTruthy(); // the tag read back as a name while she types
    fireEvent.change(r.getAllByLabelText('Level')[1], { target: { value: 'native' } });
    fireEvent.change(r.getByLabelText('Hourly rate'), { target: { value: '80.50' } });
    fireEvent.change(r.getByLabelText('Currency'), { target: { value: 'EUR' } });
    fireEvent.change(r.getByLabelText('Time zone'), { target: { value: 'Africa/Cairo' } });
    fireEvent.change(r.getByLabelText('Available hours a week'), { target: { value: '12' } });
    fireEvent.click(r.getByRole('button', { name: 'Save profile' }));
    await r.findByText(/^Saved /);
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      headline: 'طبيبة قلب', bio: '', domains: ['medicine/cardiology'], languages: [{ tag: 'en', level: 'C2' }, { tag: 'ar-eg', level: 'native' }],
      rate_cents: 8050, currency: 'EUR', timezone: 'Africa/Cairo', availability_hours: 12,
    });
    await waitFor(() => expect((r.getByLabelText('Language 2') as HTMLInputElement).value).toBe('ar-EG')); // as the server keeps it
    expect(r.getByLabelText(/Headline/).getAttribute('dir')).toBe('auto');
  });

  it('refuses a rate that is not an amount of money (a third decimal, a minus) next to the field, sending nothing', async () => {
    const calls = profileServer();
    const r = render(<ProfilePage />);
    const rate = await r.findByLabelText('Hourly rate');
    for (const bad of ['80.505', '-80']) {
      fireEvent.change(rate, { target: { value: bad } });
      expect((rate as HTMLInputElement).value).toBe(bad);
      fireEvent.submit(rate.closest('form')!); // a browser's own check on the number field aside
      await waitFor(() => expect(rate.getAttribute('aria-invalid')).toBe('true'));
      expect(document.getElementById(rate.getAttribute('aria-describedby')!)!.textContent).toBe('write the rate as a number, like 80 or 80.50');
    }
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([]);
  });

  it('puts the server’s complaint next to the field it names (languages[1].tag), not as a code', async () => {
    profileServer(() => refusal(400, 'invalid_argument', 'languages[1].tag: "arabic!" is not a BCP 47 tag (like ar-EG)', { field: 'languages[1].tag' }));
    const r = render(<ProfilePage />);
    await r.findByLabelText('Language 1');
    fireEvent.click(r.getByRole('button', { name: 'Add a language' })); // an empty row is not sent
    fireEvent.click(r.getByRole('button', { name: 'Add a language' }));
    fireEvent.change(r.getByLabelText('Language 3'), { target: { value: 'arabic!' } });
    fireEvent.click(r.getByRole('button', { name: 'Save profile' }));
    const tag = r.getByLabelText('Language 3');
    await waitFor(() => expect(tag.getAttribute('aria-invalid')).toBe('true'));
    const note = document.getElementById(tag.getAttribute('aria-describedby')!)!;
    expect(note.textContent).toBe('"arabic!" is not a BCP 47 tag (like ar-EG)');
    expect(r.getByText('Not saved: language 2 needs a fix (said next to it).')).toBeTruthy(); // the second one sent
    expect(r.getByLabelText('Language 1').getAttribute('aria-invalid')).toBeNull();
    expect(r.queryByText(/invalid_argument/)).toBeNull();
    expect(document.activeElement).toBe(tag);
  });

  it('adds a credential, then uploads its evidence with progress; a wrong type or a file too large is refused before sending', async () => {
    const calls = profileServer();
    const sent: { method: string; url: string; type: string; body: unknown }[] = [];
    class FakeXhr {
      upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
      onload?: () => void; onerror?: () => void; status = 0; responseText = '';
      private method = ''; private url = ''; private type = '';
      open(m: string, u: string) { this.method = m; this.url = u; }
      setRequestHeader(k: string, v: string) { if (k === 'Content-Type') this.type = v; }
      send(body: unknown) {
        sent.push({ method: this.method, url: this.url, type: this.type, body });
        this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
        setTimeout(() => { this.status = 200; this.responseText = JSON.stringify({ ...CRED, id: 'c3', title: 'Board certificate', evidence: { content_type: 'application/pdf', bytes: 2048 } }); this.onload?.(); }, 0);
      }
    }
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const r = render(<ProfilePage />);
    const add = await r.findByRole('form', { name: 'Add a credential' });
    fireEvent.change(within(add).getByLabelText('Kind'), { target: { value: 'certification' } });
    fireEvent.change(within(add).getByLabelText('Title'), { target: { value: 'Board certificate' } });
    fireEvent.click(within(add).getByRole('button', { name: 'Add credential' }));
    await r.findByText('Added “Board certificate”. Upload its evidence above so a reviewer can verify it.');
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ kind: 'certification', title: 'Board certificate' });
    const card = r.getByRole('heading', { name: 'Board certificate' }).closest('li')!;
    const input = within(card).getByLabelText(/Upload evidence/) as HTMLInputElement;
    expect(within(card).getByText('(PDF, PNG or JPEG, at most 10.0 MB)')).toBeTruthy();
    fireEvent.change(input, { target: { files: [new File(['hello'], 'notes.txt', { type: 'text/plain' })] } });
    expect(within(card).getByRole('alert').textContent).toBe('“notes.txt” is not a PDF, PNG or JPEG file. Evidence must be a PDF, PNG or JPEG of at most 10.0 MB.');
    const big = new File(['%PDF-'], 'scan.pdf', { type: 'application/pdf' });
    Object.defineProperty(big, 'size', { value: 11 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [big] } });
    expect(within(card).getByRole('alert').textContent).toBe('“scan.pdf” is 11.0 MB: the limit is 10.0 MB. Evidence must be a PDF, PNG or JPEG of at most 10.0 MB.');
    expect(sent).toHaveLength(0);
    const pdf = new File(['%PDF-1.4 board'], 'board.pdf', { type: 'application/pdf' });
    fireEvent.change(input, { target: { files: [pdf] } });
    expect(within(card).getByRole('progressbar', { name: 'Uploading the evidence of Board certificate' })).toBeTruthy();
    expect(within(card).getByText('50%')).toBeTruthy();
    await within(card).findByText(/^Uploaded board\.pdf/);
    expect(sent).toEqual([{ method: 'PUT', url: '/api/v1/me/credentials/c3/evidence', type: 'application/pdf', body: pdf }]);
    expect(within(card).getByText(/Evidence: PDF, 2 KB/)).toBeTruthy();
  });
});
