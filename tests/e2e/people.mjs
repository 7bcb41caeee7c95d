// The people part of the e2e (issue 12), run by run.mjs against the real server: a manager
// creates a qualification and publishes a contract, sets who may work on a project (a
// qualification, Hebrew, medicine, the contract); an expert fills her profile (a wrong language
// tag is said next to its row), uploads a credential's evidence, and is refused the project in
// words; the manager finds her in the directory, verifies the credential and grants the
// qualification; she adds the language the project asks, reads and accepts the contract once,
// and works an Arabic and a Hebrew item, both right to left; paused, she reads why.
import assert from 'node:assert/strict';

const NADIA = { email: 'nadia@example.com', password: 'nadia-password-1', name: 'Nadia Saleh' };
const PROJECT = 'Patient questions in Arabic and Hebrew';
const CONTRACT = { title: 'Expert services agreement', body: '## Your work\nYou answer patients’ questions in your languages.\n\n## Intellectual property\nYou **assign** to us the rights in what you write for these projects.\n\n## Confidentiality\nKeep the questions and answers to yourself.' };
const ITEMS = [
  { id: 'ar-1', data: { lang: 'ar', prompt: 'ما هو أول ما يجب فعله عند الاشتباه بنوبة قلبية؟' } },
  { id: 'he-1', data: { lang: 'he', prompt: 'מה הדבר הראשון שיש לעשות כשחושדים בהתקף לב?' } },
];
const ANSWERS = { ar: 'اتصل بالإسعاف فورا وامضغ قرص أسبرين إذا لم يكن لديك مانع.', he: 'להתקשר מיד למד״א וללעוס אספירין אם אין מניעה.' };
// A small PDF: what the server checks is its first bytes (%PDF-) and its type.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** The computed direction of the first element matching `sel`. */
const direction = (page, sel) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).direction);

