// Typed client for the money and time routes of docs/api.md ("Money and time") and the words
// the pages use for money: integer cents shown as "$1,234.50", milliseconds as "1 h 05 min".
//
//   const e = await money.earnings();
//   money.cents(e.payable_cents, e.currency); // "$12.50"
//   await money.dispute(segment.id, 600_000, 'I was reading the guidelines offline.');
import { ApiError, query, request, Said } from './api';

const enc = encodeURIComponent;
export type DisputeStatus = 'open' | 'accepted' | 'rejected';
export interface Dispute {
  id: string; segment_id: string; segment_start: string; segment_active_ms: number; expert_id: string; expert_name: string;
  project_id: string; project_name: string; claimed_ms: number; reason: string; status: DisputeStatus; granted_ms: number | null;
  resolution: string | null; resolved_by: string | null; resolved_at: string | null; created_at: string;
}
export interface Segment {
  id: string; project_id: string; project_name: string; assignment_id: string; start: string;
  active_ms: number; granted_ms: number; beats: number; level: number; dispute: Dispute | null;
}
export interface Day { day: string; active_ms: number; granted_ms: number; memo: string; segments: Segment[] }
export interface Unverified { submission_id: string; project_id: string; project_name: string; submitted_at: string; claimed_ms: number; paid_ms: number }
export interface Timesheet { from: string; to: string; days: Day[]; unverified: Unverified[] }
export interface Line {
  transaction_id: string; kind: 'accrual' | 'reversal' | 'payout' | 'payout_paid' | 'adjustment'; memo: string; currency: string;
  project_id: string | null; project_name: string | null; submission_id: string | null; item_external_id: string | null;
  reverses_id: string | null; amount_cents: number; at: string; detail?: Record<string, unknown> | null;
}
export interface ProjectEarnings {
  project_id: string; name: string; currency: string; approved: number; rejected: number; pending: number;
  earned_cents: number; paid_ms: number; effective_hourly_cents: number | null;
}
export interface Earnings {
  currency: string; pending_cents: number; payable_cents: number; in_batch_cents: number; paid_cents: number;
  currencies?: { currency: string; pending_cents: number; payable_cents: number; in_batch_cents: number; paid_cents: number }[]; projects: ProjectEarnings[]; lines: Line[]; next_payout: { at: string | null; min_cents: number } | null;
}
export interface Costs {
  project_id: string; currency: string; funded_cents: number; spend_cents: number; budget_left_cents: number;
  committed_cents: number; fee_cents: number; burn_rate_cents_per_day: number; days_left: number | null;
  spend_by_day: { day: string; cents: number }[]; approved_items: number; cost_per_approved_item_cents: number | null;
  correct_labels: number | null; cost_per_correct_label_cents: number | null;
  correct_label_method: 'gold' | 'estimated' | 'gold+estimated' | 'none'; correct_label_explanation: string;
  leases_stopped: boolean; leases_stopped_reason: string | null;
}
export interface Beat { tab_id: string; active_ms: number; beat_id?: string; client_at?: string; visible?: boolean }

/** "1,250.50" or "$1250.5" → 125050 cents; null when it is not an amount. */
export function parseAmount(text: string): number | null {
  const t = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

export const money = {
  heartbeat: (aid: string, b: Beat) => request<{ credited_ms: number; measured_ms: number; duplicate: boolean }>('POST', `/assignments/${enc(aid)}/heartbeats`, b),
  timesheet: (from?: string, to?: string) => request<Timesheet>('GET', `/me/timesheet${query({ from, to })}`),
  setMemo: (day: string, memo: string) => request<{ day: string; memo: string }>('PUT', `/me/timesheet/${enc(day)}/memo`, { memo }),
  dispute: (segmentId: string, claimed_ms: number, reason: string) => request<Dispute>('POST', `/segments/${enc(segmentId)}/disputes`, { claimed_ms, reason }),
  disputes: (projectId: string, status?: DisputeStatus) => request<{ disputes: Dispute[] }>('GET', `/projects/${enc(projectId)}/disputes${query({ status })}`),
  resolve: (id: string, decision: 'accept' | 'reject', reason: string, granted_ms?: number) =>
    request<Dispute>('POST', `/disputes/${enc(id)}/resolve`, { decision, reason, ...(granted_ms === undefined ? {} : { granted_ms }) }),
  earnings: () => request<Earnings>('GET', '/me/earnings'),
  /** A statement of the period as a link: csv downloads, html is a printable page. */
  statementUrl: (from: string, to: string, format: 'csv' | 'html', currency?: string) => `/api/v1/me/statements${query({ from, to, format, currency })}`,
  costs: (projectId: string) => request<Costs>('GET', `/projects/${enc(projectId)}/costs`),
  fund: (projectId: string, amount_cents: number, currency: string, idempotency_key: string) =>
    request<{ transaction: unknown; budget_left_cents: number }>('POST', `/projects/${enc(projectId)}/funding`, { amount_cents, currency, idempotency_key }),
};

/** Integer cents as money: cents(123450, 'USD') → "$1,234.50"; null → "—". */
export function cents(c: number | null | undefined, currency = 'USD'): string {
  if (c == null || !Number.isFinite(c)) return '—';
  try { return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(c / 100); }
  catch { return `${(c / 100).toFixed(2)} ${currency}`; }
}

/** A duration in words: 0 → "0 min", 45_000 → "45 s", 282_000 → "4 min 42 s", 3_900_000 → "1 h 05 min". */
export function duration(ms: number): string {
  if (ms < 60_000) return ms <= 0 ? '0 min' : `${Math.round(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 600 && s % 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A UTC day (YYYY-MM-DD) `n` days before `d`. */
export function dayBefore(d: Date, n: number): string {
  return new Date(d.getTime() - n * 86_400_000).toISOString().slice(0, 10);
}

/** "Tue 1 Dec 2026" from "2026-12-01" (a UTC day). */
export function dayName(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return isNaN(+d) ? day : d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** A segment's activity level 0..4 in words (how much of its 10 minutes was active). */
export const LEVEL_WORDS = ['brief', 'light', 'steady', 'busy', 'full'];

/** The server's refusal as the sentence it is (no code on screen); anything else as it came. */
export function said(e: unknown): unknown {
  return e instanceof ApiError ? new Said(e.message) : e;
}
