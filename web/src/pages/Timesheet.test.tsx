import { afterEach, describe, expect, it, vi } from 'vitest';
import React from 'react';
import { cleanup, fireEvent, render, within } from '@testing-library/react';
import { TimesheetPage } from './Timesheet';
import { DisputesPage } from './Disputes';
import { refusal, stubApi } from '../test/stubApi';
import type { Dispute, Segment, Timesheet } from '../lib/money';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const today = new Date().toISOString().slice(0, 10);
const seg = (id: string, hhmm: string, active_ms: number, level: number, dispute: Dispute | null = null): Segment =>
  ({ id, project_id: 'p1', project_name: 'Radiology QA', assignment_id: 'a1', start: `${today}T${hhmm}:00Z`, active_ms, granted_ms: dispute?.granted_ms ?? 0, beats: 4, level, dispute });
const dispute = (over: Partial<Dispute>): Dispute => ({
  id: 'd1', segment_id: 's2', segment_start: `${today}T09:10:00Z`, segment_active_ms: 120_000, expert_id: 'e1', expert_name: 'Eli Expert',
  project_id: 'p1', project_name: 'Radiology QA', claimed_ms: 480_000, reason: 'Reading the long report.', status: 'open', granted_ms: 0,
  resolution: '', resolved_by: null, resolved_at: null, created_at: `${today}T10:00:00Z`, ...over,
});

function sheetServer(segments: Segment[]) {
  const sheet: Timesheet = { from: today, to: today, days: [{ day: today, active_ms: segments.reduce((a, s) => a + s.active_ms, 0), granted_ms: 0, memo: '', segments }],
    unverified: [{ submission_id: 'x1', project_id: 'p1', project_name: 'Radiology QA', submitted_at: `${today}T08:00:00Z`, claimed_ms: 900_000, paid_ms: 300_000 }] };
  return stubApi((method, path, body) => {
    if (method === 'GET' && path.startsWith('/me/timesheet')) return [200, sheet];
    if (method === 'PUT' && path === `/me/timesheet/${today}/memo`) { sheet.days[0].memo = body.memo; return [200, { day: today, memo: body.memo }]; }
    if (method === 'POST' && path === '/segments/s1/disputes') {
      if (!body.reason) return refusal(400, 'invalid_argument', 'reason is required', { field: 'reason' });
      const d = dispute({ segment_id: 's1', claimed_ms: body.claimed_ms, reason: body.reason });
      sheet.days[0].segments[0] = { ...sheet.days[0].segments[0], dispute: d };
      return [201, d];
    }
    if (method === 'POST' && path === '/segments/s3/disputes') return refusal(409, 'conflict', 'This segment already has an open dispute.');
    return undefined;
  });
}

