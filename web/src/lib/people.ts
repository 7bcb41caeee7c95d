// Typed client for the people routes of docs/api.md (profiles, credentials, the experts
// directory, the taxonomy, qualifications, contracts) and the words the pages use for them.
//
//   const me = await people.myProfile();
//   await people.saveProfile({ ...fields, languages: [{ tag: 'ar-EG', level: 'C1' }] }); // fields: ProfileFields
//   const r = leaseRefusal(error); // a refused lease in words: r.kind, r.message, r.contractId
import { ApiError, query, request, uploadWithProgress } from './api';
import { cents } from './money';

export type ExpertStatus = 'applicant' | 'vetting' | 'active' | 'paused' | 'removed';
export const STATUSES: ExpertStatus[] = ['applicant', 'vetting', 'active', 'paused', 'removed'];
export const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native'] as const;

export interface LanguageSkill { tag: string; level: string }
export interface ProfileFields {
  headline: string; bio: string; domains: string[]; languages: LanguageSkill[];
  rate_cents: number | null; currency: string; timezone: string; availability_hours: number | null;
}
export interface Profile extends ProfileFields { user_id: string; email: string; name: string; status: ExpertStatus; updated_at: string }
export interface StatusChange { from: ExpertStatus; to: ExpertStatus; reason: string; by: string; at: string }
export interface Credential {
  id: string; kind: 'degree' | 'licence' | 'certification'; title: string; issuer: string; number: string; country: string;
  expires_on: string | null; evidence: { content_type: string; bytes: number } | null;
  status: 'unverified' | 'verified' | 'rejected'; verified_by: string | null; verified_at: string | null; note: string; created_at: string;
}
export interface Grant {
  id: string; qualification_id: string; qualification: string; value: unknown; source: 'test' | 'gold' | 'manual';
  reason: string; granted_by: string; granted_at: string; expires_at: string | null;
  /** In a history: this row took the qualification away. */
  revoked?: boolean;
}
export interface Acceptance { id: string; contract_id: string; title: string; version: number; sha256: string; accepted_at: string; address: string; user_agent: string }
export interface ExpertView extends Profile {
  history: StatusChange[]; credentials: Credential[]; qualifications: Grant[]; qualification_history?: Grant[]; contracts: Acceptance[];
  /** Managers and admins: the statuses they may move her to. */
  status_moves?: ExpertStatus[];
}
export interface TaxonomyPath { path: string; label: string; builtin: boolean }
export interface GoldRule { min_answers: number; threshold: number; project_id?: string }
export interface Qualification {
  id: string; name: string; kind: 'flag' | 'scale' | 'set'; description: string; min?: number; max?: number; values?: string[];
  gold_rule: GoldRule | null; created_at: string;
}
export interface Contract { id: string; family_id: string; version: number; title: string; sha256: string; created_at: string; body?: string }
export type Op = 'exists' | '=' | '>=' | '<=' | 'in';
export type Requirement =
  | { qualification: string; op: Op; value?: unknown }
  | { language: string; level?: string }
  | { domain: string };
export interface DirectoryFilter { q?: string; domain?: string; language?: string; qualification?: string; status?: string; max_rate_cents?: number; limit?: number; cursor?: string }

/** The largest evidence file the server takes (src/api/routes.cc: kEvidenceBytes). */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

const enc = encodeURIComponent;
export const people = {
  myProfile: () => request<ExpertView>('GET', '/me/profile'),
  saveProfile: (f: ProfileFields) => request<Profile>('PUT', '/me/profile', f),
  addCredential: (c: { kind: string; title: string; issuer?: string; number?: string; country?: string; expires_on?: string }) =>
    request<Credential>('POST', '/me/credentials', c),
  /** The file as the body, with its own type; `onProgress` gets the share sent. */
  uploadEvidence: (id: string, file: Blob, onProgress: (frac: number) => void) =>
    uploadWithProgress<Credential>('PUT', `/me/credentials/${enc(id)}/evidence`, file, file.type, onProgress),
  evidenceUrl: (id: string) => `/api/v1/credentials/${enc(id)}/evidence`,
  verify: (id: string, status: 'verified' | 'rejected', note: string) => request<Credential>('POST', `/credentials/${enc(id)}/verification`, { status, note }),
  experts: (f: DirectoryFilter) => request<{ experts: Profile[]; next_cursor: string | null }>('GET', `/experts${query({ ...f })}`),
  expert: (id: string) => request<ExpertView>('GET', `/experts/${enc(id)}`),
  setStatus: (id: string, status: ExpertStatus, reason: string) => request<Profile>('POST', `/experts/${enc(id)}/status`, { status, reason }),
  taxonomy: () => request<{ paths: TaxonomyPath[] }>('GET', '/taxonomy'),
  qualifications: () => request<{ qualifications: Qualification[] }>('GET', '/qualifications'),
  createQualification: (q: { name: string; kind: string; description: string; min?: number; max?: number; values?: string[]; gold_rule?: GoldRule }) =>
    request<Qualification>('POST', '/qualifications', q),
  grant: (qid: string, g: { user_id: string; value?: unknown; reason: string; expires_at?: string }) =>
    request<Grant>('POST', `/qualifications/${enc(qid)}/grants`, g),
  revoke: (qid: string, user_id: string, reason: string) => request<unknown>('POST', `/qualifications/${enc(qid)}/revocations`, { user_id, reason }),
  contracts: () => request<{ contracts: Contract[] }>('GET', '/contracts'),
  contract: (id: string) => request<Contract>('GET', `/contracts/${enc(id)}`),
  publishContract: (title: string, body: string) => request<Contract>('POST', '/contracts', { title, body }),
  newContractVersion: (id: string, title: string, body: string) => request<Contract>('POST', `/contracts/${enc(id)}/versions`, { title, body }),
  accept: (id: string) => request<Acceptance>('POST', `/contracts/${enc(id)}/accept`),
  acceptanceUrl: (id: string) => `/api/v1/me/contracts/${enc(id)}`,
};

