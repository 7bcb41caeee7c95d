import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, waitFor, within, type RenderResult } from '@testing-library/react';
import { ManagerProjects, PROJECT_PAGES, ProjectEdit } from './ManagerProjects';
import { refusal, stubApi } from '../test/stubApi';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });
const formAlert = (r: RenderResult) => within(r.container.querySelector<HTMLElement>('form.editor')!).getByRole('alert');

const PROJECT = {
  id: 'p1', name: 'Capitals', instructions: '', overlap: 2, lease_seconds: 1800, max_overlap: 2, target_confidence: 0.95,
  hide_models: true, shuffle_responses: true, template: [{ type: 'rating', name: 'q', min: 1, max: 3 }],
};

describe('project settings: dynamic overlap and display', () => {
  it('sends max_overlap, target_confidence, hide_models and shuffle_responses in the PATCH', async () => {
    const calls = stubApi((method, path, body) => {
      if (method === 'GET' && path === '/projects/p1') return [200, PROJECT];
      if (method === 'PATCH' && path === '/projects/p1') return [200, { ...PROJECT, ...body }];
      return undefined;
    });
    const r = render(<ProjectEdit projectId="p1" />);
    await r.findByText('Every item gets exactly 2 labels.');
    fireEvent.click(r.getByLabelText('Dynamic overlap: ask for more labels while the experts disagree'));
    fireEvent.change(r.getByLabelText('Most labels per item'), { target: { value: '6' } });
    fireEvent.change(r.getByLabelText('Target confidence (%)'), { target: { value: '90' } });
    expect(r.getByText('Each item gets 2 labels, then one more at a time until its consensus is 90% sure or it has 6 labels (at most 20).')).toBeTruthy();
    fireEvent.click(r.getByLabelText('Hide model names from experts (they see A, B …)'));
    fireEvent.click(r.getByRole('button', { name: 'Save changes' }));
    await r.findByText(/^Saved /);
    const patch = calls.find((c) => c.method === 'PATCH')!.body;
    expect(patch).toMatchObject({ overlap: 2, max_overlap: 6, target_confidence: 0.9, hide_models: false, shuffle_responses: true });
  });

  it('loads a dynamic project as dynamic, and turning it off sends max_overlap = overlap', async () => {
    const calls = stubApi((method, path, body) => {
      if (method === 'GET' && path === '/projects/p1') return [200, { ...PROJECT, max_overlap: 5, target_confidence: 0.8, shuffle_responses: false }];
      if (method === 'PATCH') return [200, { ...PROJECT, ...body }];
      return undefined;
    });
    const r = render(<ProjectEdit projectId="p1" />);
    expect((await r.findByLabelText('Most labels per item') as HTMLInputElement).value).toBe('5');
    expect((r.getByLabelText('Target confidence (%)') as HTMLInputElement).value).toBe('80');
    expect((r.getByLabelText(/^Shuffle the responses/) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(r.getByLabelText('Dynamic overlap: ask for more labels while the experts disagree'));
    fireEvent.click(r.getByRole('button', { name: 'Save changes' }));
    await r.findByText(/^Saved /);
    expect(calls.find((c) => c.method === 'PATCH')!.body).toMatchObject({ overlap: 2, max_overlap: 2, shuffle_responses: false });
  });

  it('says the server’s refusal in words, with the setting’s name', async () => {
    stubApi((method, path) => {
      if (method === 'GET' && path === '/projects/p1') return [200, PROJECT];
      if (method === 'PATCH') return refusal(400, 'invalid_argument', 'max_overlap must be at least overlap', { field: 'max_overlap' });
      return undefined;
    });
    const r = render(<ProjectEdit projectId="p1" />);
    fireEvent.click(await r.findByLabelText('Dynamic overlap: ask for more labels while the experts disagree'));
    fireEvent.change(r.getByLabelText('Most labels per item'), { target: { value: '1' } }); // the browser allows 1..20; the server wants at least the overlap
    fireEvent.click(r.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(formAlert(r).textContent).toBe('Not saved: “Most labels per item” must be at least overlap.'));
  });

  it('names the component of a template the server refuses', async () => {
    stubApi((method, path) => {
      if (method === 'GET' && path === '/projects/p1') return [200, PROJECT];
      if (method === 'PATCH') return refusal(400, 'invalid_argument', 'template[0].max: scale is wider than 1000 steps', { field: 'template[0].max' });
      return undefined;
    });
    const r = render(<ProjectEdit projectId="p1" />);
    fireEvent.click(await r.findByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(formAlert(r).textContent).toBe('Not saved: Component 1 (rating "q"): max scale is wider than 1000 steps.'));
  });
});

describe('projects list', () => {
  it('links each card to every page of the project nav (Data, Costs, Leaderboard too) and to Work', async () => {
    stubApi((method, path) => {
      if (method === 'GET' && path === '/projects') return [200, { projects: [PROJECT] }];
      if (method === 'GET' && path === '/me/invitations') return [200, { invitations: [] }];
      return undefined;
    });
    const r = render(<ManagerProjects />);
    const nav = await r.findByRole('navigation', { name: 'Capitals: pages' });
    const hrefs = within(nav).getAllByRole('link').map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual([...PROJECT_PAGES.map(([k]) => `#/manage/p1/${k}`), '#/work/p1']);
    for (const name of ['Data', 'Costs', 'Leaderboard', 'Export']) expect(within(nav).getByRole('link', { name })).toBeTruthy();
  });
});
