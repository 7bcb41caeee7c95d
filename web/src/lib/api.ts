// Typed client for docs/api.md (v1). Cookie auth: every request is same-origin with
// credentials 'same-origin', so the server's Origin / Sec-Fetch-Site check passes.
import type { Requirement } from './people';

export type Role = 'admin' | 'manager' | 'reviewer' | 'expert';
export interface User { id: string; email: string; name?: string; role: Role }
export type Component = { type: string; name?: string; source?: string; label?: string; required?: boolean; [k: string]: unknown };
export type Template = Component[];
export interface Project {
  id: string; name: string; instructions: string; template: Template; answer_schema?: unknown;
  overlap: number; lease_seconds: number; created_at?: string; my_role?: Role;
  /** Who may work on it (docs/api.md, People): null clears on PATCH. */
  requirements?: Requirement[]; contract_id?: string | null; daily_cap?: number | null; max_share?: number | null;
  /** Dynamic overlap (docs/api.md): max_overlap = overlap is fixed; above it (≤ 20) an item gets one more label at a time until its consensus reaches target_confidence (0.5 < t < 1). */
  max_overlap?: number; target_confidence?: number;
  /** Experts see responses without model names; each item's responses in its own random order (both default true). */
  hide_models?: boolean; shuffle_responses?: boolean;
}
export interface Item { id: string; data: Record<string, unknown>; external_id?: string | null; gold?: unknown; submissions?: number | unknown[] }
export interface Lease { assignment_id: string; lease_token: string; expires_at: string; item: { id: string; data: Record<string, unknown> } }
export interface Review { verdict: 'approve' | 'reject'; reason: string; reviewer_id?: string; reviewed_at?: string }
export interface Submission {
  id: string; assignment_id: string; item_id: string; project_id: string; expert_id: string;
  client_submission_id: string; answer: Record<string, unknown>; active_ms: number; submitted_at: string;
  state: 'pending' | 'approved' | 'rejected'; review: Review | null;
  /** 2 and up: edited (earlier versions kept); sent back by a reviewer with a note; until when I may edit it. */
  version?: number; sent_back?: { note: string; at: string } | null; editable_until?: string;
  /** Managers only (reviewers judge blind): who submitted, and the item's external id. */
  expert?: { id: string; email: string; name: string }; item_external_id?: string | null;
}
export type ProjectRole = 'manager' | 'reviewer' | 'expert';
export interface Member {
  user_id: string; email: string; name: string; role: Role; added_at?: string;
  /** Her live leases on the project, her submissions to it and when she last submitted (null: never). */
  live_leases?: number; submissions?: number; last_submitted_at?: string | null;
}
/** A pending invitation to a project; `invited_by` is the inviter's name (or email). */
export interface Invitation { id: string; project_id: string; project_name: string; email: string; role: ProjectRole; invited_by: string; created_at: string }
export type TokenState = 'live' | 'expired' | 'revoked';
/** read: GET only; work: an expert's own work (leases, submits, her profile, env sessions, MCP); manage: every other change. */
export type TokenScope = 'read' | 'work' | 'manage';
export interface ApiToken { id: string; name: string; created_at: string; expires_at: string | null; revoked_at: string | null; state: TokenState; scopes: TokenScope[] }
/** A user as an admin sees her (GET /users). */
export interface UserInfo extends User { active: boolean; deactivated_at: string | null; has_password: boolean }
/** A one-time password-reset link: `path` holds the secret (shown once). */
export interface ResetLink { user: User; token: string; path: string; expires_at: string }
export type QualityComponent = 'pairwise' | 'choice' | 'rating';
/** How labels are aggregated (src/qc): majority vote, Dawid–Skene, one-coin DS, GLAD, MACE, Wawa. */
export type QualityMethod = 'mv' | 'ds' | 'ods' | 'glad' | 'mace' | 'wawa';
export interface QualityWorker {
  /** For reviewers a pseudonym (`expert-3fa2c1d9`) without name or email: they judge blind. */
  expert_id: string; name?: string; email?: string; labels: number; accuracy: number;
  gold: { correct: number; total: number; low: number; high: number } | null;
}
export interface QualityLabel { item_id: string; external_id: string | null; label: string; confidence: number; votes: Record<string, number> }
export interface QualityField {
  field: string; component: QualityComponent; level: 'nominal' | 'ordinal'; method: QualityMethod;
  /** Shares are fractions in [0, 1]; null when fewer than two items have two labels. */
  agreement: { percent: number | null; krippendorff_alpha: number | null; fleiss_kappa: number | null; items_with_2plus: number };
  workers: QualityWorker[]; labels: QualityLabel[]; labels_total: number;
}
/** A rating, or one criterion of a rubric, as a score (GET /quality's `scores`). */
export interface ScoreField {
  field: string; criterion: string | null; label: string; scale: { min: number; max: number };
  answers: number; mean: number | null; distribution: number[];
  /** Each expert's mean and spread: her bias, and how much of the scale she uses. */
  experts: { expert_id: string; name?: string; email?: string; answers: number; mean: number | null; stddev: number | null }[];
  /** corrected_mean: each expert's scores standardised first, so a harsh and a lenient grader count alike. */
  items: { item_id: string; external_id: string | null; answers: number; mean: number | null; corrected_mean: number | null }[];
  items_total: number;
}
/** Agreement on marked text (a spans field): F1 over every pair of experts on the same item. */
export interface SpanAgreement { field: string; items_with_2plus: number; pairs: number; spans: number; exact_f1: number | null; overlap_f1: number | null }
export interface Quality {
  project_id: string; version: number; computed_at: string; stale: boolean; items: number; submissions: number;
  scores: ScoreField[]; spans: SpanAgreement[];
  overlap: { overlap: number; max_overlap: number; target_confidence: number; items_decided: number; items_open: number };
  fields: QualityField[];
}
export interface Progress {
  items: number; overlap: number; target_submissions: number; submitted: number; approved: number;
  rejected: number; pending_review: number; leased: number; throughput: { bucket_start: string; submissions: number }[];
}
export interface MyStats { projects: { project_id: string; name: string; submitted: number; approved: number; rejected: number; approval_rate: number | null; active_seconds: number }[] }
/** One row of the data browser (GET /projects/{id}/items); shares are fractions in [0, 1] or null. */
export interface BrowseRow {
  id: string; seq: number; external_id: string | null; state: string; labels: number; submissions: number;
  pending: number; approved: number; rejected: number; consensus: string | null; confidence: number | null;
  agreement: number | null; gold_state: string; flags: number; skips: number; active_ms: number; last_activity: string;
  risk: number | null; experts: { id: string; name?: string }[]; fields: Record<string, unknown>;
  /** The item itself (rows of a browse page; not in an item context's stats). */
  data?: Record<string, unknown>; gold?: unknown;
}
export interface BrowsePage { items: BrowseRow[]; total: number; next_cursor: string | null; search_pending: number; stale: number }
export interface SavedView { id: string; project_id: string; name: string; query: string; created_by: string; created_at: string }
export type BulkAction = 'approve' | 'reject' | 'requeue' | 'set_overlap' | 'set_gold' | 'export';
export interface BulkRequest {
  action: BulkAction; filter?: Record<string, string>; item_ids?: string[]; reason?: string; overlap?: number;
  expected_count?: number; dry_run?: boolean;
}
export interface Job {
  id: string; project_id: string; action: BulkAction; state: 'queued' | 'running' | 'done' | 'failed';
  total: number; done: number; changed: number; error: string | null; created_by: { id: string; name: string };
  created_at: string; finished_at: string | null; download?: string;
}
export interface AnswerView extends Submission {
  version?: number; expert_name?: string; earlier_versions: { version: number; answer: unknown; submitted_at: string; replaced_at: string }[];
  gold_comparison: { field: string; component: string; expected: unknown; given: unknown; match: boolean; scored: boolean; note: string }[] | null;
}
export interface ItemContext {
  item: Item; project_id: string; stats: BrowseRow | null;
  consensus: { field: string; component: string; label: string | null; confidence: number | null; agreement: number | null; labels: number; votes: Record<string, number> }[];
  answers: AnswerView[]; history: { at: string; kind: string; who: string; detail: string }[];
}
export interface SubmissionContext {
  answer: AnswerView; item: ItemContext;
  expert: { id: string; name?: string; submitted: number; approved: number; rejected: number; pending: number; gold: { correct: number; total: number }; consensus: { agreed: number; compared: number }; median_active_ms: number };
}
export type SkipReason = 'outside_expertise' | 'broken_item' | 'other';
export interface ImportResult {
  imported: number; skipped: number; errors: { line: number; message: string }[];
  /** With ?format=: every bad line counted (errors lists the first 1000), items waiting for model responses, labels kept from the file. */
  error_count?: number; awaiting_responses?: number; prior_labels?: number;
}
export type ImportFormat = 'jsonl' | 'csv' | 'labelstudio' | 'responses';
export type ExportFormat = 'jsonl' | 'sft' | 'dpo' | 'openai' | 'labelstudio' | 'csv';
/** Models ranked from approved pairwise answers (docs/api.md). */
export interface LeaderboardModel { model: string; score: number; ci_low: number; ci_high: number; elo: number; battles: number; wins: number; losses: number; ties: number }
export interface Leaderboard {
  project_id: string; field: string; method: string; bootstrap: { rounds: number; confidence: number; seed: number };
  battles: number; skipped: number; models: LeaderboardModel[]; win_rates: { models: string[]; matrix: (number | null)[][] };
}
/** What an export handed out (docs/api.md, "Exports"). */
export interface ExportManifest {
  id: string; project_id: string; project_name: string; format: ExportFormat; file_name: string;
  created_by: string | null; created_at: string; filters: string; aggregation: string; experts: 'pseudonym' | 'id';
  counts: { items: number; submissions: number; records: number; items_without_records: number };
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public details: Record<string, unknown> = {}) {
    super(message);
  }
  /** True when the request may not have reached the server (safe to retry idempotent calls). */
  get retryable(): boolean { return this.status === 0 || this.status >= 500 || this.status === 429; }
}

