// Error-span offsets are UTF-16 code units into the source text (what JS string indices are).
export interface Span { start: number; end: number; text: string; category: string; severity: string; comment?: string }

/** Offset of (node, offset) within root's text content, in UTF-16 code units. */
export function textOffset(root: Node, node: Node, offset: number): number {
  const doc = root.ownerDocument ?? document;
  const r = doc.createRange();
  r.selectNodeContents(root);
  r.setEnd(node, offset);
  return r.toString().length;
}

/** The [start,end) of the current selection inside root, or null when it is empty or outside. */
export function selectionOffsets(root: HTMLElement, sel: Selection | null): { start: number; end: number } | null {
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!root.contains(r.startContainer) || !root.contains(r.endContainer)) return null;
  const a = textOffset(root, r.startContainer, r.startOffset);
  const b = textOffset(root, r.endContainer, r.endOffset);
  return a < b ? { start: a, end: b } : b < a ? { start: b, end: a } : null;
}

/** Finds the n-th (0-based) occurrence of quote in text. */
export function findQuote(text: string, quote: string, occurrence = 0): { start: number; end: number } | null {
  if (!quote) return null;
  let from = 0;
  for (let i = 0; ; i++) {
    const at = text.indexOf(quote, from);
    if (at < 0) return null;
    if (i === occurrence) return { start: at, end: at + quote.length };
    from = at + 1;
  }
}

/** Splits text into plain and highlighted segments; overlapping spans are layered by start. */
export function segments(text: string, spans: Span[]): { text: string; start: number; spans: number[] }[] {
  const cuts = new Set<number>([0, text.length]);
  spans.forEach((s) => { cuts.add(Math.max(0, Math.min(text.length, s.start))); cuts.add(Math.max(0, Math.min(text.length, s.end))); });
  const pts = [...cuts].sort((a, b) => a - b);
  const out: { text: string; start: number; spans: number[] }[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]; const b = pts[i + 1];
    if (a === b) continue;
    out.push({ text: text.slice(a, b), start: a, spans: spans.map((s, j) => (s.start <= a && s.end >= b ? j : -1)).filter((j) => j >= 0) });
  }
  return out;
}
