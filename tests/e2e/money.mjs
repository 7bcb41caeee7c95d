// The money and time part of the e2e (issue 14), run by run.mjs against the real server: a
// manager creates a paying project and funds it on its Costs page; an expert works a task while
// the workspace sends activity heartbeats, and the manager approves it; she reads her measured
// time on her timesheet, writes a memo and disputes a segment; the manager grants the dispute
// with a reason; she sees her earnings (and downloads a statement as CSV and as a printable
// page); the manager sees the spend by day, budget left and cost per approved item.
import assert from 'node:assert/strict';

const OMAR = { email: 'omar@example.com', password: 'omar-password-1', name: 'Omar Haddad' };
const PROJECT = 'Chest X-ray findings (paid)';

export async function moneyFlow({ base, adminApi, asPage, adminToken, newPage, login, both, mgr }) {
  await adminApi(base, adminToken, 'POST', '/users', { ...OMAR, role: 'expert' });
  const project = await asPage(mgr, base, 'POST', '/projects', {
    name: PROJECT, instructions: 'Name the main finding.', overlap: 1, lease_seconds: 600,
    template: [{ type: 'markdown', source: 'prompt', label: 'Case' }, { type: 'textarea', name: 'finding', label: 'Finding' }],
    pay: { currency: 'USD', per_item_cents: 200, hourly_cents: 6000 },
  });
  await asPage(mgr, base, 'POST', `/projects/${project.id}/items`, [{ id: 'cxr-1', data: { prompt: 'A 54-year-old smoker with a cough for three months.' } }]);
  await asPage(mgr, base, 'POST', `/projects/${project.id}/members`, { email: OMAR.email, role: 'expert' });

  // ---- the manager funds the project on its Costs page (a word for a bad amount first)
  await mgr.goto(`${base}/#/manage/${project.id}/costs`);
  await mgr.getByLabel('Amount (USD)').fill('five hundred');
  await mgr.getByRole('button', { name: 'Add funds' }).click();
  await mgr.getByText('Enter an amount such as 500 or 1250.50.').waitFor();
  await mgr.getByLabel('Amount (USD)').fill('500');
  await mgr.getByRole('button', { name: 'Add funds' }).click();
  await mgr.getByText('Added $500.00. Budget left: $500.00.').waitFor();

  // ---- the expert works: heartbeats while she types, then she submits
  const omar = await newPage();
  await login(omar, base, OMAR);
  const inv = await asPage(omar, base, 'GET', '/me/invitations');
  await asPage(omar, base, 'POST', `/invitations/${inv.invitations[0].id}/accept`);
  await omar.goto(`${base}/#/work/${project.id}`);
  const finding = omar.getByRole('textbox', { name: 'Finding' });
  await finding.waitFor();
  const beat = omar.waitForResponse((r) => r.url().includes('/heartbeats') && r.request().method() === 'POST', { timeout: 30_000 });
  await finding.click();
  await finding.pressSequentially('Spiculated mass in the right upper lobe', { delay: 20 });
  const beatRes = await beat;
  assert.equal(beatRes.status(), 200, 'the heartbeat is accepted');
  const beatBody = await beatRes.json();
  assert.ok(beatBody.credited_ms > 5_000, `the server credits the active time: ${JSON.stringify(beatBody)}`);
  await omar.getByRole('button', { name: /^Submit/ }).click();
  await omar.getByText(/Submitted\./).waitFor();
  const subs = await asPage(mgr, base, 'GET', `/projects/${project.id}/submissions`);
  await asPage(mgr, base, 'POST', `/submissions/${subs.submissions[0].id}/review`, { verdict: 'approve', reason: 'Right finding.' });

  // ---- her timesheet: the measured segment, a memo, a dispute
  await omar.goto(`${base}/#/`);
  await omar.getByRole('link', { name: 'My timesheet' }).click();
  const row = omar.locator('.segments tbody tr').first();
  await row.waitFor();
  assert.match(await row.innerText(), /Chest X-ray findings/);
  await omar.getByLabel(/^Memo for/).fill('Chest X-ray batch; read the guidelines first.');
  await omar.getByRole('button', { name: 'Save memo' }).click();
  await omar.getByText('Memo saved.').waitFor();
  await omar.getByRole('button', { name: 'Dispute…' }).click();
  await omar.getByLabel('Minutes it should show').fill('5');
  await omar.getByLabel('Why').fill('I read the case history on paper before typing.');
  await both(omar, '50-timesheet-dispute-form', '.day');
  await omar.getByRole('button', { name: 'Send dispute' }).click();
  await omar.getByText('you asked for 5 min: waiting for a manager', { exact: false }).waitFor();
  await both(omar, '51-timesheet');

  // ---- the manager resolves it with a reason
  await mgr.goto(`${base}/#/manage/${project.id}/disputes`);
  await mgr.getByRole('heading', { name: 'To resolve (1)' }).waitFor();
  await mgr.getByLabel('Reason').fill('Reading the history counts; granted.');
  await both(mgr, '52-time-disputes');
  await mgr.getByRole('button', { name: 'Accept' }).click();
  await mgr.getByRole('heading', { name: 'Resolved' }).waitFor();
  assert.match(await mgr.locator('.dispute').innerText(), /accepted \d+ min( \d+ s)? granted — “Reading the history counts; granted\.”/);
  await omar.reload();
  await omar.getByText('Reading the history counts; granted.', { exact: false }).waitFor(); // she reads the reason

  // ---- her earnings: payable, lines explained, statements
  await omar.getByRole('link', { name: 'Earnings' }).click();
  const payable = omar.locator('.kpi', { hasText: 'payable' }).locator('.big');
  await payable.waitFor();
  const payableText = await payable.innerText();
  assert.match(payableText, /^\$\d+\.\d\d$/);
  assert.ok(Number(payableText.slice(1)) >= 2, `the item ($2.00) and her time accrued: ${payableText}`);
  await omar.getByText(/item \$2\.00 \+/).first().waitFor();
  await both(omar, '53-earnings');
  const csvHref = await omar.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csv = await omar.request.get(base + csvHref);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /text\/csv/);
  assert.match(await csv.text(), /Chest X-ray findings/);
  const htmlHref = await omar.getByRole('link', { name: 'Printable statement' }).getAttribute('href');
  const html = await omar.request.get(base + htmlHref);
  assert.match(html.headers()['content-type'], /text\/html/);

  // ---- the manager's costs: the spend chart, budget left, cost per approved item
  await mgr.goto(`${base}/#/manage/${project.id}/costs`);
  const perItem = mgr.locator('.kpi', { hasText: 'per approved item' });
  await perItem.waitFor();
  assert.match(await perItem.innerText(), /1 approved/);
  assert.ok(await mgr.locator('svg.spend rect').count() >= 1, 'the spend chart has a bar');
  await both(mgr, '54-costs');
  return { payable: payableText, credited_ms: beatBody.credited_ms };
}
