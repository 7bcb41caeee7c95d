// The template builder's model: a new component of each type with sensible defaults, moves
// within the list, and the gallery of starting templates (each with a sample item the preview
// can show). Only component types the renderer and the server know (lib/template.ts INPUTS,
// DISPLAY; src/work/template.cc) appear here.
import type { Component, Template } from './api';
import { DISPLAY, INPUTS } from './template';

export type ComponentType = (typeof DISPLAY)[number] | (typeof INPUTS)[number];

/** What each type is, in a few words (the "Add a component" list and each card's heading). */
export const TYPE_NAMES: Record<ComponentType, string> = {
  text: 'Text (shown as is)', markdown: 'Markdown (formatted text)', code: 'Code', chat: 'Chat transcript',
  responses: 'Model responses (A, B, …)', choice: 'Choice (pick one or several)', rating: 'Rating on a scale',
  pairwise: 'Pairwise preference (A or B)', ranking: 'Ranking of responses', rubric: 'Rubric (scores per criterion)',
  spans: 'Error spans in a text', rewrite: 'Rewrite of a text', claims: 'Fact-check claims',
  chat_author: 'Chat authoring (write turns)', textarea: 'Free text',
};

/** `base`, or `base_2`, `base_3` … whichever is not yet a name in the template. */
export function freeName(t: Template, base: string): string {
  const used = new Set(t.map((c) => c.name));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** A new component of `type` that is valid as it is (names kept unique within t). */
export function newComponent(type: ComponentType, t: Template): Component {
  switch (type) {
    case 'text': case 'markdown': return { type, source: 'prompt', label: 'Prompt' };
    case 'code': return { type, source: 'code', label: 'Code', language: 'python' };
    case 'chat': return { type, source: 'messages', label: 'Conversation' };
    case 'responses': return { type, source: 'responses', label: 'Responses' };
    case 'choice': return { type, name: freeName(t, 'verdict'), label: 'Verdict', options: ['good', 'bad'] };
    case 'rating': return { type, name: freeName(t, 'rating'), label: 'How good is it?', min: 1, max: 5 };
    case 'pairwise': return { type, name: freeName(t, 'preference'), label: 'Which response is better?', strength: true };
    case 'ranking': return { type, name: freeName(t, 'ranking'), label: 'Rank the responses, best first', source: 'responses' };
    case 'rubric': return {
      type, name: freeName(t, 'rubric'), label: 'Grade the response', scale: { min: 1, max: 5 },
      criteria: [{ id: 'accuracy', label: 'Accuracy' }, { id: 'clarity', label: 'Clarity' }],
    };
    case 'spans': return { type, name: freeName(t, 'errors'), label: 'Mark the errors', source: 'response', categories: ['factual', 'reasoning', 'style'], severities: ['minor', 'major'], required: false };
    case 'rewrite': return { type, name: freeName(t, 'rewrite'), label: 'Rewrite it so it is correct', source: 'response' };
    case 'claims': return { type, name: freeName(t, 'claims'), label: 'Check each claim' };
    case 'chat_author': return { type, name: freeName(t, 'conversation'), label: 'Write the conversation' };
    case 'textarea': return { type, name: freeName(t, 'note'), label: 'Why?', required: false };
  }
}

/** t with component `from` moved to `to` (same array when either is out of range). */
export function moveComponent(t: Template, from: number, to: number): Template {
  if (from === to || from < 0 || to < 0 || from >= t.length || to >= t.length) return t;
  const next = t.slice();
  const [c] = next.splice(from, 1);
  next.splice(to, 0, c);
  return next;
}

export interface GalleryEntry { id: string; title: string; blurb: string; template: Template; sample: Record<string, unknown> }

const PROMPT = 'Explain **photosynthesis** to a 10-year-old in two sentences.';
const TWO = [
  { id: 'a', model: 'model-1', content: 'Plants use sunlight, water and air to make their own food. They give off the oxygen we breathe.' },
  { id: 'b', model: 'model-2', content: 'Photosynthesis is the conversion of light energy into chemical energy via chlorophyll.' },
];
const ONE = 'The Eiffel Tower was finished in 1889 and is in Lyon. It is about 330 metres tall.';

/** Starting templates; every one uses only component types that exist. */
export const GALLERY: GalleryEntry[] = [
  {
    id: 'pairwise', title: 'Pairwise preference with rationale', blurb: 'A or B (and by how much), then why.',
    template: [
      { type: 'markdown', source: 'prompt', label: 'Prompt' },
      { type: 'responses', source: 'responses', label: 'Responses' },
      { type: 'pairwise', name: 'preference', label: 'Which response is better?', strength: true },
      { type: 'textarea', name: 'rationale', label: 'Why?', min_length: 20 },
    ],
    sample: { prompt: PROMPT, responses: TWO },
  },
  {
    id: 'rubric', title: 'Rubric grading', blurb: 'Scores 1–5 on each criterion, with comments.',
    template: [
      { type: 'markdown', source: 'prompt', label: 'Prompt' },
      { type: 'markdown', source: 'response', label: 'Response' },
      {
        type: 'rubric', name: 'grades', label: 'Grade the response', scale: { min: 1, max: 5 }, comments: true,
        criteria: [
          { id: 'accuracy', label: 'Accuracy', description: 'Every fact is right.' },
          { id: 'completeness', label: 'Completeness', description: 'It answers the whole question.' },
          { id: 'clarity', label: 'Clarity', description: 'A reader understands it at once.' },
        ],
      },
    ],
    sample: { prompt: PROMPT, response: TWO[0].content },
  },
  {
    id: 'spans', title: 'Error spans + rewrite', blurb: 'Mark what is wrong, then write it right.',
    template: [
      { type: 'markdown', source: 'prompt', label: 'Prompt' },
      { type: 'spans', name: 'errors', label: 'Mark the errors', source: 'response', categories: ['factual', 'reasoning', 'style'], severities: ['minor', 'major', 'critical'], required: false },
      { type: 'rewrite', name: 'rewrite', label: 'Rewrite it so it is correct', source: 'response' },
    ],
    sample: { prompt: 'Tell me two facts about the Eiffel Tower.', response: ONE },
  },
  {
    id: 'claims', title: 'Fact-check claims', blurb: 'A verdict and evidence for each claim.',
    template: [
      { type: 'markdown', source: 'response', label: 'Text to check' },
      { type: 'claims', name: 'claims', label: 'Check each claim', source: 'claims' },
      { type: 'choice', name: 'overall', label: 'Overall, the text is', options: ['accurate', 'partly accurate', 'inaccurate'] },
    ],
    sample: { response: ONE, claims: ['The Eiffel Tower was finished in 1889.', 'The Eiffel Tower is in Lyon.', 'It is about 330 metres tall.'] },
  },
  {
    id: 'chat', title: 'Chat authoring', blurb: 'Experts write a conversation for a scenario.',
    template: [
      { type: 'markdown', source: 'scenario', label: 'Scenario' },
      { type: 'chat_author', name: 'conversation', label: 'Write the conversation' },
      { type: 'textarea', name: 'notes', label: 'Notes for the reviewer', required: false },
    ],
    sample: { scenario: 'A patient asks a pharmacist whether ibuprofen can be taken with **lisinopril**. Write at least two turns.' },
  },
  {
    id: 'ranking', title: 'Ranking of N responses', blurb: 'Order any number of responses, best first.',
    template: [
      { type: 'markdown', source: 'prompt', label: 'Prompt' },
      { type: 'responses', source: 'responses', label: 'Responses' },
      { type: 'ranking', name: 'ranking', label: 'Rank the responses, best first', source: 'responses' },
      { type: 'textarea', name: 'why', label: 'Why this order?', required: false },
    ],
    sample: { prompt: PROMPT, responses: [...TWO, { id: 'c', model: 'model-3', content: 'Plants eat sunlight.' }] },
  },
];
