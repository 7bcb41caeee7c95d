// Readings of the quality engine's numbers (GET /projects/{id}/quality) for managers.
import type { QualityLabel, QualityMethod, QualityWorker } from './api';

export type Reliability = 'good' | 'tentative' | 'unreliable' | 'unknown';

/**
 * Krippendorff's own cut-offs: α ≥ 0.800 supports conclusions, 0.667 ≤ α < 0.800 only
 * tentative ones, below 0.667 the labels are not reliable enough to use.
 */
export function alphaReading(alpha: number | null | undefined, itemsWith2plus: number): { level: Reliability; text: string } {
  if (alpha == null || !Number.isFinite(alpha) || itemsWith2plus < 2) {
    return { level: 'unknown', text: 'Not enough items with two or more labels to measure agreement yet.' };
  }
  const few = itemsWith2plus < 30 ? ` Only ${itemsWith2plus} items have two or more labels, so this is a rough estimate.` : '';
  if (alpha >= 0.8) return { level: 'good', text: `Good: experts agree well beyond chance; the labels can be relied on.${few}` };
  if (alpha >= 0.667) return { level: 'tentative', text: `Tentative: agreement is moderate; use the labels for tentative conclusions only.${few}` };
  return { level: 'unreliable', text: `Unreliable: experts disagree too often. Check the instructions and the template, and look at the lowest-confidence items below.${few}` };
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** How far below the rest a worker must be to be flagged (accuracy points under the others' median). */
export const FAR_BELOW = 0.15;

/** How a worker is shown: her name for managers, else her email; reviewers see only the pseudonym. */
export const workerLabel = (w: QualityWorker) => w.name || w.email || w.expert_id;

export interface WorkerRow extends QualityWorker { far: boolean; othersMedian: number }
/**
 * Workers by accuracy, best first. A worker is far below the rest when their accuracy is more
 * than FAR_BELOW under the median of the other workers, or when their gold interval lies
 * entirely below that median (the gold evidence alone says they are worse).
 */
export function rankWorkers(workers: QualityWorker[]): WorkerRow[] {
  return [...workers].sort((a, b) => b.accuracy - a.accuracy || workerLabel(a).localeCompare(workerLabel(b))).map((w, _i, all) => {
    const others = all.filter((x) => x !== w).map((x) => x.accuracy);
    const m = median(others);
    const far = others.length >= 2 && (w.accuracy < m - FAR_BELOW || (w.gold != null && w.gold.total > 0 && w.gold.high < m));
    return { ...w, far, othersMedian: m };
  });
}

/** Label confidences in `bins` equal bins over [0, 1] (1.0 falls in the last bin). */
export function confidenceBins(labels: QualityLabel[], bins = 10): number[] {
  const out = new Array(bins).fill(0);
  for (const l of labels) {
    if (!Number.isFinite(l.confidence)) continue;
    out[Math.min(bins - 1, Math.max(0, Math.floor(l.confidence * bins)))]++;
  }
  return out;
}

export function lowestConfidence(labels: QualityLabel[], n = 15): QualityLabel[] {
  return [...labels].sort((a, b) => a.confidence - b.confidence || String(a.external_id ?? a.item_id).localeCompare(String(b.external_id ?? b.item_id))).slice(0, n);
}

/** The aggregation methods of GET /quality?method= (src/qc), as a manager would choose one. */
export const METHODS: { id: QualityMethod; name: string; label: string; accuracy: string }[] = [
  { id: 'ds', name: 'Dawid–Skene', label: 'Dawid–Skene (weighs experts by skill)', accuracy: 'expected accuracy under Dawid–Skene' },
  { id: 'mv', name: 'Majority vote', label: 'majority vote', accuracy: 'agreement with the majority label' },
  { id: 'ods', name: 'One-coin Dawid–Skene', label: 'one-coin Dawid–Skene (one accuracy per expert)', accuracy: 'accuracy under one-coin Dawid–Skene' },
  { id: 'glad', name: 'GLAD', label: 'GLAD (expert ability and item difficulty)', accuracy: 'chance of a right answer on an item of average difficulty (GLAD)' },
  { id: 'mace', name: 'MACE', label: 'MACE (finds experts who answer at random)', accuracy: 'chance the expert is not answering at random (MACE)' },
  { id: 'wawa', name: 'Wawa', label: 'Wawa (votes weighted by agreement with the majority)', accuracy: 'agreement with the weighted vote (Wawa)' },
];
export const methodInfo = (id: QualityMethod) => METHODS.find((m) => m.id === id) ?? METHODS[0];
