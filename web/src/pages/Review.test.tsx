import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, waitFor } from '@testing-library/react';
import { ReviewPage } from './Review';
import { stubApi } from '../test/stubApi';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const PROJECT = { id: 'p1', name: 'Triage', instructions: '', overlap: 2, lease_seconds: 600, template: [{ type: 'markdown', name: 'prompt', source: 'prompt' }, { type: 'choice', name: 'level', options: ['1', '2'] }] };
const sub = (id: string) => ({ id, assignment_id: 'a', item_id: 'i1', project_id: 'p1', expert_id: 'expert-1a2b3c4d', client_submission_id: 'c', answer: { level: '2' }, active_ms: 9000, submitted_at: '2026-12-01T10:00:00Z', state: 'pending', review: null });

describe('ReviewPage', () => {
  it('works the queue riskiest first with its exact count, shows the context, and sends back with a note', async () => {
    const calls = stubApi((method, path, body) => {
      if (path === '/projects/p1') return [200, PROJECT];
      if (path.startsWith('/projects/p1/submissions?')) return [200, { submissions: [sub('s1'), sub('s2')], next_cursor: 'x', total: 240 }];
      if (path === '/items/i1') return [200, { id: 'i1', external_id: 'case-1', data: { prompt: 'chest pain' } }];
      if (path === '/submissions/s1/context') {
        return [200, {
          answer: { ...sub('s1'), earlier_versions: [], gold_comparison: null },
          item: { item: {}, project_id: 'p1', stats: null, history: [], consensus: [{ field: 'level', component: 'choice', label: '1', confidence: 0.8, agreement: 0.5, labels: 3, votes: {} }],
            answers: [{ ...sub('s1'), earlier_versions: [], gold_comparison: null }, { ...sub('s9'), answer: { level: '1' }, earlier_versions: [], gold_comparison: null }] },
          expert: { id: 'expert-1a2b3c4d', submitted: 12, approved: 9, rejected: 1, pending: 2, gold: { correct: 3, total: 4 }, consensus: { agreed: 6, compared: 8 }, median_active_ms: 9000 },
        }];
      }
      if (method === 'POST' && path === '/submissions/s1/send-back') return [200, { ...sub('s1'), sent_back: { note: body.note, at: '' } }];
      return undefined;
    });
    const r = render(<ReviewPage projectId="p1" />);
    await r.findByText('240 waiting');
    expect(calls.some((c) => c.path.includes('order=risk'))).toBe(true);
    const context = await r.findByLabelText('Review context');
    expect(context.textContent).toContain('Other answers: level 1');
    expect(context.textContent).toContain('Consensus on level: 1 (80% confident)');
    expect(context.textContent).toContain('gold 75% (3 of 4)');
    fireEvent.click(r.getByRole('button', { name: 'Send back with a note…' }));
    const send = r.getByRole('button', { name: 'Send back' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.change(r.getByLabelText(/Note for the expert/), { target: { value: 'Level 2 needs a reason: cite the guideline.' } });
    fireEvent.click(send);
    await r.findByText('Sent back to the expert with your note.');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ note: 'Level 2 needs a reason: cite the guideline.' });
    await waitFor(() => expect(r.getByText('239 waiting')).toBeTruthy());
  });
});