/** Versions grouped by contract, each family's versions oldest first, families by their latest title. */
export function families(list: Contract[]): Contract[][] {
  const by = new Map<string, Contract[]>();
  for (const k of list) by.set(k.family_id, [...(by.get(k.family_id) ?? []), k]);
  const out = [...by.values()].map((v) => v.sort((a, b) => a.version - b.version));
  return out.sort((a, b) => a[a.length - 1].title.localeCompare(b[b.length - 1].title));
}

// ---- words ------------------------------------------------------------------------------

/** "Arabic (Egypt)" for "ar-EG"; the tag itself when the browser does not know it. */
export function languageName(tag: string): string {
  try { return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag; } catch { return tag; }
}

/** "$120.00 an hour" (integer cents; the currency's symbol where the browser has one). */
export function rateText(c: number | null | undefined, currency = 'USD'): string {
  if (c == null) return '—';
  return `${cents(c, currency)} an hour`;
}

/** IANA zones for a select: the browser's list with UTC first. */
export function timeZones(): string[] {
  let zones: string[] = [];
  try { zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone'); } catch { /* old browser */ }
  return ['UTC', ...zones.filter((z) => z.includes('/'))];
}

export const STATUS_WORDS: Record<ExpertStatus, string> = {
  applicant: 'applicant', vetting: 'being vetted', active: 'active', paused: 'paused', removed: 'removed',
};
export const STATUS_CHIP: Record<ExpertStatus, string> = { applicant: 'pend', vetting: 'pend', active: 'ok', paused: 'pend', removed: 'bad' };
export const SOURCE_WORDS: Record<Grant['source'], string> = { test: 'by a test', gold: 'by gold accuracy', manual: 'by hand' };

/** A grant's value in words: "yes" for a flag, the number or the set's value otherwise. */
export function valueText(v: unknown): string {
  if (v === true) return 'yes';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return v == null ? '' : JSON.stringify(v);
}

export const bytesText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);

// ---- errors next to their fields -----------------------------------------------------------

/** The field a 400 names: `details.field`, with `[index]` for list errors ("requirements[2]"). */
export function errorField(e: unknown): string | undefined {
  if (!(e instanceof ApiError) || typeof e.details.field !== 'string') return undefined;
  return typeof e.details.index === 'number' ? `${e.details.field}[${e.details.index}]` : e.details.field;
}
/** The server's message for `field` without its "field: " prefix, when the error is about it. */
export function fieldMessage(e: unknown, field: string): string | undefined {
  if (errorField(e) !== field) return undefined;
  const m = (e as ApiError).message;
  return m.startsWith(`${field}: `) ? m.slice(field.length + 2) : m;
}

// ---- a refused lease, in words and what to do ------------------------------------------------

export type RefusalKind = 'contract' | 'language' | 'domain' | 'qualification' | 'status' | 'daily_cap' | 'max_share' | 'other';
export interface Refusal { kind: RefusalKind; message: string; contractId?: string; contractTitle?: string; contractVersion?: number; language?: string }

/** A lease refused for who she is (403 failed_precondition), or null for any other error. */
export function leaseRefusal(e: unknown): Refusal | null {
  if (!(e instanceof ApiError) || e.status !== 403 || e.code !== 'failed_precondition') return null;
  const d = e.details;
  if (typeof d.contract_id === 'string') {
    return { kind: 'contract', message: e.message, contractId: d.contract_id, contractTitle: String(d.contract_title ?? ''), contractVersion: Number(d.contract_version ?? 1) };
  }
  const r = (d.requirement ?? {}) as Record<string, unknown>;
  const kinds: RefusalKind[] = ['language', 'domain', 'qualification', 'status', 'daily_cap', 'max_share'];
  const kind = kinds.find((k) => k in r) ?? 'other';
  return kind === 'language' && typeof r.language === 'string' ? { kind, message: e.message, language: r.language } : { kind, message: e.message };
}
