import { afterEach, describe, expect, it, vi } from 'vitest';
import React from 'react';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { EarningsPage } from './Earnings';
import { refusal, stubApi } from '../test/stubApi';
import type { Earnings } from '../lib/money';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const EARNINGS: Earnings = {
  currency: 'USD', pending_cents: 1250, payable_cents: 48_050, in_batch_cents: 0, paid_cents: 120_000,
  projects: [{ project_id: 'p1', name: 'Radiology QA', currency: 'USD', approved: 12, rejected: 1, pending: 2, earned_cents: 168_050, paid_ms: 9_000_000, effective_hourly_cents: 6722 }],
  lines: [
    { transaction_id: 't1', kind: 'accrual', memo: 'approved', currency: 'USD', project_id: 'p1', project_name: 'Radiology QA', submission_id: 's1', item_external_id: 'cxr-17', reverses_id: null, amount_cents: 1450, at: '2026-12-01T10:00:00Z',
      detail: { basis: 'approved', paid_ms: 720_000, hourly_cents: 6000, item_cents: 200, time_cents: 1200, floor_cents: 0, bonus_cents: 50, bonus_reason: 'gold accuracy ≥ 90%', rush_cents: 0, total_cents: 1450, verified: true } },
    { transaction_id: 't2', kind: 'payout_paid', memo: 'Payout batch 2026-11-30', currency: 'USD', project_id: null, project_name: null, submission_id: null, item_external_id: null, reverses_id: null, amount_cents: 120_000, at: '2026-11-30T12:00:00Z' },
  ],
  next_payout: { at: '2026-12-07T00:00:00Z', min_cents: 2000 },
};

describe('Earnings', () => {
  it('shows pending, payable, in a batch and paid, per project with the hourly rate', async () => {
    stubApi((m, p) => (m === 'GET' && p === '/me/earnings' ? [200, EARNINGS] : undefined));
    const r = render(<EarningsPage />);
    const payable = await r.findByText('payable: approved, not yet paid out');
    expect(payable.previousElementSibling!.textContent).toBe('$480.50');
    expect(r.getByText('paid to you').previousElementSibling!.textContent).toBe('$1,200.00');
    expect(r.getByText('pending: work waiting for review').previousElementSibling!.textContent).toBe('$12.50');
    expect(r.getByText(/Next payout: .*for payable balances of at least \$20\.00\./)).toBeTruthy();
    const row = r.getByRole('rowheader', { name: 'Radiology QA' }).closest('tr')!;
    expect(row.textContent).toContain('$1,680.50');
    expect(row.textContent).toContain('$67.22/h');
    expect(row.textContent).toContain('2 h 30 min');
  });

  it('explains each line: item, time at the rate, bonus', async () => {
    stubApi((m, p) => (m === 'GET' && p === '/me/earnings' ? [200, EARNINGS] : undefined));
    const r = render(<EarningsPage />);
    const line = (await r.findByText(/Radiology QA · cxr-17/)).closest('tr')!;
    expect(line.textContent).toContain('item $2.00 + 12 min at $60.00/h $12.00 + bonus $0.50 (gold accuracy ≥ 90%)');
    expect(line.textContent).toContain('$14.50');
    expect(r.getByText('paid out')).toBeTruthy();
  });

  it('links statements of the chosen period as CSV and a printable page', async () => {
    stubApi((m, p) => (m === 'GET' && p === '/me/earnings' ? [200, EARNINGS] : undefined));
    const r = render(<EarningsPage />);
    fireEvent.change(await r.findByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.change(r.getByLabelText('To'), { target: { value: '2026-11-30' } });
    expect(r.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe('/api/v1/me/statements?from=2026-11-01&to=2026-11-30&format=csv&currency=USD');
    expect(r.getByRole('link', { name: 'Printable statement' }).getAttribute('href')).toBe('/api/v1/me/statements?from=2026-11-01&to=2026-11-30&format=html&currency=USD');
    fireEvent.change(r.getByLabelText('From'), { target: { value: '2026-12-15' } });
    expect(r.queryByRole('link', { name: 'Download CSV' })).toBeNull();
    expect(r.getByRole('alert').textContent).toBe('Choose a start day on or before the end day.');
  });

  it('says a failure in words, without a code', async () => {
    stubApi(() => refusal(503, 'unavailable', 'The ledger is busy; try again in a minute.'));
    const r = render(<EarningsPage />);
    expect((await r.findByRole('alert')).textContent).toBe('The ledger is busy; try again in a minute.');
  });
});
