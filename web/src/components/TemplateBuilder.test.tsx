import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within, waitFor, type RenderResult } from '@testing-library/react';
import { ProjectEdit } from '../pages/ManagerProjects';
import { stubApi } from '../test/stubApi';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const cards = (r: RenderResult) => [...r.container.querySelectorAll<HTMLElement>('.builder-card')];
const card = (r: RenderResult, n: number) => within(cards(r)[n - 1]);
const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
function add(r: RenderResult, kind: string) {
  type(r.getByLabelText('Add a component'), kind);
  fireEvent.click(r.getByRole('button', { name: 'Add' }));
}
function clearAll(r: RenderResult) {
  while (cards(r).length) fireEvent.click(r.getByRole('button', { name: 'Remove component 1' }));
}

describe('template builder', () => {
  it('builds, by clicks and typing, the same template as a hand-written one', async () => {
    const handWritten = JSON.parse(`[
      {"type": "markdown", "source": "question", "label": "Question"},
      {"type": "responses", "source": "answers", "label": "Answers"},
      {"type": "choice", "name": "verdict", "label": "Which answer is right?", "options": ["A", "B", "neither"], "multiple": true},
      {"type": "rubric", "name": "grades", "label": "Grade answer A", "scale": {"min": 1, "max": 4},
       "criteria": [{"id": "accuracy", "label": "Accuracy"}, {"id": "tone", "label": "Tone", "description": "Polite and calm"}]},
      {"type": "textarea", "name": "why", "label": "Why?", "required": false, "min_length": 10}
    ]`);
    const calls = stubApi((method, path) => (method === 'POST' && path === '/projects' ? [201, { id: 'p9' }] : undefined));
    const r = render(<ProjectEdit />);
    type(r.getByLabelText('Name'), 'Math QA');
    clearAll(r);
    expect(r.getByText('No components yet: add one below, or start from a template.')).toBeTruthy();

    add(r, 'markdown');
    type(card(r, 1).getByLabelText('Item field to show'), 'question');
    type(card(r, 1).getByLabelText('Heading (optional)'), 'Question');
    add(r, 'textarea'); // added early on purpose: moved to the end below
    type(card(r, 2).getByLabelText("Name (the answer's key)"), 'why');
    type(card(r, 2).getByLabelText('Fewest characters (optional)'), '10');
    expect((card(r, 2).getByLabelText('Required') as HTMLInputElement).checked).toBe(false);
    add(r, 'responses');
    type(card(r, 3).getByLabelText('Item field to show'), 'answers');
    type(card(r, 3).getByLabelText('Heading (optional)'), 'Answers');
    add(r, 'choice');
    type(card(r, 4).getByLabelText('Question shown to the expert'), 'Which answer is right?');
    const options = card(r, 4).getByLabelText('Options, one per line');
    type(options, 'A\n'); type(options, 'A\nB\n'); // a trailing new line stays while typing
    expect((options as HTMLTextAreaElement).value).toBe('A\nB\n');
    type(options, 'A\nB\nneither');
    fireEvent.click(card(r, 4).getByLabelText('Several may be chosen'));
    add(r, 'rubric');
    type(card(r, 5).getByLabelText("Name (the answer's key)"), 'grades');
    type(card(r, 5).getByLabelText('Question shown to the expert'), 'Grade answer A');
    type(card(r, 5).getByLabelText('Scale: highest'), '4');
    const crit2 = within(card(r, 5).getByRole('group', { name: 'Criterion 2' }));
    type(crit2.getByLabelText('Id (in the answer)'), 'tone');
    type(crit2.getByLabelText('Label'), 'Tone');
    type(crit2.getByLabelText('Description (optional)'), 'Polite and calm');
    for (let i = 0; i < 3; i++) fireEvent.click(r.getByRole('button', { name: `Move component ${2 + i} down` }));
    expect(r.getByText('Template is valid.')).toBeTruthy();

    fireEvent.click(r.getByRole('button', { name: 'Create project' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body.template).toStrictEqual(handWritten);
  });

  it('keeps the forms and the JSON in sync both ways; invalid JSON leaves the forms as they were', () => {
    stubApi(() => undefined);
    const r = render(<ProjectEdit />);
    // form → JSON
    type(card(r, 3).getByLabelText("Name (the answer's key)"), 'pref');
    fireEvent.click(r.getByRole('button', { name: 'Advanced: JSON' }));
    const json = r.getByLabelText('Template (JSON array of components)') as HTMLTextAreaElement;
    expect(JSON.parse(json.value)[2]).toEqual({ type: 'pairwise', name: 'pref', label: 'Which response is better?', strength: true });
    // JSON → form
    const t = JSON.parse(json.value);
    t[2].label = 'Which one would you ship?';
    t.push({ type: 'rating', name: 'overall', min: 1, max: 7 });
    type(json, JSON.stringify(t));
    expect(r.getByText('Edits here update the forms as soon as the JSON parses.')).toBeTruthy();
    fireEvent.click(r.getByRole('button', { name: 'Form' }));
    expect(cards(r)).toHaveLength(5);
    expect((card(r, 3).getByLabelText('Question shown to the expert') as HTMLInputElement).value).toBe('Which one would you ship?');
    expect((card(r, 5).getByLabelText('Highest score') as HTMLInputElement).value).toBe('7');
    // invalid JSON: the error is said, the forms keep the last template that parsed, saving is refused
    fireEvent.click(r.getByRole('button', { name: 'Advanced: JSON' }));
    type(r.getByLabelText('Template (JSON array of components)'), '[{"type": "rating", "name": "q"');
    expect(r.getByText(/^The JSON does not parse: .* The forms keep the last template that parsed\.$/)).toBeTruthy();
    fireEvent.click(r.getByRole('button', { name: 'Form' }));
    expect(cards(r)).toHaveLength(5);
    expect((card(r, 3).getByLabelText('Question shown to the expert') as HTMLInputElement).value).toBe('Which one would you ship?');
    expect(r.getByText(/The JSON view has an error/)).toBeTruthy();
    type(r.getByLabelText('Name'), 'x');
    fireEvent.click(r.getByRole('button', { name: 'Create project' }));
    expect(r.getByRole('alert').textContent).toBe('Not saved: the template’s JSON does not parse (see Advanced: JSON).');
    // a form edit writes the JSON again from the forms
    type(card(r, 5).getByLabelText('Highest score'), '9');
    fireEvent.click(r.getByRole('button', { name: 'Advanced: JSON' }));
    expect(JSON.parse((r.getByLabelText('Template (JSON array of components)') as HTMLTextAreaElement).value)[4].max).toBe(9);
  });

  it('names the component in a validation message the way the editor numbers it', () => {
    stubApi(() => undefined);
    const r = render(<ProjectEdit />);
    fireEvent.click(r.getByRole('button', { name: 'Remove component 4' }));
    fireEvent.click(r.getByRole('button', { name: 'Remove component 3' }));
    add(r, 'choice');
    expect(cards(r)[2].querySelector('legend')!.textContent).toBe('Component 3 (choice "verdict")');
    type(card(r, 3).getByLabelText('Options, one per line'), '');
    const msg = 'Component 3 (choice "verdict"): options must not be empty';
    expect(within(r.container.querySelector<HTMLElement>('#tpl-errors')!).getByText(msg)).toBeTruthy();
    expect(card(r, 3).getByText(msg)).toBeTruthy(); // and inside the card itself
    expect(r.getByText('Fix the errors to see the preview.')).toBeTruthy();
    // moving it renumbers the message with the card
    fireEvent.click(r.getByRole('button', { name: 'Move component 3 up' }));
    expect(r.getAllByText('Component 2 (choice "verdict"): options must not be empty')).toHaveLength(2);
  });

  it('moves by keyboard: focus follows the moved card', () => {
    stubApi(() => undefined);
    const r = render(<ProjectEdit />);
    const up = r.getByRole('button', { name: 'Move component 3 up' });
    up.focus(); fireEvent.click(up);
    expect(document.activeElement).toBe(r.getByRole('button', { name: 'Move component 2 up' }));
    expect(cards(r)[1].querySelector('legend')!.textContent).toBe('Component 2 (pairwise "preference")');
    fireEvent.click(document.activeElement as HTMLElement);
    // at the top "up" is disabled: focus goes to its "down"
    expect(document.activeElement).toBe(r.getByRole('button', { name: 'Move component 1 down' }));
  });

  it('starts from a gallery template, shows its sample, and undoes', () => {
    stubApi(() => undefined);
    const r = render(<ProjectEdit />);
    fireEvent.click(r.getByText('Start from a template'));
    fireEvent.click(r.getByRole('button', { name: 'Error spans + rewrite' }));
    expect(cards(r).map((c) => c.querySelector('legend')!.textContent)).toEqual(['Component 1 (markdown of "prompt")', 'Component 2 (spans "errors")', 'Component 3 (rewrite "rewrite")']);
    expect(r.getByText('Template is valid.')).toBeTruthy();
    expect(r.getByLabelText('Preview: what the expert sees').textContent).toContain('Eiffel Tower');
    fireEvent.click(r.getByRole('button', { name: 'Undo' }));
    expect(cards(r)).toHaveLength(4);
  });
});

describe('preview on real items', () => {
  it('offers a few of the project’s items and renders the one picked', async () => {
    const project = { id: 'p1', name: 'P', instructions: '', template: [{ type: 'markdown', source: 'prompt' }, { type: 'responses', source: 'rs' }, { type: 'rating', name: 'r', min: 1, max: 3 }], overlap: 1, lease_seconds: 600, max_overlap: 1, target_confidence: 0.95, hide_models: true, shuffle_responses: true };
    const row = (id: string, seq: number, prompt: string) => ({ id, seq, external_id: null, data: { prompt, rs: [{ model: 'gpt-x', content: 'one' }, { model: 'claude-y', content: 'two' }] } });
    const calls = stubApi((method, path) => {
      if (path === '/projects/p1') return [200, project];
      if (path === '/projects/p1/items?limit=8') return [200, { items: [row('i1', 1, 'First real prompt'), row('i2', 2, 'Second real prompt')], total: 2, next_cursor: null }];
      return undefined;
    });
    const r = render(<ProjectEdit projectId="p1" />);
    const preview = await r.findByLabelText('Preview: what the expert sees');
    await within(preview).findByText('First real prompt');
    expect(calls.some((c) => c.path === '/projects/p1/items?limit=8')).toBe(true);
    // the project hides model names: so does the preview, until the box is unchecked
    expect(preview.textContent).not.toContain('gpt-x');
    fireEvent.click(r.getByLabelText('Hide model names from experts (they see A, B …)'));
    expect(preview.textContent).toContain('gpt-x');
    type(within(preview).getByLabelText('Preview on'), 'i2');
    expect(within(preview).getByText('Second real prompt')).toBeTruthy();
    type(within(preview).getByLabelText('Preview on'), 'sample');
    expect(within(preview).getByLabelText('Sample item data for the preview')).toBeTruthy();
  });
});
