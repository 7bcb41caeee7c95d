import { afterEach, describe, expect, it, vi } from 'vitest';
import React from 'react';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { CostsPage } from './Costs';
import { parseAmount } from '../lib/money';
import { refusal, stubApi } from '../test/stubApi';
import type { Costs } from '../lib/money';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const COSTS: Costs = {
  project_id: 'p1', currency: 'USD', funded_cents: 500_000, spend_cents: 123_400, budget_left_cents: 376_600, committed_cents: 4_000, fee_cents: 0,
  burn_rate_cents_per_day: 17_629, days_left: 21.4, spend_by_day: [{ day: '2026-11-30', cents: 20_000 }, { day: '2026-12-01', cents: 103_400 }],
  approved_items: 80, cost_per_approved_item_cents: 1543, correct_labels: 70.5, cost_per_correct_label_cents: 1750,
  correct_label_method: 'gold+estimated', correct_label_explanation: '40 labels agree with gold; 30.5 estimated from Dawid–Skene accuracy on 36 labels without gold.',
  leases_stopped: false, leases_stopped_reason: null,
};

function server(c: Costs = COSTS) {
  let funded = 0;
  const calls = stubApi((method, path, body) => {
    if (method === 'GET' && path === '/projects/p1/costs') return [200, { ...c, funded_cents: c.funded_cents + funded, budget_left_cents: c.budget_left_cents + funded }];
    if (method === 'GET' && path === '/projects/p1') return [200, { id: 'p1', name: 'Radiology QA' }];
    if (method === 'POST' && path === '/projects/p1/funding') { funded += body.amount_cents; return [201, { transaction: {}, budget_left_cents: c.budget_left_cents + funded }]; }
    return undefined;
  });
  return calls;
}

describe('Costs', () => {
  it('shows budget left, burn rate, cost per approved item and per correct label with how it was counted', async () => {
    server();
    const r = render(<CostsPage projectId="p1" />);
    expect((await r.findByText(/^per correct label/)).previousElementSibling!.textContent).toBe('$17.50');
    expect(r.getByText(/^budget left of \$5,000.00 funded/).previousElementSibling!.textContent).toBe('$3,766.00');
    expect(r.getByText(/burn rate over the last 7 days · lasts about 21 more days/).previousElementSibling!.textContent).toBe('$176.29/day');
    expect(r.getByText('per approved item (80 approved)').previousElementSibling!.textContent).toBe('$15.43');
    expect(r.getByText(/gold answers where there are some, estimated accuracy elsewhere\. 40 labels agree with gold/)).toBeTruthy();
    const chart = r.getByRole('img', { name: /Spend by day: \$1,234.00 over 2 days, the largest day \$1,034.00/ });
    expect(chart.querySelectorAll('rect').length).toBe(2);
  });

  it('funds the project once, with one idempotency key per amount, and shows the new budget', async () => {
    const calls = server();
    const r = render(<CostsPage projectId="p1" />);
    const amount = await r.findByLabelText('Amount (USD)');
    fireEvent.change(amount, { target: { value: 'lots' } });
    fireEvent.click(r.getByRole('button', { name: 'Add funds' }));
    expect((await r.findByRole('alert')).textContent).toBe('Enter an amount such as 500 or 1250.50.');
    fireEvent.change(amount, { target: { value: '1,250.50' } });
    fireEvent.click(r.getByRole('button', { name: 'Add funds' }));
    await r.findByText('Added $1,250.50. Budget left: $5,016.50.');
    const post = calls.filter((c) => c.method === 'POST');
    expect(post.length).toBe(1);
    expect(post[0].body).toMatchObject({ amount_cents: 125_050, currency: 'USD' });
    expect(post[0].body.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect((await r.findByText(/^budget left of/)).previousElementSibling!.textContent).toBe('$5,016.50');
  });

  it('says when new tasks are stopped for budget, and a refusal in words', async () => {
    server({ ...COSTS, leases_stopped: true, leases_stopped_reason: 'This project’s budget is used up ($1.00 left, $5.00 owed for work in review or in hand).' });
    const r = render(<CostsPage projectId="p1" />);
    expect((await r.findByText('New tasks are stopped.')).parentElement!.textContent).toContain('$1.00 left');
    cleanup(); vi.unstubAllGlobals();
    stubApi((m, p) => (p === '/projects/p1/costs' ? refusal(404, 'not_found', 'No such project, or it is not yours to see.') : undefined));
    const r2 = render(<CostsPage projectId="p1" />);
    expect((await r2.findByRole('alert')).textContent).toBe('No such project, or it is not yours to see.');
  });

  it('reads amounts as a person types them', () => {
    expect(parseAmount('500')).toBe(50_000);
    expect(parseAmount('$1,250.5')).toBe(125_050);
    expect(parseAmount('0.07')).toBe(7);
    expect(parseAmount('1.234')).toBeNull();
    expect(parseAmount('-5')).toBeNull();
  });
});
