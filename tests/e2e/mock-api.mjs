// In-memory stand-in for `assay serve`, following docs/api.md, for looking at pages and running
// the e2e flow before the C++ routes land (E2E_SERVER=mock). Test-only: never part of web/dist.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const uuid = () => crypto.randomUUID();
const nowIso = () => new Date().toISOString();
const err = (status, code, message, details = {}) => ({ status, body: { error: { code, message, details } } });
// What reviewers see instead of an expert's id: stable within a project (as the server's ExpertPseudonym).
const pseudonym = (projectId, expertId) => 'expert-' + crypto.createHash('sha256').update(`${projectId}\n${expertId}`).digest('hex').slice(0, 8);

export function createMock({ webDir }) {
  const users = new Map(); const sessions = new Map(); const tokens = new Map(); // tokens: id → {user_id, secret, …}
  const projects = new Map(); const members = []; const items = new Map(); const assignments = new Map(); const submissions = new Map();
  const invitations = []; const loginFailures = new Map();
  const addUser = (email, password, role, name) => { const u = { id: uuid(), email: email.toLowerCase(), name: name ?? email.split('@')[0], role, password }; users.set(u.id, u); return u; };
  const pub = (u) => ({ id: u.id, email: u.email, name: u.name, role: u.role });
  const roleOf = (u, pid) => u.role === 'admin' ? 'admin' : members.find((m) => m.user_id === u.id && m.project_id === pid)?.role;
  // Project roles never exceed the account's role; a project always keeps a manager.
  const RANK = { expert: 0, reviewer: 1, manager: 2, admin: 2 };
  const maxRole = (u) => (RANK[u.role] >= 2 ? 'manager' : u.role);
  const tooHigh = (u, role) => RANK[role] > RANK[maxRole(u)] && err(422, 'failed_precondition', "a project role cannot exceed the person's account role", { field: 'role', max_role: maxRole(u) });
  const lastManager = (pid, uid) => !members.some((m) => m.project_id === pid && m.role === 'manager' && m.user_id !== uid) && err(422, 'failed_precondition', 'a project needs at least one manager', { field: 'role' });
  const invitationOut = (v) => { const by = users.get(v.invited_by); return { id: v.id, project_id: v.project_id, project_name: projects.get(v.project_id).name, email: v.email, role: v.role, invited_by: by ? by.name || by.email : '', created_at: v.created_at }; };
  const tokenOut = (t) => ({ id: t.id, name: t.name, created_at: t.created_at, expires_at: t.expires_at, revoked_at: t.revoked_at,
    state: t.revoked_at ? 'revoked' : Date.parse(t.expires_at) <= Date.now() ? 'expired' : 'live' });
  const addToken = (userId, name, expiresAt) => { const t = { id: uuid(), user_id: userId, secret: `assay_${crypto.randomBytes(24).toString('base64url')}`, name, created_at: nowIso(), expires_at: expiresAt, revoked_at: null }; tokens.set(t.id, t); return t; };

  // GET /projects/{id}/quality in the shape of docs/api.md, from a fixed seed so screenshots are
  // stable: the real labels' fields and items where there are any, invented experts otherwise.
  // The first look after new submissions is "stale" (the server recomputes in the background).
  const qualitySeen = new Map();
  function mockQuality(pr) {
    let seed = 7; const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const its = [...items.values()].filter((x) => x.project_id === pr.id);
    const subs = [...submissions.values()].filter((s) => s.project_id === pr.id && s.state !== 'rejected');
    const stale = qualitySeen.get(pr.id) !== subs.length; qualitySeen.set(pr.id, subs.length);
    const comps = (pr.template ?? []).filter((c) => ['pairwise', 'choice', 'rating'].includes(c.type));
    const real = [...new Set(subs.map((x) => x.expert_id))].map((id) => users.get(id));
    const names = ['Ana Alves', 'Bo Berg', 'Chen Wei', 'Dee Dorsey', 'Eli Expert', 'Fatima Noor', 'Gus Grant', 'Hana Ito'];
    const n = Math.max(its.length, 60);
    const fields = comps.map((c) => {
      const cats = c.type === 'pairwise' ? ['a', 'b', 'tie'] : c.type === 'choice' ? (c.options ?? ['x', 'y']) : Array.from({ length: (c.max ?? 5) - (c.min ?? 1) + 1 }, (_, k) => String((c.min ?? 1) + k));
      const labels = Array.from({ length: n }, (_, k) => {
        const it = its[k];
        const conf = Math.min(0.999, Math.max(0.34, 1 - rnd() ** 2.2 * 0.7));
        const label = cats[Math.floor(rnd() * cats.length)];
        const votes = { [label]: 2 + Math.floor(rnd() * 2) }; if (conf < 0.8) votes[cats[(cats.indexOf(label) + 1) % cats.length]] = 1 + Math.floor(rnd() * 2);
        return { item_id: it?.id ?? `item-${k}`, external_id: it?.external_id ?? `q${String(k + 1).padStart(3, '0')}`, label, confidence: Number(conf.toFixed(3)), votes };
      });
      const workers = names.map((name, k) => {
        const acc = k === 3 ? 0.52 : 0.78 + rnd() * 0.18; const total = k % 3 === 2 ? 0 : 12;
        const correct = Math.round(acc * total); const w = 1.96 * Math.sqrt((acc * (1 - acc)) / Math.max(total, 1));
        const u = real[k]; // the project's real experts first, invented ones after
        return { expert_id: u?.id ?? `e${k}`, name: u?.name ?? name, email: u?.email ?? name.split(' ')[0].toLowerCase() + '@example.com', labels: 20 + Math.floor(rnd() * 60), accuracy: Number(acc.toFixed(3)),
          gold: total ? { correct, total, low: Number(Math.max(0, acc - w).toFixed(3)), high: Number(Math.min(1, acc + w).toFixed(3)) } : null };
      });
      return { field: c.name, component: c.type, level: c.type === 'rating' ? 'ordinal' : 'nominal', method: 'ds',
        agreement: { percent: 0.74, krippendorff_alpha: c.type === 'rating' ? 0.81 : 0.71, fleiss_kappa: c.type === 'rating' ? null : 0.69, items_with_2plus: n - 4 },
        workers, labels, labels_total: labels.length };
    });
    return { project_id: pr.id, version: subs.length + 1, computed_at: nowIso(), stale, items: its.length, submissions: subs.length,
      overlap: { overlap: pr.overlap, max_overlap: pr.overlap + 2, target_confidence: 0.9, items_decided: Math.floor(its.length / 2), items_open: its.length - Math.floor(its.length / 2) }, fields };
  }

  function route(req, url, body, user, session) {
    const p = url.pathname.replace(/^\/api\/v1/, ''); const m = req.method;
    let mm;
    if (m === 'POST' && p === '/auth/login') {
      // 5 free failures per email, then a doubling wait (the real server counts per account and address)
      const key = String(body?.email ?? '').toLowerCase(); const f = loginFailures.get(key) ?? { n: 0, until: 0 };
      if (Date.now() < f.until) return err(429, 'resource_exhausted', 'too many failed sign-ins', { retry_after_s: Math.ceil((f.until - Date.now()) / 1000), limit: 'pair' });
      const u = [...users.values()].find((x) => x.email === key && x.password === body?.password);
      if (!u) { f.n++; if (f.n > 5) f.until = Date.now() + 1000 * 2 ** (f.n - 6); loginFailures.set(key, f); return err(401, 'unauthenticated', 'invalid email or password'); }
      loginFailures.delete(key);
      const sid = uuid(); sessions.set(sid, u.id);
      return { status: 200, body: { user: pub(u) }, headers: { 'Set-Cookie': `assay_session=${sid}; HttpOnly; SameSite=Lax; Path=/` } };
    }
    // only the paths callers probe for (run.mjs checks for the quality route)
    if (m === 'GET' && p === '/openapi.json') return { status: 200, body: { openapi: '3.1.0', paths: { '/api/v1/projects/{project_id}/quality': { get: { summary: 'Quality (mock)' } } } } };
    if (!user) return err(401, 'unauthenticated', 'Sign in first.');
    if (m === 'POST' && p === '/auth/logout') return { status: 204, headers: { 'Set-Cookie': 'assay_session=; Max-Age=0; Path=/' } };
    if (m === 'GET' && p === '/me') return { status: 200, body: pub(user) };
    if (m === 'POST' && p === '/me/password') {
      if (body?.current_password !== user.password) return err(403, 'permission_denied', 'the current password is not right', { field: 'current_password' });
      if (String(body?.new_password ?? '').length < 8) return err(400, 'invalid_argument', 'the new password must have 8 to 1024 characters', { field: 'new_password' });
      user.password = body.new_password;
      for (const [sid, uid] of sessions) if (uid === user.id && sid !== session) sessions.delete(sid);
      for (const t of tokens.values()) if (t.user_id === user.id && !t.revoked_at) t.revoked_at = nowIso();
      return { status: 204 };
    }
    if (m === 'GET' && p === '/tokens') return { status: 200, body: { tokens: [...tokens.values()].filter((t) => t.user_id === user.id).reverse().map(tokenOut) } };
    if (m === 'POST' && p === '/tokens') {
      const exp = body?.expires_at ? Date.parse(body.expires_at) : Date.now() + 90 * 86400e3;
      if (!(exp > Date.now())) return err(400, 'invalid_argument', 'expires_at must be in the future', { field: 'expires_at' });
      if (exp > Date.now() + 366 * 86400e3) return err(400, 'invalid_argument', 'expires_at is too far ahead', { field: 'expires_at', max_days: 366 });
      const t = addToken(user.id, body?.name ?? '', new Date(exp).toISOString());
      return { status: 201, body: { ...tokenOut(t), token: t.secret } };
    }
    if (m === 'DELETE' && (mm = p.match(/^\/tokens\/([^/]+)$/))) {
      const t = tokens.get(mm[1]);
      if (!t || (t.user_id !== user.id && user.role !== 'admin')) return err(404, 'not_found', 'no such token');
      t.revoked_at ??= nowIso(); return { status: 204 };
    }
    if (m === 'GET' && p === '/me/invitations') {
      return { status: 200, body: { invitations: invitations.filter((v) => v.email === user.email && !v.response && !roleOf(user, v.project_id)).reverse().map(invitationOut) } };
    }
    if (m === 'POST' && (mm = p.match(/^\/invitations\/([^/]+)\/(accept|decline)$/))) {
      const v = invitations.find((x) => x.id === mm[1] && x.email === user.email);
      if (!v) return err(404, 'not_found', 'no such invitation');
      if (v.response) return err(409, 'already_exists', 'this invitation was already answered');
      if (mm[2] === 'accept') {
        const refused = tooHigh(user, v.role); if (refused) return refused;
        if (!roleOf(user, v.project_id)) members.push({ project_id: v.project_id, user_id: user.id, role: v.role, added_at: nowIso() });
      }
      v.response = mm[2] === 'accept' ? 'accepted' : 'declined';
      return { status: 200, body: { [v.response]: true } };
    }
    if (m === 'POST' && p === '/users') {
      if (user.role !== 'admin' && !(user.role === 'manager' && ['expert', 'reviewer'].includes(body?.role))) return err(403, 'permission_denied', 'you may not create a user with this role');
      if ([...users.values()].some((x) => x.email === String(body?.email).toLowerCase())) return err(409, 'already_exists', 'a user with this email exists', { field: 'email' });
      return { status: 201, body: { user: pub(addUser(body.email, body.password, body.role, body.name)) } };
    }
    if (m === 'GET' && p === '/me/submissions') return { status: 200, body: { submissions: [...submissions.values()].filter((s) => s.expert_id === user.id).reverse() } };
    if (m === 'GET' && p === '/me/stats') {
      const by = new Map();
      for (const s of submissions.values()) if (s.expert_id === user.id) {
        const x = by.get(s.project_id) ?? { project_id: s.project_id, name: projects.get(s.project_id).name, submitted: 0, approved: 0, rejected: 0, active_seconds: 0 };
        x.submitted++; if (s.state === 'approved') x.approved++; if (s.state === 'rejected') x.rejected++; x.active_seconds += Math.round(s.active_ms / 1000);
        by.set(s.project_id, x);
      }
      return { status: 200, body: { projects: [...by.values()].map((x) => ({ ...x, approval_rate: x.approved + x.rejected ? x.approved / (x.approved + x.rejected) : null })) } };
    }
    if (m === 'GET' && p === '/projects') return { status: 200, body: { projects: [...projects.values()].filter((x) => roleOf(user, x.id)).map((x) => ({ ...x, my_role: roleOf(user, x.id) })), next_cursor: null } };
    if (m === 'POST' && p === '/projects') {
      if (!['admin', 'manager'].includes(user.role)) return err(403, 'permission_denied', 'Managers only.');
      if (!body?.name) return err(400, 'invalid_argument', 'name is required', { field: 'name' });
      const pr = { id: uuid(), name: body.name, instructions: body.instructions ?? '', template: body.template ?? [], answer_schema: {}, overlap: body.overlap ?? 1, lease_seconds: body.lease_seconds ?? 1800, created_at: nowIso() };
      projects.set(pr.id, pr); members.push({ project_id: pr.id, user_id: user.id, role: 'manager', added_at: nowIso() });
      return { status: 201, body: { ...pr, my_role: 'manager' } };
    }
    if ((mm = p.match(/^\/projects\/([^/]+)(\/.*)?$/))) {
      mm[2] = mm[2] && mm[2].replace(/^\/members\/[^/]+$/, (x) => { mm.member = x.slice(9); return '/members/{user_id}'; });
      const pr = projects.get(mm[1]); const rest = mm[2] ?? ''; const role = pr && roleOf(user, pr.id);
      if (!pr || !role) return err(404, 'not_found', 'No such project.');
      const mgr = ['admin', 'manager'].includes(role); const rev = mgr || role === 'reviewer';
      if (m === 'GET' && rest === '') return { status: 200, body: { ...pr, my_role: role } };
      if (m === 'PATCH' && rest === '' && mgr) { Object.assign(pr, body); return { status: 200, body: pr }; }
      if (m === 'POST' && rest === '/members' && mgr) { // an invitation, the same answer whether or not the email has an account
        if (!['manager', 'reviewer', 'expert'].includes(body?.role)) return err(400, 'invalid_argument', 'role must be manager, reviewer or expert', { field: 'role' });
        if (!/^[^@\s]+@[^@\s]+$/.test(body?.email ?? '')) return err(400, 'invalid_argument', 'email is not valid', { field: 'email' });
        const email = body.email.trim().toLowerCase();
        const was = invitations.find((v) => v.project_id === pr.id && v.email === email);
        if (was) Object.assign(was, { role: body.role, invited_by: user.id, created_at: nowIso(), response: null });
        else invitations.push({ id: uuid(), project_id: pr.id, email, role: body.role, invited_by: user.id, created_at: nowIso(), response: null });
        return { status: 202, body: { invited: body.email, role: body.role } };
      }
      if (rest === '/members/{user_id}' && mgr && ['PATCH', 'DELETE'].includes(m)) {
        const mem = members.find((x) => x.project_id === pr.id && x.user_id === mm.member); const u = users.get(mm.member);
        if (!mem || !u) return err(404, 'not_found', 'no such member');
        if (m === 'PATCH') {
          if (!['manager', 'reviewer', 'expert'].includes(body?.role)) return err(400, 'invalid_argument', 'role must be manager, reviewer or expert', { field: 'role' });
          const refused = tooHigh(u, body.role) || (mem.role === 'manager' && body.role !== 'manager' && lastManager(pr.id, u.id)); if (refused) return refused;
          mem.role = body.role; return { status: 200, body: { user_id: u.id, role: body.role } };
        }
        const refused = mem.role === 'manager' && lastManager(pr.id, u.id); if (refused) return refused;
        let returned = 0; // her live leases go back to the pool; her submissions stay
        for (const a of assignments.values()) if (a.project_id === pr.id && a.expert_id === u.id && a.state === 'leased') { a.state = 'returned'; returned++; }
        members.splice(members.indexOf(mem), 1);
        return { status: 200, body: { removed: u.id, leases_returned: returned } };
      }
      if (m === 'POST' && rest === '/items' && mgr) {
        const text = typeof body === 'string' ? body : '';
        const res = { imported: 0, skipped: 0, errors: [] };
        const rows = text.trimStart().startsWith('[') ? JSON.parse(text).map((x, i) => [i + 1, JSON.stringify(x)]) : text.split('\n').map((l, i) => [i + 1, l]);
        for (const [line, l] of rows) {
          if (!l.trim()) continue;
          let o; try { o = JSON.parse(l); } catch (e) { res.errors.push({ line, message: `invalid JSON: ${e.message}` }); continue; }
          if (!o || typeof o !== 'object' || typeof o.data !== 'object') { res.errors.push({ line, message: 'expected an object with "data"' }); continue; }
          const ext = o.id ?? o.external_id ?? null;
          if (ext && [...items.values()].some((x) => x.project_id === pr.id && x.external_id === ext)) { res.skipped++; continue; }
          const it = { id: uuid(), project_id: pr.id, external_id: ext, data: o.data, gold: o.gold ?? null, seq: items.size };
          items.set(it.id, it); res.imported++;
        }
        return { status: 200, body: res };
      }
      if (m === 'GET' && rest === '/items' && rev) {
        const list = [...items.values()].filter((x) => x.project_id === pr.id).map((x) => ({ id: x.id, external_id: x.external_id, data: x.data, gold: x.gold, submissions: [...submissions.values()].filter((s) => s.item_id === x.id).length }));
        return { status: 200, body: { items: list, next_cursor: null } };
      }
      if (m === 'POST' && rest === '/leases') {
        const now = Date.now();
        for (const a of assignments.values()) if (a.state === 'leased' && a.expires_ms < now) a.state = 'expired';
        const mine = new Set([...assignments.values()].filter((a) => a.expert_id === user.id).map((a) => a.item_id));
        const busy = (it) => [...assignments.values()].filter((a) => a.item_id === it.id && ['leased', 'submitted'].includes(a.state)).length;
        const it = [...items.values()].filter((x) => x.project_id === pr.id).sort((a, b) => a.seq - b.seq).find((x) => !mine.has(x.id) && busy(x) < pr.overlap);
        if (!it) return { status: 204 };
        const a = { id: uuid(), item_id: it.id, project_id: pr.id, expert_id: user.id, token: uuid(), expires_ms: now + pr.lease_seconds * 1000, state: 'leased' };
        assignments.set(a.id, a);
        return { status: 200, body: { assignment_id: a.id, lease_token: a.token, expires_at: new Date(a.expires_ms).toISOString(), item: { id: it.id, data: it.data } } };
      }
      if (m === 'GET' && rest === '/submissions' && rev) {
        const st = url.searchParams.get('state'); const ex = url.searchParams.get('expert_id'); const it = url.searchParams.get('item_id');
        const order = url.searchParams.get('order') ?? 'desc';
        if (!['asc', 'desc'].includes(order)) return err(400, 'invalid_argument', 'order must be asc or desc', { field: 'order' });
        const list = [...submissions.values()].filter((s) => s.project_id === pr.id && (!st || s.state === st) && (!ex || s.expert_id === ex) && (!it || s.item_id === it));
        if (order === 'desc') list.reverse(); // the map holds them in submission order
        // managers see who submitted which item; reviewers judge blind
        const withContext = (s) => (mgr ? { ...s, expert: pub(users.get(s.expert_id)), item_external_id: items.get(s.item_id)?.external_id ?? null } : { ...s, expert_id: pseudonym(pr.id, s.expert_id) });
        return { status: 200, body: { submissions: list.map(withContext), next_cursor: null } };
      }
      if (m === 'GET' && rest === '/members' && mgr) {
        const now = Date.now();
        const list = members.filter((x) => x.project_id === pr.id).map((x) => {
          const u = users.get(x.user_id); const subs = [...submissions.values()].filter((s) => s.project_id === pr.id && s.expert_id === u.id);
          const live = [...assignments.values()].filter((a) => a.project_id === pr.id && a.expert_id === u.id && a.state === 'leased' && a.expires_ms > now).length;
          return { user_id: u.id, email: u.email, name: u.name, role: x.role, added_at: x.added_at, live_leases: live, submissions: subs.length, last_submitted_at: subs.at(-1)?.submitted_at ?? null };
        });
        return { status: 200, body: { members: list, invitations: invitations.filter((v) => v.project_id === pr.id && !v.response).reverse().map(invitationOut) } };
      }
      if (m === 'GET' && rest === '/quality' && rev) {
        const q = mockQuality(pr);
        if (!mgr) for (const f of q.fields) f.workers = f.workers.map(({ name: _n, email: _e, ...w }) => ({ ...w, expert_id: pseudonym(pr.id, w.expert_id) }));
        return { status: 200, body: q };
      }
      if (m === 'GET' && rest === '/progress' && rev) {
        const subs = [...submissions.values()].filter((s) => s.project_id === pr.id);
        const n = [...items.values()].filter((x) => x.project_id === pr.id).length;
        const buckets = new Map();
        for (const s of subs) { const b = new Date(Math.floor(Date.parse(s.submitted_at) / 60000) * 60000).toISOString(); buckets.set(b, (buckets.get(b) ?? 0) + 1); }
        return { status: 200, body: { items: n, overlap: pr.overlap, target_submissions: n * pr.overlap, submitted: subs.length, approved: subs.filter((s) => s.state === 'approved').length, rejected: subs.filter((s) => s.state === 'rejected').length, pending_review: subs.filter((s) => s.state === 'pending').length, leased: [...assignments.values()].filter((a) => a.project_id === pr.id && a.state === 'leased').length, throughput: [...buckets].map(([bucket_start, submissions]) => ({ bucket_start, submissions })) } };
      }
      if (m === 'GET' && rest === '/export' && mgr) {
        const lines = [...items.values()].filter((x) => x.project_id === pr.id).map((x) => JSON.stringify({ item_id: x.id, external_id: x.external_id, data: x.data, submissions: [...submissions.values()].filter((s) => s.item_id === x.id).map((s) => ({ expert_id: s.expert_id, answer: s.answer, active_ms: s.active_ms, state: s.state, review: s.review })) }));
        return { status: 200, raw: lines.join('\n') + '\n', type: 'application/x-ndjson' };
      }
      return err(404, 'not_found', `No route ${m} ${p}`);
    }
    if ((mm = p.match(/^\/items\/([^/]+)$/)) && m === 'GET') {
      const it = items.get(mm[1]); const role = it && roleOf(user, it.project_id);
      if (!it || !['admin', 'manager', 'reviewer'].includes(role)) return err(404, 'not_found', 'No such item.');
      return { status: 200, body: { id: it.id, external_id: it.external_id, data: it.data, gold: it.gold, submissions: [...submissions.values()].filter((s) => s.item_id === it.id).length } };
    }
    if ((mm = p.match(/^\/assignments\/([^/]+)\/(renew|submit|return)$/))) {
      const a = assignments.get(mm[1]);
      if (!a || a.expert_id !== user.id) return err(404, 'not_found', 'No such assignment.');
      if (mm[2] === 'submit') {
        const dup = [...submissions.values()].find((s) => s.assignment_id === a.id && s.client_submission_id === body.client_submission_id);
        if (dup) return { status: 200, body: { submission: dup } };
      }
      if (body?.lease_token !== a.token) return err(409, 'failed_precondition', 'Stale lease token.');
      if (a.state !== 'leased' || a.expires_ms < Date.now()) return err(409, 'failed_precondition', 'The lease has expired.');
      if (mm[2] === 'renew') { a.expires_ms = Date.now() + projects.get(a.project_id).lease_seconds * 1000; return { status: 200, body: { expires_at: new Date(a.expires_ms).toISOString() } }; }
      if (mm[2] === 'return') { a.state = 'returned'; return { status: 200, body: {} }; }
      const s = { id: uuid(), assignment_id: a.id, item_id: a.item_id, project_id: a.project_id, expert_id: user.id, client_submission_id: body.client_submission_id, answer: body.answer, active_ms: body.active_ms, submitted_at: nowIso(), state: 'pending', review: null };
      submissions.set(s.id, s); a.state = 'submitted';
      return { status: 201, body: { submission: s } };
    }
    if ((mm = p.match(/^\/submissions\/([^/]+)\/review$/)) && m === 'POST') {
      const s = submissions.get(mm[1]);
      if (!s) return err(404, 'not_found', 'No such submission.');
      if (body.verdict === 'reject' && String(body.reason ?? '').trim().length < 20) return err(400, 'invalid_argument', 'A rejection needs a reason of at least 20 characters.', { field: 'reason' });
      s.review = { verdict: body.verdict, reason: body.reason ?? '', reviewer_id: user.id, reviewed_at: nowIso() };
      s.state = body.verdict === 'approve' ? 'approved' : 'rejected';
      return { status: 200, body: s.review };
    }
    return err(404, 'not_found', `No route ${m} ${p}`);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (url.pathname === '/healthz') { res.end('{"status":"ok"}'); return; }
      if (url.pathname.startsWith('/api/v1/')) {
        const raw = Buffer.concat(chunks).toString();
        let body;
        if ((req.headers['content-type'] ?? '').includes('x-ndjson') || url.pathname.endsWith('/items')) body = raw;
        else { try { body = raw ? JSON.parse(raw) : undefined; } catch { body = undefined; } }
        const cookie = /assay_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const tok = bearer && [...tokens.values()].find((t) => t.secret === bearer && !t.revoked_at && Date.parse(t.expires_at) > Date.now());
        const user = users.get(sessions.get(cookie) ?? tok?.user_id);
        if (cookie && req.method !== 'GET' && req.headers.origin && req.headers.origin !== `http://${req.headers.host}`) { send(res, err(403, 'permission_denied', 'Cross-origin request refused.')); return; }
        send(res, route(req, url, body, user, sessions.has(cookie) ? cookie : ''));
        return;
      }
      let f = path.join(webDir, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
      if (!fs.existsSync(f) || fs.statSync(f).isDirectory()) f = path.join(webDir, 'index.html');
      const type = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' }[path.extname(f)] ?? 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type }); fs.createReadStream(f).pipe(res);
    });
  });
  function send(res, r) {
    const h = { ...(r.headers ?? {}) };
    if (r.raw !== undefined) { res.writeHead(r.status, { ...h, 'Content-Type': r.type }); res.end(r.raw); return; }
    if (r.body === undefined) { res.writeHead(r.status, h); res.end(); return; }
    res.writeHead(r.status, { ...h, 'Content-Type': 'application/json' }); res.end(JSON.stringify(r.body));
  }
  const admin = addUser('admin@example.com', 'admin-password-1', 'admin', 'Admin');
  const adminToken = addToken(admin.id, 'admin', new Date(Date.now() + 86400e3).toISOString()).secret;
  return { server, adminToken };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 5199);
  const { server, adminToken } = createMock({ webDir: path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../web/dist') });
  server.listen(port, '127.0.0.1', () => console.log(`mock assay on http://127.0.0.1:${port} (admin token ${adminToken})`));
}
