import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, screen, within } from '@testing-library/react';
import { ExportPage } from './Export';
import { stubApi } from '../test/stubApi';
import type { ExportManifest } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const DPO: ExportManifest = {
  id: 'x1', project_id: 'p1', project_name: 'Med QA', format: 'dpo', file_name: 'Med-QA-dpo-2026-12-04.jsonl',
  created_by: 'm1', created_at: '2026-12-04T10:00:00Z', filters: 'approved and pending submissions',
  aggregation: 'pairwise: majority', experts: 'pseudonym', counts: { items: 40, submissions: 120, records: 31, items_without_records: 9 },
};

describe('ExportPage', () => {
  it('offers every format as a download and says what earlier exports handed out', async () => {
    stubApi((method, path) => (method === 'GET' && path === '/projects/p1/exports' ? [200, { exports: [DPO] }] : undefined));
    render(<ExportPage projectId="p1" />);
    const row = (await screen.findByRole('cell', { name: 'DPO preference pairs' })).closest('tr')!;
    expect(within(row).getByRole('cell', { name: '31' })).toBeTruthy();
    expect(within(row).getByText('(9 gave no record)')).toBeTruthy();
    expect(within(row).getByRole('cell', { name: 'pseudonyms' })).toBeTruthy();
    const links = screen.getAllByRole('link', { name: /^Download / });
    expect(links.map((a) => new URL(a.getAttribute('href')!, 'http://x').searchParams.get('format')))
      .toEqual(['jsonl', 'sft', 'openai', 'dpo', 'labelstudio', 'csv']);
    fireEvent.click(screen.getByLabelText('Only approved submissions'));
    fireEvent.click(screen.getByLabelText(/every pair a ranking implies/));
    const dpo = new URL(screen.getByRole('link', { name: 'Download DPO preference pairs' }).getAttribute('href')!, 'http://x');
    expect(dpo.pathname).toBe('/api/v1/projects/p1/export');
    expect(dpo.searchParams.get('states')).toBe('approved');
    expect(dpo.searchParams.get('pairs')).toBe('all');
  });

  it('says so when nothing was exported yet', async () => {
    stubApi((method, path) => (path === '/projects/p1/exports' ? [200, { exports: [] }] : undefined));
    render(<ExportPage projectId="p1" />);
    expect(await screen.findByText('Nothing exported yet.')).toBeTruthy();
  });
});