/**
 * A refusal already put in words for the person reading it (what happened and what to do):
 * ErrorBox shows it as it is, without "Something went wrong." or a code.
 */
export class Said extends Error {}

/** A wait in words: "1 second", "45 seconds", "3 minutes" (whole minutes from two on, rounded up). */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s >= 120) return `${Math.ceil(s / 60)} minutes`;
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** "Try again in 30 seconds." from a 429's `details.retry_after_s` ("Try again later." without one). */
export function retryText(e: ApiError): string {
  const s = Number(e.details.retry_after_s);
  return Number.isFinite(s) && s > 0 ? `Try again in ${waitText(s)}.` : 'Try again later.';
}

export const BASE = '/api/v1';

/** A query string from the parameters that have a value: query({ a: 'x', b: undefined, c: 0 }) → "?a=x&c=0"; "" when none. */
export function query(q: Record<string, string | number | undefined | null>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v != null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (typeof body === 'string') { payload = body; headers['Content-Type'] = 'application/x-ndjson'; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, credentials: 'same-origin', signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Network error — check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try { json = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  if (res.status === 401 && path !== '/auth/login' && typeof window !== 'undefined') {
    // session ended: the app shows the login screen; drafts stay in localStorage
    window.dispatchEvent(new CustomEvent('assay:unauthenticated'));
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? (text.slice(0, 200) || res.statusText), err?.details ?? {});
  }
  return json as T;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const field = e.details && typeof e.details.field === 'string' ? ` (${e.details.field})` : '';
    const rest = Object.entries(e.details ?? {}).filter(([k]) => k !== 'field');
    const extra = rest.length ? ` — ${rest.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ').slice(0, 300)}` : '';
    return `${e.message}${field}${extra} [${e.code}]`;
  }
  return String((e as Error)?.message ?? e);
}

