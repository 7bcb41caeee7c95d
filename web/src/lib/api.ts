// Typed client for docs/api.md (v1). Cookie auth: every request is same-origin with
// credentials 'same-origin', so the server's Origin / Sec-Fetch-Site check passes.

export type Role = 'admin' | 'manager' | 'reviewer' | 'expert';
export interface User { id: string; email: string; name?: string; role: Role }
export type Component = { type: string; name?: string; source?: string; label?: string; required?: boolean; [k: string]: unknown };
export type Template = Component[];
export interface Project {
  id: string; name: string; instructions: string; template: Template; answer_schema?: unknown;
  overlap: number; lease_seconds: number; created_at?: string; my_role?: Role;
}
export interface Item { id: string; data: Record<string, unknown>; external_id?: string; gold?: unknown; submissions?: number | unknown[] }
export interface Lease { assignment_id: string; lease_token: string; expires_at: string; item: { id: string; data: Record<string, unknown> } }
export interface Review { verdict: 'approve' | 'reject'; reason: string; reviewer_id?: string; reviewed_at?: string }
export interface Submission {
  id: string; assignment_id: string; item_id: string; project_id: string; expert_id: string;
  client_submission_id: string; answer: Record<string, unknown>; active_ms: number; submitted_at: string;
  state: 'pending' | 'approved' | 'rejected'; review: Review | null;
  /** Managers only (reviewers judge blind): who submitted, and the item's external id. */
  expert?: { id: string; email: string; name: string }; item_external_id?: string | null;
}
export interface Member { user_id: string; email: string; name: string; role: Role; added_at?: string }
export type QualityComponent = 'pairwise' | 'choice' | 'rating';
export interface QualityWorker {
  expert_id: string; name: string; email: string; labels: number; accuracy: number;
  gold: { correct: number; total: number; low: number; high: number } | null;
}
export interface QualityLabel { item_id: string; external_id: string | null; label: string; confidence: number; votes: Record<string, number> }
export interface QualityField {
  field: string; component: QualityComponent; level: 'nominal' | 'ordinal'; method: 'ds' | 'mv';
  /** Shares are fractions in [0, 1]; null when fewer than two items have two labels. */
  agreement: { percent: number | null; krippendorff_alpha: number | null; fleiss_kappa: number | null; items_with_2plus: number };
  workers: QualityWorker[]; labels: QualityLabel[]; labels_total: number;
}
export interface Quality {
  project_id: string; version: number; computed_at: string; stale: boolean; items: number; submissions: number;
  overlap: { overlap: number; max_overlap: number; target_confidence: number; items_decided: number; items_open: number };
  fields: QualityField[];
}
export interface Progress {
  items: number; overlap: number; target_submissions: number; submitted: number; approved: number;
  rejected: number; pending_review: number; leased: number; throughput: { bucket_start: string; submissions: number }[];
}
export interface MyStats { projects: { project_id: string; name: string; submitted: number; approved: number; rejected: number; approval_rate: number | null; active_seconds: number }[] }
export interface ImportResult { imported: number; skipped: number; errors: { line: number; message: string }[] }

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public details: Record<string, unknown> = {}) {
    super(message);
  }
  /** True when the request may not have reached the server (safe to retry idempotent calls). */
  get retryable(): boolean { return this.status === 0 || this.status >= 500 || this.status === 429; }
}

export const BASE = '/api/v1';

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
  myStats: () => request<MyStats>('GET', '/me/stats'),
  projects: () => request<{ projects: Project[] }>('GET', '/projects'),
  project: (id: string) => request<Project>('GET', `/projects/${enc(id)}`),
  createProject: (p: Partial<Project>) => request<Project>('POST', '/projects', p),
  updateProject: (id: string, p: Partial<Project>) => request<Project>('PATCH', `/projects/${enc(id)}`, p),
  members: (id: string) => request<{ members: Member[] }>('GET', `/projects/${enc(id)}/members`),
  quality: (id: string, limit = 1000) => request<Quality>('GET', `/projects/${enc(id)}/quality?limit=${limit}`),
  item: (id: string) => request<Item>('GET', `/items/${enc(id)}`),
  addMember: (id: string, email: string, role: Role) => request<unknown>('POST', `/projects/${enc(id)}/members`, { email, role }),
  createUser: (u: { email: string; password: string; role: Role; name?: string }) => request<{ user: User }>('POST', '/users', u),
  progress: (id: string) => request<Progress>('GET', `/projects/${enc(id)}/progress`),
  items: (id: string, cursor?: string, limit = 200) =>
    request<{ items: Item[]; next_cursor: string | null }>('GET', `/projects/${enc(id)}/items?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  /** The task in hand (or a new one); with `after` (the assignment in hand) the prefetched next one. undefined: nothing left. */
  lease: (id: string, after?: string) => request<Lease | undefined>('POST', `/projects/${enc(id)}/leases`, after ? { after } : undefined),
  submissions: (id: string, q: { state?: string; expert_id?: string; item_id?: string; order?: 'asc' | 'desc'; cursor?: string; limit?: number } = {}) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    return request<{ submissions: Submission[]; next_cursor: string | null }>('GET', `/projects/${enc(id)}/submissions${s ? '?' + s : ''}`);
  },
  exportUrl: (id: string) => `${BASE}/projects/${enc(id)}/export?format=jsonl`,
  renew: (aid: string, lease_token: string) => request<{ expires_at: string }>('POST', `/assignments/${enc(aid)}/renew`, { lease_token }),
  submit: (aid: string, body: { lease_token: string; client_submission_id: string; answer: unknown; active_ms: number }) =>
    request<{ submission: Submission } | Submission>('POST', `/assignments/${enc(aid)}/submit`, body),
  returnLease: (aid: string, lease_token: string) => request<unknown>('POST', `/assignments/${enc(aid)}/return`, { lease_token }),
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

/** Upload with progress events (fetch has no upload progress). */
export function uploadItems(projectId: string, body: string, contentType: string, onProgress: (frac: number) => void): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/projects/${enc(projectId)}/items`);
    xhr.withCredentials = false; // same-origin: cookies are sent anyway
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error during upload.'));
    xhr.onload = () => {
      let json: any;
      try { json = JSON.parse(xhr.responseText); } catch { json = undefined; }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(json as ImportResult); }
      else reject(new ApiError(xhr.status, json?.error?.code ?? `http_${xhr.status}`, json?.error?.message ?? xhr.statusText, json?.error?.details ?? {}));
    };
    xhr.send(body);
  });
}

export function newId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
