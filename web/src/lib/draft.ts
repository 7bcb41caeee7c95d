// Drafts live in localStorage until the submission is accepted. Each draft owns one
// client_submission_id, created once and reused for every submit attempt of that draft.
import { newId } from './api';

export interface Draft { answer: Record<string, unknown>; client_submission_id: string; active_ms: number; updated_at: number }

const key = (assignmentId: string) => `assay.draft.${assignmentId}`;

export function loadDraft(assignmentId: string, storage: Storage = localStorage): Draft {
  try {
    const raw = storage.getItem(key(assignmentId));
    if (raw) {
      const d = JSON.parse(raw) as Draft;
      if (d && typeof d.client_submission_id === 'string') return { answer: d.answer ?? {}, client_submission_id: d.client_submission_id, active_ms: d.active_ms ?? 0, updated_at: d.updated_at ?? 0 };
    }
  } catch { /* corrupt draft: start over */ }
  const d: Draft = { answer: {}, client_submission_id: newId(), active_ms: 0, updated_at: Date.now() };
  saveDraft(assignmentId, d, storage);
  return d;
}

export function saveDraft(assignmentId: string, d: Draft, storage: Storage = localStorage): void {
  try { storage.setItem(key(assignmentId), JSON.stringify({ ...d, updated_at: Date.now() })); } catch { /* quota: keep working */ }
}

export function clearDraft(assignmentId: string, storage: Storage = localStorage): void {
  storage.removeItem(key(assignmentId));
}