const enc = encodeURIComponent;
export const api = {
  login: (email: string, password: string) => request<{ user: User }>('POST', '/auth/login', { email, password }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<User>('GET', '/me'),
  mySubmissions: () => request<{ submissions: Submission[] }>('GET', '/me/submissions'),
  /** An assignment of mine with its item as I was shown it. */
  assignment: (aid: string) => request<{ id: string; item: { id: string; data: Record<string, unknown> } }>('GET', `/assignments/${enc(aid)}`),
  /** My new answer while it waits for review and the lease rules allow; the earlier one is kept. */
  editSubmission: (sid: string, answer: unknown) => request<Submission>('PATCH', `/submissions/${enc(sid)}`, { answer }),
  myStats: () => request<MyStats>('GET', '/me/stats'),
  projects: () => request<{ projects: Project[] }>('GET', '/projects'),
  project: (id: string) => request<Project>('GET', `/projects/${enc(id)}`),
  createProject: (p: Partial<Project>) => request<Project>('POST', '/projects', p),
  updateProject: (id: string, p: Partial<Project>) => request<Project>('PATCH', `/projects/${enc(id)}`, p),
  members: (id: string) => request<{ members: Member[]; invitations?: Invitation[] }>('GET', `/projects/${enc(id)}/members`),
  /** An invitation (202): the same answer whether or not the email has an account; she joins when she accepts. */
  invite: (id: string, email: string, role: ProjectRole) => request<{ invited: string; role: ProjectRole }>('POST', `/projects/${enc(id)}/members`, { email, role }),
  setMemberRole: (id: string, userId: string, role: ProjectRole) => request<unknown>('PATCH', `/projects/${enc(id)}/members/${enc(userId)}`, { role }),
  /** Her live leases go back to the pool; her submissions stay. */
  removeMember: (id: string, userId: string) => request<{ removed: string; leases_returned: number }>('DELETE', `/projects/${enc(id)}/members/${enc(userId)}`),
  myInvitations: () => request<{ invitations: Invitation[] }>('GET', '/me/invitations'),
  acceptInvitation: (id: string) => request<unknown>('POST', `/invitations/${enc(id)}/accept`),
  declineInvitation: (id: string) => request<unknown>('POST', `/invitations/${enc(id)}/decline`),
  tokens: () => request<{ tokens: ApiToken[] }>('GET', '/tokens'),
  /** The secret `token` is in this answer only. */
  createToken: (t: { name?: string; expires_at?: string; scopes?: TokenScope[] }) => request<ApiToken & { token: string }>('POST', '/tokens', t),
  revokeToken: (id: string) => request<void>('DELETE', `/tokens/${enc(id)}`),
  /** Every other session ends and every token is revoked; this browser stays signed in. */
  changePassword: (current_password: string, new_password: string) => request<void>('POST', '/me/password', { current_password, new_password }),
  quality: (id: string, limit = 1000, method: QualityMethod = 'ds') => request<Quality>('GET', `/projects/${enc(id)}/quality?limit=${limit}&method=${method}`),
  item: (id: string) => request<Item>('GET', `/items/${enc(id)}`),
  createUser: (u: { email: string; password: string; role: Role; name?: string }) => request<{ user: User }>('POST', '/users', u),
  users: (q = '', cursor?: string, limit = 100) =>
    request<{ users: UserInfo[]; next_cursor: string | null }>('GET', `/users?limit=${limit}${q ? `&q=${enc(q)}` : ''}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  /** Deactivating ends her sessions and revokes her tokens at once, on every server. */
  setActive: (id: string, active: boolean) => request<User>('PATCH', `/users/${enc(id)}`, { active }),
  /** Any earlier unused link of hers stops working. */
  issueReset: (id: string) => request<ResetLink>('POST', `/users/${enc(id)}/password-reset`),
  inspectReset: (token: string) => request<{ email: string; name: string; expires_at: string }>('POST', '/auth/password-reset/inspect', { token }),
  /** Once; ends every session and token of hers. */
  resetPassword: (token: string, new_password: string) => request<void>('POST', '/auth/password-reset', { token, new_password }),
  progress: (id: string) => request<Progress>('GET', `/projects/${enc(id)}/progress`),
  items: (id: string, cursor?: string, limit = 200) =>
    request<{ items: Item[]; next_cursor: string | null }>('GET', `/projects/${enc(id)}/items?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  /** The task in hand (or a new one); with `after` (the assignment in hand) the prefetched next one. undefined: nothing left. */
  lease: (id: string, after?: string) => request<Lease | undefined>('POST', `/projects/${enc(id)}/leases`, after ? { after } : undefined),
  submissions: (id: string, q: { state?: string; expert_id?: string; item_id?: string; order?: 'asc' | 'desc' | 'risk'; cursor?: string; limit?: number } = {}) =>
    request<{ submissions: Submission[]; next_cursor: string | null; total?: number }>('GET', `/projects/${enc(id)}/submissions${query(q)}`),
  /** The data browser: `query` is its query string (q, sort, order, state, gold, flagged, …, cursor). */
  browse: (id: string, query: string) => request<BrowsePage>('GET', `/projects/${enc(id)}/items${query ? '?' + query : ''}`),
  views: (id: string) => request<{ views: SavedView[] }>('GET', `/projects/${enc(id)}/views`),
  saveView: (id: string, name: string, query: string) => request<SavedView>('POST', `/projects/${enc(id)}/views`, { name, query }),
  deleteView: (viewId: string) => request<unknown>('DELETE', `/views/${enc(viewId)}`),
  itemContext: (itemId: string) => request<ItemContext>('GET', `/items/${enc(itemId)}/context`),
  /** dry_run: only the count; otherwise expected_count is the count the person confirmed (409 when it changed). */
  bulk: (id: string, r: BulkRequest) => request<{ job_id: string | null; count: number; submissions: number }>('POST', `/projects/${enc(id)}/bulk`, r),
  /** What a reviewer needs beside the answer: the other answers, consensus, gold compared, the expert's record. */
  submissionContext: (sid: string) => request<SubmissionContext>('GET', `/submissions/${enc(sid)}/context`),
  /** Back to its expert with a note (≥ 10 characters); it leaves the queue until she revises it. */
  sendBack: (sid: string, note: string) => request<Submission>('POST', `/submissions/${enc(sid)}/send-back`, { note }),
  audit: (id: string) => request<{ entries: { id: string; actor: { id: string; name: string }; action: string; items: number; detail: Record<string, unknown>; job_id: string | null; at: string }[] }>('GET', `/projects/${enc(id)}/audit?limit=20`),
  skips: (id: string) => request<{ counts: Record<SkipReason, number>; recent: { id: string; item_id: string; item_external_id: string | null; expert_id: string; expert_name?: string; reason: SkipReason; note: string; at: string }[] }>('GET', `/projects/${enc(id)}/skips?limit=20`),
  job: (jobId: string) => request<Job>('GET', `/jobs/${enc(jobId)}`),
  exportUrl: (id: string, format: ExportFormat = 'jsonl', opts: { approvedOnly?: boolean; allPairs?: boolean } = {}) =>
    `${BASE}/projects/${enc(id)}/export?format=${format}${opts.approvedOnly ? '&states=approved' : ''}${opts.allPairs ? '&pairs=all' : ''}`,
  leaderboard: (id: string) => request<Leaderboard>('GET', `/projects/${enc(id)}/leaderboard`),
  exports: (id: string) => request<{ exports: ExportManifest[] }>('GET', `/projects/${enc(id)}/exports`),
  renew: (aid: string, lease_token: string) => request<{ expires_at: string }>('POST', `/assignments/${enc(aid)}/renew`, { lease_token }),
  submit: (aid: string, body: { lease_token: string; client_submission_id: string; answer: unknown; active_ms: number }) =>
    request<{ submission: Submission } | Submission>('POST', `/assignments/${enc(aid)}/submit`, body),
  /** Gives the task back; with a reason (and a note) it is a skip the project's managers see. */
  returnLease: (aid: string, lease_token: string, reason?: SkipReason, note?: string) =>
    request<unknown>('POST', `/assignments/${enc(aid)}/return`, reason ? { lease_token, reason, ...(note ? { note } : {}) } : { lease_token }),
  remaining: (id: string) => request<{ for_you: number; in_project: number; live_leases: number }>('GET', `/projects/${enc(id)}/remaining`),
  review: (sid: string, verdict: 'approve' | 'reject', reason: string) => request<Review>('POST', `/submissions/${enc(sid)}/review`, { verdict, reason }),
};

/**
 * Submits with the same client_submission_id on every attempt, so a retry after a network
 * error (request may or may not have landed) never creates a second submission: the server
 * answers 200 with the original on an idempotent repeat.
 */
export async function submitWithRetry(
  aid: string, body: { lease_token: string; client_submission_id: string; answer: unknown; active_ms: number },
  attempts = 4, wait = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<Submission> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const r = await api.submit(aid, body);
      return ((r as { submission?: Submission }).submission ?? r) as Submission;
    } catch (e) {
      last = e;
      if (!(e instanceof ApiError) || !e.retryable) throw e;
      await wait(300 * 2 ** i);
    }
  }
  throw last;
}

/** Upload with progress events (fetch has no upload progress); answers as `request` does. */
export function uploadWithProgress<T>(method: string, path: string, body: XMLHttpRequestBodyInit, contentType: string, onProgress: (frac: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, BASE + path);
    xhr.withCredentials = false; // same-origin: cookies are sent anyway
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error during upload.'));
    xhr.onload = () => {
      let json: any;
      try { json = JSON.parse(xhr.responseText); } catch { json = undefined; }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(json as T); }
      else reject(new ApiError(xhr.status, json?.error?.code ?? `http_${xhr.status}`, json?.error?.message ?? xhr.statusText, json?.error?.details ?? {}));
    };
    xhr.send(body);
  });
}

/** Uploads items; with a format (and, for CSV, a column mapping) the server's streamed importer reads them. */
export function uploadItems(projectId: string, body: string | Blob, contentType: string, onProgress: (frac: number) => void,
  format?: ImportFormat, mapping?: string): Promise<ImportResult> {
  return uploadWithProgress<ImportResult>('POST', `/projects/${enc(projectId)}/items${query({ format, mapping })}`, body, contentType, onProgress);
}

export function newId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
