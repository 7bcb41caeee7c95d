import React from 'react';
import { api, type Leaderboard, type LeaderboardModel } from '../lib/api';
import { ErrorBox, ScrollX, useLoad } from '../components/ui';
import { Sized } from '../components/charts';
import { pct } from '../lib/format';
import { ProjectNav } from './ManagerProjects';

const round = (x: number) => Math.round(x);

/** Each model's rating as a dot on its bootstrap interval, best at the top; drawn by hand in SVG. */
export function RatingChart({ models, width }: { models: LeaderboardModel[]; width: number }) {
  const rowH = 30; const pad = { l: Math.min(180, width * 0.38), r: 16, t: 8, b: 28 };
  const lo = Math.min(...models.map((m) => m.ci_low)); const hi = Math.max(...models.map((m) => m.ci_high));
  const span = Math.max(hi - lo, 20); const from = lo - span * 0.08; const to = hi + span * 0.08;
  const w = Math.max(60, width - pad.l - pad.r); const height = pad.t + models.length * rowH + pad.b;
  const x = (v: number) => pad.l + ((v - from) / (to - from)) * w;
  const ticks = [from, (from + to) / 2, to].map(round);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img"
      aria-label={`Ratings with ${models.length ? 'their intervals' : 'no models'}: ${models.map((m) => `${m.model} ${round(m.score)}`).join(', ')}`}>
      {ticks.map((t) => <g key={t}><line x1={x(t)} x2={x(t)} y1={pad.t} y2={height - pad.b} className="grid" /><text x={x(t)} y={height - 8} textAnchor="middle" className="axis">{t}</text></g>)}
      {models.map((m, i) => {
        const y = pad.t + i * rowH + rowH / 2;
        return (
          <g key={m.model}>
            <text x={pad.l - 8} y={y + 4} textAnchor="end" className="axis">{m.model.length > 24 ? `${m.model.slice(0, 23)}…` : m.model}</text>
            <line x1={x(m.ci_low)} x2={x(m.ci_high)} y1={y} y2={y} className="ci-line" strokeWidth={3} />
            <circle cx={x(m.score)} cy={y} r={5} className="bar-fill"><title>{`${m.model}: ${round(m.score)} (${round(m.ci_low)}–${round(m.ci_high)})`}</title></circle>
          </g>
        );
      })}
    </svg>
  );
}

function WinRates({ board }: { board: Leaderboard }) {
  const { models, matrix } = board.win_rates;
  return (
    <ScrollX label="Predicted win rates">
      <table className="table win-rates">
        <caption className="muted small">Chance that the row model beats the column model, from the ratings.</caption>
        <thead><tr><th scope="col">Model</th>{models.map((m) => <th key={m} scope="col">{m}</th>)}</tr></thead>
        <tbody>
          {models.map((row, i) => (
            <tr key={row}><th scope="row">{row}</th>
              {matrix[i].map((p, j) => <td key={j} className={p === null ? 'muted' : p >= 0.5 ? 'ok-text' : 'bad-text'}>{pct(p)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

export function LeaderboardPage({ projectId }: { projectId: string }) {
  const [board, err, reload] = useLoad(() => api.leaderboard(projectId), [projectId]);
  return (
    <div className="page">
      <ProjectNav id={projectId} here="leaderboard" />
      <div className="quality-head"><h1>Leaderboard</h1><span className="spacer" /><button type="button" onClick={reload}>Refresh</button></div>
      <ErrorBox error={err} />
      {!board ? (err ? null : <p className="muted">Loading…</p>) : board.models.length === 0 ? (
        <p className="muted">No battles yet. Each approved pairwise answer on an item whose two responses name their <code>model</code> counts as one{board.skipped ? ` (${board.skipped} approved answers had no two distinct models)` : ''}.</p>
      ) : (
        <>
          <p className="muted">{board.battles} {board.battles === 1 ? 'battle' : 'battles'} from approved answers to “{board.field}”. Ratings are Bradley–Terry on the Elo scale (average 1000); the lines are {pct(board.bootstrap.confidence)} intervals from {board.bootstrap.rounds} bootstrap rounds.{board.skipped ? ` ${board.skipped} approved answers had no two distinct models and are left out.` : ''}</p>
          <Sized>{(w) => <RatingChart models={board.models} width={w} />}</Sized>
          <ScrollX label="Standings">
            <table className="table">
              <thead><tr><th scope="col">#</th><th scope="col">Model</th><th scope="col">Rating</th><th scope="col">Interval</th><th scope="col">Elo</th><th scope="col">Battles</th><th scope="col">Won</th><th scope="col">Lost</th><th scope="col">Tied</th></tr></thead>
              <tbody>
                {board.models.map((m, i) => (
                  <tr key={m.model}><td>{i + 1}</td><th scope="row">{m.model}</th><td>{round(m.score)}</td><td>{round(m.ci_low)} to {round(m.ci_high)}</td><td>{round(m.elo)}</td><td>{m.battles}</td><td>{m.wins}</td><td>{m.losses}</td><td>{m.ties}</td></tr>
                ))}
              </tbody>
            </table>
          </ScrollX>
          <h2>Head to head</h2>
          <WinRates board={board} />
        </>
      )}
    </div>
  );
}
