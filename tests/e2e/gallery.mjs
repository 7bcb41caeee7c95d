// Screenshots of every template component in the real workspace, served by the mock API
// (node gallery.mjs after building web/). Looks, not assertions: open output/gallery-*.png.
import { chromium } from 'playwright-core';
import path from 'node:path';
import fs from 'node:fs';
import { createMock } from './mock-api.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(here, 'output'); fs.mkdirSync(out, { recursive: true });
export const GALLERY_TEMPLATE = [
  { type: 'chat', source: 'conversation', label: 'Conversation so far' },
  { type: 'code', source: 'code', language: 'python', label: 'Code under review' },
  { type: 'responses', source: 'responses', label: 'Candidate replies' },
  { type: 'ranking', name: 'rank', source: 'responses', label: 'Rank the replies' },
  { type: 'rating', name: 'helpful', label: 'How helpful is reply A?', min: 1, max: 5, labels: ['useless', '', 'ok', '', 'excellent'] },
  { type: 'choice', name: 'topic', label: 'Topic', options: ['math', 'code', 'other'] },
  { type: 'claims', name: 'facts', source: 'claims', label: 'Check the claims in reply A' },
  { type: 'chat_author', name: 'dialog', label: 'Write a better two-turn dialogue' },
  { type: 'textarea', name: 'notes', label: 'Notes', required: false, max_length: 500 },
];
const ITEM = { data: {
  conversation: [{ role: 'user', content: 'How do I reverse a list in Python?' }, { role: 'assistant', content: 'Use `reversed()` or slicing: `xs[::-1]`.' }],
  code: 'def rev(xs):\n    return xs[::-1]  # <b>not html</b>',
  responses: [{ id: 'r1', content: 'Use `xs.reverse()` to reverse **in place**.' }, { id: 'r2', content: 'Slicing `xs[::-1]` returns a new list.' }, { id: 'r3', content: 'Lists cannot be reversed.' }],
  claims: ['xs.reverse() returns the reversed list', 'Slicing copies the list'],
} };

const { server, adminToken } = createMock({ webDir: path.resolve(here, '../../web/dist') });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const call = async (method, p, body, type = 'application/json') => {
  const r = await fetch(base + '/api/v1' + p, { method, headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return r.status === 204 ? undefined : r.json();
};
// Members join by invitation: sign in as the person (a cookie, as the browser would) and accept.
const acceptAll = async (email, password) => {
  const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { invitations } = await (await fetch(base + '/api/v1/me/invitations', { headers: { cookie } })).json();
  for (const v of invitations) await fetch(`${base}/api/v1/invitations/${v.id}/accept`, { method: 'POST', headers: { cookie } });
};
await call('POST', '/users', { email: 'e@example.com', password: 'expert-password-1', role: 'expert' });
const p = await call('POST', '/projects', { name: 'Gallery', instructions: 'All components', template: GALLERY_TEMPLATE, overlap: 1, lease_seconds: 900 });
await call('POST', `/projects/${p.id}/members`, { email: 'e@example.com', role: 'expert' });
await call('POST', '/users', { email: 'm@example.com', password: 'manager-password-1', role: 'manager', name: 'Maya Manager' });
await call('POST', `/projects/${p.id}/members`, { email: 'm@example.com', role: 'manager' });
await acceptAll('e@example.com', 'expert-password-1');
await acceptAll('m@example.com', 'manager-password-1');
await call('POST', `/projects/${p.id}/items`, [1, 2, 3, 4].map((n) => JSON.stringify({ id: `g${n}`, ...ITEM })).join('\n'), 'application/x-ndjson');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    const page = await (await browser.newContext({ viewport: { width: w, height: h } })).newPage();
    await page.goto(base + '/');
    await page.getByLabel('Email').fill('e@example.com'); await page.getByLabel('Password').fill('expert-password-1');
    await page.keyboard.press('Enter'); await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${base}/#/work/${p.id}`);
    await page.getByText('Candidate replies').waitFor().catch(async (e) => { await page.screenshot({ path: path.join(out, 'gallery-fail.png') }); throw e; });
    await page.keyboard.press('Shift+I');
    await page.getByRole('button', { name: 'Add user turn' }).click();
    await page.keyboard.type('Reverse [1,2,3] please');
    await page.evaluate(() => { document.activeElement.blur(); scrollTo(0, 0); });
    for (let i = 0; i < 3; i++) {
      await page.screenshot({ path: path.join(out, `gallery-${w}-${i}.png`) });
      await page.mouse.wheel(0, h - 120); await page.waitForTimeout(100);
    }
  }
  // the manager's quality screen (mocked numbers in the shape of docs/api.md)
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    const page = await (await browser.newContext({ viewport: { width: w, height: h } })).newPage();
    await page.goto(base + '/');
    await page.getByLabel('Email').fill('m@example.com'); await page.getByLabel('Password').fill('manager-password-1');
    await page.keyboard.press('Enter'); await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${base}/#/manage/${p.id}/quality`);
    await page.getByText('Expert accuracy').waitFor();
    await page.screenshot({ path: path.join(out, `gallery-quality-${w}-0.png`) });
    await page.getByText('stale — recomputing…').waitFor({ state: 'detached' }); // polls until fresh
    for (let i = 1; i < 4; i++) {
      await page.mouse.wheel(0, h - 120); await page.waitForTimeout(100);
      await page.screenshot({ path: path.join(out, `gallery-quality-${w}-${i}.png`) });
    }
  }
  console.log('gallery screenshots in', out);
} finally { await browser.close(); server.close(); }
