import { describe, expect, it } from 'vitest';
import { GALLERY, moveComponent, newComponent, freeName, TYPE_NAMES, type ComponentType } from './templateBuilder';
import { componentTitle, DISPLAY, INPUTS, missing, templateProblems } from './template';

describe('template builder model', () => {
  it('every gallery template is valid and its sample fills every source it reads', () => {
    expect(GALLERY.map((g) => g.id)).toEqual(['pairwise', 'rubric', 'spans', 'claims', 'chat', 'ranking']);
    for (const g of GALLERY) {
      expect(templateProblems(g.template), g.title).toEqual([]);
      for (const c of g.template) if (c.source && c.type !== 'claims') expect(g.sample[c.source], `${g.title}: ${c.source}`).toBeDefined();
      expect(missing(g.template, {}, g.sample).length, g.title).toBeGreaterThan(0); // something to answer
    }
  });
  it('a new component of every type is valid as added, with a unique name', () => {
    expect(Object.keys(TYPE_NAMES).sort()).toEqual([...DISPLAY, ...INPUTS].sort());
    for (const type of [...DISPLAY, ...INPUTS] as ComponentType[]) {
      const t = [newComponent('choice', [])];
      t.push(newComponent(type, t));
      expect(templateProblems(t), type).toEqual([]);
    }
    expect(freeName([{ type: 'choice', name: 'verdict' }, { type: 'choice', name: 'verdict_2' }], 'verdict')).toBe('verdict_3');
  });
  it('moves within bounds only', () => {
    const t = [{ type: 'a' }, { type: 'b' }, { type: 'c' }];
    expect(moveComponent(t, 2, 0).map((c) => c.type)).toEqual(['c', 'a', 'b']);
    expect(moveComponent(t, 0, 3)).toBe(t);
  });
  it('names components as the editor numbers them, in every message', () => {
    expect(componentTitle({ type: 'choice', name: 'verdict' }, 2)).toBe('Component 3 (choice "verdict")');
    expect(componentTitle({ type: 'markdown', source: 'prompt' }, 0)).toBe('Component 1 (markdown of "prompt")');
    expect(templateProblems([{ type: 'markdown', source: 'q' }, { type: 'rubric', name: 'g', criteria: [{ id: 'x', label: '' }], scale: { min: 3, max: 3 } }, { type: 'choice', name: 'verdict', options: [] }]))
      .toEqual([
        { index: 1, text: 'Component 2 (rubric "g"): criterion 1 needs an id and a label' },
        { index: 1, text: 'Component 2 (rubric "g"): the scale needs whole numbers with min below max' },
        { index: 2, text: 'Component 3 (choice "verdict"): options must not be empty' },
      ]);
    expect(templateProblems([{ type: 'markdown', source: 'q' }])).toEqual([{ index: null, text: 'Add at least one input (choice, rating, pairwise …): experts need something to answer.' }]);
    expect(templateProblems([{ type: 'textarea', name: '1x' }])[0].text).toMatch(/^Component 1 \(textarea "1x"\): name may hold/);
  });
});