export async function peopleFlow({ base, adminApi, asPage, adminToken, newPage, login, both, mgr }) {
  await adminApi(base, adminToken, 'POST', '/users', { ...NADIA, role: 'expert' });

  // ---- the manager: a qualification, a contract (beside its preview), a project with rules
  await mgr.goto(`${base}/#/people/qualifications`);
  await mgr.getByRole('heading', { name: 'Create a qualification' }).waitFor();
  await mgr.getByLabel('Name').fill('Cardiology board');
  await mgr.getByLabel(/Scale —/).check();
  await mgr.getByLabel('Max', { exact: true }).fill('5');
  await mgr.getByLabel(/^Description/).fill('The board level of a cardiologist, 1 to 5; 3 and up answer patients alone.');
  await mgr.getByRole('button', { name: 'Create qualification' }).click();
  await mgr.getByText('Created “Cardiology board” (scale 1–5).').waitFor();
  await mgr.locator('.qualification-list').getByRole('rowheader', { name: 'Cardiology board' }).waitFor();
  await both(mgr, '30-qualifications');

  await mgr.goto(`${base}/#/people/contracts`);
  await mgr.getByRole('button', { name: 'Publish a contract' }).click();
  await mgr.getByLabel('Title').fill(CONTRACT.title);
  await mgr.getByLabel('Text (markdown)').fill(CONTRACT.body);
  await mgr.locator('.contract-editor .contract-text').getByRole('heading', { name: 'Intellectual property' }).waitFor(); // the preview
  await both(mgr, '31-contract-editor', '.contract-editor');
  await mgr.getByRole('button', { name: 'Publish', exact: true }).click();
  await mgr.getByText(`Published “${CONTRACT.title}”, version 1.`).waitFor();
  await both(mgr, '31b-contracts');

  const project = await asPage(mgr, base, 'POST', '/projects', { name: PROJECT, instructions: 'Answer as you would to a patient, **in the language of the question**.', overlap: 1, lease_seconds: 600,
    template: [{ type: 'markdown', source: 'prompt', label: 'Question' }, { type: 'textarea', name: 'answer', label: 'Your answer' }] });
  await asPage(mgr, base, 'POST', `/projects/${project.id}/items`, ITEMS);
  await asPage(mgr, base, 'POST', `/projects/${project.id}/members`, { email: NADIA.email, role: 'expert' });
  await mgr.goto(`${base}/#/manage/${project.id}/edit`);
  const rules = mgr.getByRole('group', { name: 'Who may work on it' });
  await rules.getByRole('button', { name: '+ Qualification' }).click(); // enabled once the qualifications are loaded
  await rules.getByLabel('Qualification 1').selectOption({ label: 'Cardiology board' });
  await rules.getByLabel('Must be').selectOption({ label: 'at least' });
  await rules.getByLabel(/^Value/).fill('3');
  await rules.getByRole('button', { name: '+ Language' }).click();
  await rules.getByLabel(/^Language 2/).fill('he');
  await rules.getByLabel('Lowest level').selectOption('B2');
  await rules.getByRole('button', { name: '+ Domain' }).click();
  await rules.getByLabel('Domain 3').selectOption({ label: 'Medicine' });
  await rules.getByLabel('Contract to accept before the first task').selectOption({ label: `${CONTRACT.title} — version 1 (latest)` });
  await rules.getByLabel(/^Tasks per expert per 24 hours/).fill('40');
  await mgr.getByRole('button', { name: 'Save changes' }).click();
  await mgr.getByText(/^Saved /).waitFor();
  const saved = await asPage(mgr, base, 'GET', `/projects/${project.id}`);
  assert.equal(saved.requirements.length, 3, `requirements saved: ${JSON.stringify(saved.requirements)}`);
  assert.deepEqual(saved.requirements.slice(1), [{ language: 'he', level: 'B2' }, { domain: 'medicine' }]);
  assert.equal(saved.daily_cap, 40);
  await both(mgr, '32-settings-who-may-work', '.project-rules');

  // ---- the expert fills her profile; a wrong tag is said next to its row
  const nadia = await newPage();
  await login(nadia, base, NADIA);
  await nadia.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
  await nadia.getByRole('heading', { name: 'About you' }).waitFor();
  await nadia.getByLabel(/^Headline/).fill('طبيبة قلب — Cardiologist, 12 years in Cairo and Haifa');
  await nadia.getByLabel(/^Bio/).fill('I answer patients’ questions on **chest pain** and heart failure.\n\n- Arabic and Hebrew\n- Emergency cardiology');
  const domains = nadia.getByRole('combobox', { name: /Domains/ });
  await domains.fill('cardio');
  await nadia.getByRole('listbox', { name: 'Domains' }).getByRole('option', { name: 'Medicine › Cardiology' }).waitFor();
  await domains.press('Enter');
  await nadia.getByRole('button', { name: 'Remove Medicine › Cardiology' }).waitFor();
  await nadia.getByRole('button', { name: 'Add a language' }).click();
  await nadia.getByLabel('Language 1', { exact: true }).fill('arabic!');
  await nadia.getByLabel('Level').selectOption('native');
  await nadia.getByLabel('Hourly rate').fill('95');
  await nadia.getByLabel('Time zone').selectOption('Asia/Jerusalem');
  await nadia.getByLabel('Available hours a week').fill('15');
  await nadia.getByRole('button', { name: 'Save profile' }).click();
  await nadia.getByText('Not saved: language 1 needs a fix (said next to it).').waitFor();
  const langNote = await nadia.getByLabel('Language 1', { exact: true }).getAttribute('aria-describedby');
  assert.match(await nadia.locator(`[id="${langNote}"]`).innerText(), /"arabic!" is not a BCP 47 tag/);
  assert.equal(await nadia.getByLabel('Language 1', { exact: true }).getAttribute('aria-invalid'), 'true');
  await both(nadia, '33-profile-field-error', '.languages');
  await nadia.getByLabel('Language 1', { exact: true }).fill('ar');
  await nadia.getByRole('button', { name: 'Add a language' }).click();
  await nadia.getByLabel('Language 2', { exact: true }).fill('en-gb');
  await nadia.getByLabel('Level').nth(1).selectOption('C1');
  await nadia.getByRole('button', { name: 'Save profile' }).click();
  await nadia.getByText(/^Saved /).waitFor();
  assert.equal(await nadia.getByLabel('Language 2', { exact: true }).inputValue(), 'en-GB', 'the tag as the server keeps it');
  // a credential and its evidence
  const add = nadia.getByRole('form', { name: 'Add a credential' });
  await add.getByLabel('Kind').selectOption('licence');
  await add.getByLabel('Title').fill('Licence to practise medicine');
  await add.getByLabel('Issuer').fill('Egyptian Medical Syndicate');
  await add.getByLabel('Country').fill('Egypt');
  await add.getByRole('button', { name: 'Add credential' }).click();
  await nadia.getByText('Added “Licence to practise medicine”.', { exact: false }).waitFor();
  const card = nadia.locator('.credential', { has: nadia.getByRole('heading', { name: 'Licence to practise medicine' }) });
  await card.getByLabel(/Upload evidence/).setInputFiles({ name: 'licence.pdf', mimeType: 'application/pdf', buffer: PDF });
  await card.getByText('Uploaded licence.pdf', { exact: false }).waitFor();
  await card.getByText('Evidence: PDF', { exact: false }).waitFor();
  await both(nadia, '34-profile');
  await both(nadia, '34b-profile-credentials', '#cr-h');

  // ---- refused for the qualification, in words
  await nadia.goto(`${base}/#/expert`);
  await nadia.getByRole('button', { name: `Accept the invitation to ${PROJECT}` }).click();
  await nadia.getByText(`You joined ${PROJECT} as expert.`).waitFor();
  await nadia.goto(`${base}/#/work/${project.id}`);
  const refused = nadia.getByRole('alert').filter({ has: nadia.getByRole('heading', { name: 'This project needs a qualification you do not hold' }) });
  await refused.getByText('This work needs the qualification “Cardiology board” at 3 or more.', { exact: false }).waitFor();
  assert.equal(await nadia.getByText('failed_precondition').count(), 0, 'no codes on screen');
  await both(nadia, '35-refused-qualification');

  // ---- the manager finds her (filters combined), verifies her licence and grants the qualification
  await mgr.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
  await mgr.getByRole('heading', { name: 'Experts' }).waitFor();
  await mgr.getByLabel('Domain').selectOption({ label: 'Medicine › Cardiology' });
  await mgr.getByLabel('Language', { exact: true }).fill('ar');
  await mgr.getByRole('button', { name: 'Search' }).click();
  await mgr.getByText('1 expert on this page, matching every filter.').waitFor();
  await mgr.getByRole('link', { name: NADIA.name }).waitFor();
  assert.equal(await mgr.getByRole('link', { name: 'Eli Expert' }).count(), 0, 'the filters leave out who does not match');
  await both(mgr, '36-experts-directory');
  await mgr.getByRole('link', { name: NADIA.name }).click();
  await mgr.getByRole('heading', { name: new RegExp(NADIA.name) }).waitFor();
  const licence = mgr.locator('.credential', { has: mgr.getByRole('heading', { name: 'Licence to practise medicine' }) });
  const evidence = await mgr.request.get(base + await licence.getByRole('link', { name: 'Open the evidence of Licence to practise medicine' }).getAttribute('href'));
  assert.equal(evidence.status(), 200);
  assert.equal(evidence.headers()['content-type'], 'application/pdf');
  assert.deepEqual(Buffer.from(await evidence.body()), PDF, 'the evidence is the file she uploaded');
  await licence.getByLabel(/Note for the expert/).fill('Checked on the syndicate register.');
  await licence.getByRole('button', { name: 'Verify Licence to practise medicine' }).click();
  await licence.getByText('verified', { exact: true }).waitFor();
  assert.equal(await licence.getByRole('button', { name: 'Verify Licence to practise medicine' }).count(), 0, 'a verified credential is not offered for verifying again');
  const grant = mgr.locator('.grant-form');
  await grant.getByLabel('Qualification').selectOption({ label: 'Cardiology board' });
  await grant.getByLabel(/^Value/).fill('4');
  await grant.getByLabel(/^Reason/).fill('Board exam passed at level 4 (November 2026).');
  await grant.getByRole('button', { name: 'Grant' }).click();
  await mgr.getByText('Granted “Cardiology board” = 4.').waitFor();
  await mgr.locator('table.grants').getByText('Board exam passed at level 4 (November 2026).').waitFor();
  assert.deepEqual(await mgr.getByLabel('Change status to').locator('option').allInnerTexts(), ['paused', 'removed'], 'only the moves the server allows');
  await both(mgr, '37-expert', 'h1');
  await both(mgr, '37b-expert-qualifications', '#x-q-h');

  // ---- she checks again: the project needs Hebrew; her profile takes it
  await nadia.getByRole('button', { name: 'Check again' }).click();
  const language = nadia.getByRole('alert').filter({ has: nadia.getByRole('heading', { name: 'This project needs a language your profile does not list' }) });
  await language.getByText('This work needs Hebrew (he) at level B2 or better.', { exact: false }).waitFor();
  await both(nadia, '38-refused-language');
  await language.getByRole('link', { name: 'Add it to my profile' }).click();
  await nadia.getByRole('heading', { name: 'About you' }).waitFor();
  await nadia.getByRole('button', { name: 'Add a language' }).click();
  await nadia.getByLabel('Language 3', { exact: true }).fill('he');
  await nadia.getByLabel('Level').nth(2).selectOption('C1');
  await nadia.getByRole('button', { name: 'Save profile' }).click();
  await nadia.getByText(/^Saved /).waitFor();

  // ---- the contract, once: read it, accept, and the first task opens at once
  await nadia.goto(`${base}/#/work/${project.id}`);
  await nadia.getByRole('heading', { name: 'Accept the contract to start' }).waitFor();
  await nadia.getByRole('article', { name: `${CONTRACT.title}, version 1` }).getByRole('heading', { name: 'Intellectual property' }).waitFor();
  await both(nadia, '39-contract-to-accept');
  await nadia.getByRole('button', { name: 'I accept' }).click();
  await nadia.locator('.template[lang]').waitFor();
  const seen = [];
  for (let k = 0; k < ITEMS.length; k++) {
    const lang = await nadia.locator('.template').getAttribute('lang');
    const item = ITEMS.find((x) => x.data.lang === lang);
    assert.ok(item && !seen.includes(lang), `an item in ${lang}`);
    seen.push(lang);
    await nadia.getByText(item.data.prompt).waitFor();
    assert.equal(await direction(nadia, '.template .md p'), 'rtl', `the ${lang} prompt reads right to left`);
    const answer = nadia.getByRole('textbox', { name: 'Your answer', exact: true });
    await answer.fill(ANSWERS[lang]);
    assert.equal(await direction(nadia, '.template textarea'), 'rtl', `a textarea with ${lang} typed into it is right to left`);
    if (k === 0) await both(nadia, '40-workspace-rtl');
    await nadia.keyboard.press('Control+Enter');
    if (k === 0) await nadia.getByText(ITEMS.find((x) => x.data.lang !== lang).data.prompt).waitFor();
  }
  await nadia.getByRole('heading', { name: 'No tasks right now' }).waitFor();
  await both(nadia, '40b-workspace-hebrew-done');
  await nadia.reload(); // accepted once: no contract again
  await nadia.getByRole('heading', { name: 'No tasks right now' }).waitFor();
  assert.equal(await nadia.getByRole('heading', { name: 'Accept the contract to start' }).count(), 0);
  const mine = await asPage(nadia, base, 'GET', '/me/contracts');
  assert.equal(mine.contracts.length, 1, 'one acceptance');
  const exported = await asPage(mgr, base, 'GET', `/projects/${project.id}/submissions`);
  assert.deepEqual(exported.submissions.map((s) => s.answer.answer).sort(), Object.values(ANSWERS).sort(), 'the answers as typed');

  // ---- her profile: the qualification with its reason, the contract to download
  await nadia.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
  await nadia.locator('table.grants').getByText('Board exam passed at level 4 (November 2026).').waitFor();
  await nadia.getByText('Checked on the syndicate register.').waitFor();
  const download = nadia.getByRole('link', { name: `Download ${CONTRACT.title} version 1` });
  const doc = await nadia.request.get(base + await download.getAttribute('href'));
  assert.equal(doc.status(), 200);
  const docText = await doc.text();
  assert.ok(docText.includes(CONTRACT.body) && /Text sha256: [0-9a-f]{64}/.test(docText), 'the download holds the record and the exact text');
  await both(nadia, '41-profile-qualified', '#q-h');

  // ---- paused with a reason: the workspace says why
  await mgr.getByLabel('Change status to').selectOption('paused');
  await mgr.locator('.status-form').getByLabel(/^Reason/).fill('We are checking your last answers against new guidelines.');
  await mgr.getByRole('button', { name: 'Change status' }).click();
  await mgr.getByText(`${NADIA.name} is now paused.`, { exact: false }).waitFor();
  await nadia.goto(`${base}/#/work/${project.id}`);
  await nadia.getByRole('heading', { name: 'You cannot take tasks right now' }).waitFor();
  await nadia.getByText('Your work is paused. Reason: We are checking your last answers against new guidelines.').waitFor();
  await both(nadia, '42-refused-paused');
  return { project: project.id, languages: seen };
}
