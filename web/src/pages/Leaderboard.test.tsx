import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, cleanup, screen, within } from '@testing-library/react';
import { LeaderboardPage } from './Leaderboard';
import { refusal, stubApi } from '../test/stubApi';
import type { Leaderboard } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const BOARD: Leaderboard = {
  project_id: 'p1', field: 'preference', method: 'bradley_terry', bootstrap: { rounds: 200, confidence: 0.95, seed: 1 },
  battles: 120, skipped: 3,
  models: [
    { model: 'large-70b', score: 1080.4, ci_low: 1041.2, ci_high: 1120.9, elo: 1071.3, battles: 80, wins: 50, losses: 22, ties: 8 },
    { model: 'small-7b', score: 919.6, ci_low: 880.1, ci_high: 958.8, elo: 928.7, battles: 80, wins: 22, losses: 50, ties: 8 },
  ],
  win_rates: { models: ['large-70b', 'small-7b'], matrix: [[null, 0.72], [0.28, null]] },
};

describe('LeaderboardPage', () => {
  it('charts each model with its interval and tabulates standings and head-to-head odds', async () => {
    stubApi((m, path) => (path === '/projects/p1/leaderboard' ? [200, BOARD] : undefined));
    render(<LeaderboardPage projectId="p1" />);
    const chart = await screen.findByRole('img', { name: /large-70b 1080, small-7b 920/ });
    expect(chart.querySelectorAll('circle')).toHaveLength(2);
    const row = screen.getAllByRole('rowheader', { name: 'large-70b' })[0].closest('tr')!;  // standings first, then head to head
    expect(within(row).getByRole('cell', { name: '1041 to 1121' })).toBeTruthy();
    expect(within(row).getByRole('cell', { name: '50' })).toBeTruthy();
    expect(screen.getByText(/3 approved answers had no two distinct models/)).toBeTruthy();
    expect(screen.getByRole('cell', { name: '72%' })).toBeTruthy();
  });

  it('explains what counts when there are no battles, and says why in words when refused', async () => {
    stubApi((m, path) => (path === '/projects/p1/leaderboard' ? [200, { ...BOARD, models: [], battles: 0, skipped: 0, win_rates: { models: [], matrix: [] } }]
      : path === '/projects/p2/leaderboard' ? refusal(400, 'invalid_argument', 'a leaderboard needs a pairwise field in the template', { field: 'template' }) : undefined));
    render(<LeaderboardPage projectId="p1" />);
    expect(await screen.findByText(/No battles yet/)).toBeTruthy();
    cleanup();
    render(<LeaderboardPage projectId="p2" />);
    expect(await screen.findByText(/needs a pairwise field/)).toBeTruthy();
  });
});
