import { describe, expect, it, vi, afterEach } from 'vitest';
import { wordDiff } from './diff';
import { findQuote, segments } from './spans';
import { loadDraft, saveDraft, clearDraft } from './draft';
import { ActivityClock } from './activity';
import { submitWithRetry } from './api';
import { missing, validateTemplate } from './template';

describe('wordDiff', () => {
  it('marks changed words and reassembles both texts', () => {
    const a = 'The cat sat on the mat.'; const b = 'The dog sat on the red mat.';
    const parts = wordDiff(a, b);
    expect(parts.filter((p) => p.op !== 'add').map((p) => p.text).join('')).toBe(a);
    expect(parts.filter((p) => p.op !== 'del').map((p) => p.text).join('')).toBe(b);
    expect(parts.filter((p) => p.op === 'del').map((p) => p.text.trim())).toEqual(['cat']);
    expect(parts.filter((p) => p.op === 'add').map((p) => p.text.trim()).join('|')).toBe('dog|red');
  });
  it('identical texts are one same part; empty old text is one add', () => {
    expect(wordDiff('a b', 'a b')).toEqual([{ op: 'same', text: 'a b' }]);
    expect(wordDiff('', 'new text')).toEqual([{ op: 'add', text: 'new text' }]);
  });
});

describe('spans', () => {
  it('findQuote counts UTF-16 code units (emoji = 2) and finds the n-th occurrence', () => {
    const t = 'I 😀 like cats. I like dogs.';
    const o = findQuote(t, 'like', 0)!;
    expect(o).toEqual({ start: 5, end: 9 });
    expect(t.slice(o.start, o.end)).toBe('like');
    expect(findQuote(t, 'like', 1)).toEqual({ start: 18, end: 22 });
    expect(findQuote(t, 'like', 2)).toBeNull();
  });
  it('segments cover the text exactly once', () => {
    const t = 'abcdefghij';
    const segs = segments(t, [{ start: 2, end: 5, text: 'cde', category: 'x', severity: 'minor' }, { start: 4, end: 7, text: 'efg', category: 'y', severity: 'major' }]);
    expect(segs.map((s) => s.text).join('')).toBe(t);
    expect(segs.find((s) => s.start === 4)!.spans).toEqual([0, 1]);
  });
});

describe('draft', () => {
  it('survives a reload and keeps one client_submission_id until cleared', () => {
    const d = loadDraft('as1');
    d.answer = { rating: 4 }; saveDraft('as1', d);
    const again = loadDraft('as1'); // what a reloaded page does
    expect(again.answer).toEqual({ rating: 4 });
    expect(again.client_submission_id).toBe(d.client_submission_id);
    clearDraft('as1');
    expect(loadDraft('as1').client_submission_id).not.toBe(d.client_submission_id);
  });
});

describe('ActivityClock', () => {
  it('counts focused time with input and stops 60 s after the last input', () => {
    let t = 0; let focused = true;
    const c = new ActivityClock(0, () => t, () => focused);
    t = 10_000; c.tick(); expect(c.active_ms).toBe(10_000);
    t = 100_000; c.tick(); expect(c.active_ms).toBe(60_000); // idle after 60 s
    c.input(); t = 105_000; c.tick(); expect(c.active_ms).toBe(65_000);
    focused = false; t = 120_000; c.tick(); expect(c.active_ms).toBe(65_000);
  });
});

describe('submitWithRetry', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('retries after a network error with the same client_submission_id and returns the one submission', async () => {
    const bodies: any[] = [];
    let n = 0;
    vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      if (n++ === 0) throw new TypeError('Failed to fetch'); // request landed but response lost
      return new Response(JSON.stringify({ submission: { id: 's1', client_submission_id: bodies[0].client_submission_id } }), { status: 200 });
    }));
    const s = await submitWithRetry('a1', { lease_token: 't', client_submission_id: 'csid-1', answer: { x: 1 }, active_ms: 5 }, 3, async () => {});
    expect(s.id).toBe('s1');
    expect(bodies).toHaveLength(2);
    expect(bodies.map((b) => b.client_submission_id)).toEqual(['csid-1', 'csid-1']);
    expect((fetch as any).mock.calls[0][1].credentials).toBe('same-origin');
  });
  it('does not retry a validation error and surfaces the error shape', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'invalid_argument', message: 'bad answer', details: { field: 'answer.rating' } } }), { status: 400 })));
    await expect(submitWithRetry('a1', { lease_token: 't', client_submission_id: 'c', answer: {}, active_ms: 0 }, 3, async () => {}))
      .rejects.toMatchObject({ status: 400, code: 'invalid_argument', details: { field: 'answer.rating' } });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('template', () => {
  it('validates structure', () => {
    expect(validateTemplate([{ type: 'rating', name: 'r', min: 1, max: 5 }])).toEqual([]);
    expect(validateTemplate({})).toHaveLength(1);
    expect(validateTemplate([{ type: 'nope' }, { type: 'rating', name: 'r', min: 1, max: 5 }, { type: 'textarea', name: 'r' }]).join('\n')).toMatch(/unknown type[\s\S]*already used by component 2/);
  });
  it('lists missing required answers', () => {
    const t = [{ type: 'rating', name: 'r', min: 1, max: 5 }, { type: 'textarea', name: 'note', required: false }, { type: 'pairwise', name: 'p', strength: true }];
    expect(missing(t, {}, {})).toEqual(['r', 'p']);
    expect(missing(t, { r: 3, p: { choice: 'a' } }, {})).toEqual(['p']);
    expect(missing(t, { r: 3, p: { choice: 'tie' } }, {})).toEqual([]);
  });
});

import { ApiError, errorText } from './api';
describe('errorText', () => {
  it('shows message, the bad field, other details and the code', () => {
    expect(errorText(new ApiError(400, 'invalid_argument', 'Answer does not fit the template.', { field: 'answer.rating', max: 5 })))
      .toBe('Answer does not fit the template. (answer.rating) — max: 5 [invalid_argument]');
  });
});