describe('Timesheet', () => {
  it('shows the day, its projects and each 10-minute segment with its activity level and dispute state', async () => {
    sheetServer([seg('s1', '09:00', 540_000, 4), seg('s2', '09:10', 120_000, 1, dispute({ status: 'rejected', resolution: 'The beats show you were away.' }))]);
    const r = render(<TimesheetPage />);
    const rows = await r.findAllByRole('row');
    const s1 = rows.find((x) => x.textContent?.startsWith('09:00–09:10'))!;
    expect(s1.textContent).toContain('Radiology QA');
    expect(s1.textContent).toContain('9 min');
    expect(s1.textContent).toContain('full');
    const s2 = rows.find((x) => x.textContent?.startsWith('09:10–09:20'))!;
    expect(s2.textContent).toContain('rejected');
    expect(s2.textContent).toContain('The beats show you were away.'); // the manager's reason
    expect(r.getByText(/Radiology QA: 11 min/)).toBeTruthy();
    expect(r.getByRole('img', { name: /2 ten-minute segments worked/ })).toBeTruthy();
    expect(r.getByRole('heading', { name: 'Submissions without measured time' })).toBeTruthy();
  });

  it('disputes a segment: minutes and a reason; the open dispute shows in its row', async () => {
    const calls = sheetServer([seg('s1', '09:00', 120_000, 1)]);
    const r = render(<TimesheetPage />);
    fireEvent.click(await r.findByRole('button', { name: 'Dispute…' }));
    fireEvent.change(r.getByLabelText('Minutes it should show'), { target: { value: '8' } });
    fireEvent.click(r.getByRole('button', { name: 'Send dispute' }));
    expect((await r.findByRole('alert')).textContent).toBe('Say why: the manager reads your reason before deciding.');
    fireEvent.change(r.getByLabelText('Why'), { target: { value: 'Reading the long report.' } });
    fireEvent.click(r.getByRole('button', { name: 'Send dispute' }));
    await r.findByText(/you asked for 8 min: waiting for a manager/);
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ claimed_ms: 480_000, reason: 'Reading the long report.' });
  });

  it('a refused dispute is said in words, without a code', async () => {
    sheetServer([seg('s3', '09:00', 120_000, 1)]);
    const r = render(<TimesheetPage />);
    fireEvent.click(await r.findByRole('button', { name: 'Dispute…' }));
    fireEvent.change(r.getByLabelText('Why'), { target: { value: 'x' } });
    fireEvent.click(r.getByRole('button', { name: 'Send dispute' }));
    const alert = await r.findByRole('alert');
    expect(alert.textContent).toBe('This segment already has an open dispute.');
  });

  it('saves a memo for the day', async () => {
    const calls = sheetServer([seg('s1', '09:00', 120_000, 1)]);
    const r = render(<TimesheetPage />);
    const memo = await r.findByLabelText(/^Memo for/);
    fireEvent.change(memo, { target: { value: 'Worked the chest X-ray batch.' } });
    fireEvent.click(r.getByRole('button', { name: 'Save memo' }));
    await r.findByText('Memo saved.');
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ memo: 'Worked the chest X-ray batch.' });
  });
});

describe('Time disputes (managers)', () => {
  function server(list: Dispute[]) {
    return stubApi((method, path, body) => {
      if (method === 'GET' && path === '/projects/p1/disputes') return [200, { disputes: list }];
      if (method === 'GET' && path === '/projects/p1') return [200, { id: 'p1', name: 'Radiology QA' }];
      if (method === 'POST' && path === '/disputes/d1/resolve') {
        list[0] = { ...list[0], status: body.decision === 'accept' ? 'accepted' : 'rejected', granted_ms: body.granted_ms ?? 0, resolution: body.reason };
        return [200, list[0]];
      }
      return undefined;
    });
  }

  it('accepts with granted minutes and a reason; the dispute moves to Resolved', async () => {
    const calls = server([dispute({})]);
    const r = render(<DisputesPage projectId="p1" />);
    const card = (await r.findByRole('heading', { name: /Eli Expert/ })).closest('li')!;
    expect(card.textContent).toContain('Reading the long report.');
    fireEvent.click(within(card).getByRole('button', { name: 'Accept' }));
    expect((await r.findByRole('alert')).textContent).toBe('Give a reason: the expert reads it on her timesheet.');
    fireEvent.change(within(card).getByLabelText(/^Extra minutes to grant/), { target: { value: '6' } });
    fireEvent.change(within(card).getByLabelText('Reason'), { target: { value: 'The report is long; fair.' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Accept' }));
    await r.findByText(/6 min granted — “The report is long; fair.”/);
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ decision: 'accept', reason: 'The report is long; fair.', granted_ms: 360_000 });
    expect(r.getByRole('heading', { name: 'To resolve (0)' })).toBeTruthy();
  });

  it('never grants more than she asked', async () => {
    const calls = server([dispute({})]);
    const r = render(<DisputesPage projectId="p1" />);
    await r.findByRole('heading', { name: /Eli Expert/ });
    fireEvent.change(r.getByLabelText(/^Extra minutes to grant/), { target: { value: '6.5' } });
    fireEvent.change(r.getByLabelText('Reason'), { target: { value: 'ok' } });
    fireEvent.click(r.getByRole('button', { name: 'Accept' }));
    expect((await r.findByRole('alert')).textContent).toBe('Grant more than 0 and at most the 6 min she asked for beyond what was measured.');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });
});
