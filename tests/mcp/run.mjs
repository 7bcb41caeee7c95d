// MCP end to end with the official TypeScript SDK client against the real binary:
//   1. stdio: `assay mcp --suite tau2-retail --task 0` launched by StdioClientTransport; the
//      agent solves task 0 with the reference calls and the server's own check says it passed.
//      Also a workplace suite: `assay mcp --suite mail --task mail-star-invoice`, solved.
//   2. HTTP: `assay serve` /mcp through StreamableHTTPClientTransport with a bearer token from
//      `assay token create`; sessions are separate worlds, belong to their token, end on DELETE,
//      and are the token user's env sessions: /api/v1/env/sessions lists and checks them.
//   3. The conformance runner (@modelcontextprotocol/conformance 0.1.11) server scenarios that
//      fit a server with its own tools (the rest call the SDK sample server's tools), against `assay serve --mcp-anonymous` (the runner cannot
//      send a token). Any failure exits 1.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');
const bin = process.env.ASSAY_BIN ?? path.join(root, 'build/assay');
const data = process.env.ASSAY_TAU2_DATA ?? path.join(root, '../shared/data/tau2-retail');
const conformance = path.join(here, 'node_modules/.bin/conformance');
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection', 'server-sse-multiple-streams'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-mcp-'));
const servers = [];

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${e?.stack ?? e}`);
  }
}

const text = (result) => result.content.map((c) => c.text).join('');

// The calls of tau2 task 0's reference solution: four reads, then the exchange.
const TASK0 = [
  ['find_user_id_by_name_zip', { first_name: 'Yusuf', last_name: 'Rossi', zip: '19122' }],
  ['get_order_details', { order_id: '#W2378156' }],
  ['get_product_details', { product_id: '1656367028' }],
  ['get_product_details', { product_id: '4896585277' }],
  ['exchange_delivered_order_items', { order_id: '#W2378156', item_ids: ['1151293680', '4983901480'],
    new_item_ids: ['7706410293', '7747408585'], payment_method_id: 'credit_card_9513926' }],
];

// What every transport must show a client: the tools, reads, writes, isError and -32602.
async function exercise(client) {
  assert.equal(client.getServerVersion().name, 'assay');
  assert.ok(client.getServerCapabilities().tools, 'tools capability');
  const { tools } = await client.listTools();
  assert.equal(tools.length, 16);
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  assert.equal(byName.get_order_details.inputSchema.type, 'object');
  assert.deepEqual(byName.get_order_details.inputSchema.required, ['order_id']);
  assert.equal(byName.get_order_details.annotations.readOnlyHint, true);
  assert.equal(byName.exchange_delivered_order_items.annotations.readOnlyHint, false);

  const before = await client.callTool({ name: 'get_order_details', arguments: { order_id: '#W2378156' } });
  assert.equal(before.isError, false);
  assert.equal(JSON.parse(text(before)).status, 'delivered');

  for (const [name, args] of TASK0) {
    const r = await client.callTool({ name, arguments: args });
    assert.equal(r.isError, false, `${name}: ${text(r)}`);
  }
  const after = await client.callTool({ name: 'get_order_details', arguments: { order_id: '#W2378156' } });
  assert.equal(JSON.parse(text(after)).status, 'exchange requested');

  // A schema violation and a business failure are results the model can read.
  const missing = await client.callTool({ name: 'get_order_details', arguments: {} });
  assert.equal(missing.isError, true);
  assert.match(text(missing), /order_id/);
  const absent = await client.callTool({ name: 'get_order_details', arguments: { order_id: '#W0000000' } });
  assert.equal(absent.isError, true);
  assert.match(text(absent), /not found/i);

  // An unknown tool is a protocol error, -32602.
  await assert.rejects(client.callTool({ name: 'launch_rockets', arguments: {} }),
    (e) => e.code === -32602 && /Unknown tool: launch_rockets/.test(e.message));
  await client.ping();
}

async function freePort() {
  return new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
}

async function startServe(extra) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = `sqlite:${path.join(tmp, `serve-${port}.db`)}`;
  const proc = spawn(bin, ['serve', '--db', db, '--port', String(port), '--web', path.join(tmp, 'no-web'),
    '--no-access-log', '--log-level', 'warn', '--mcp-data', data, '--check-contract', 'answer', ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  servers.push(proc);
  const exited = new Promise((_, reject) => proc.once('exit', (code) => reject(new Error(`assay serve exited (${code})`))));
  exited.catch(() => {});
  for (const until = Date.now() + 20_000; Date.now() < until;) {
    try { if ((await fetch(base + '/healthz')).ok) return { base, db, proc }; } catch { /* not up yet */ }
    await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
  }
  throw new Error(`assay serve at ${base} did not become healthy`);
}

function token(db, email) {
  return execFileSync(bin, ['token', 'create', '--db', db, '--email', email, '--role', 'expert'], { encoding: 'utf8' }).trim();
}

function httpClient(url, bearer) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : undefined,
  });
  return { client: new Client({ name: 'assay-mcp-test', version: '1.0.0' }), transport };
}

try {
  if (!fs.existsSync(bin)) throw new Error(`no binary at ${bin}: build it first (make build)`);
  if (!fs.existsSync(path.join(data, 'db.json'))) throw new Error(`no tau2 retail data at ${data}`);

  await check('stdio: assay mcp serves task 0 to the SDK client, and the calls solve it', async () => {
    const trajectory = path.join(tmp, 'trajectory.json');
    const transport = new StdioClientTransport({
      command: bin,
      args: ['mcp', '--suite', 'tau2-retail', '--task', '0', '--data', data, '--trajectory-out', trajectory],
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr.on('data', (d) => { stderr += d; });
    const client = new Client({ name: 'assay-mcp-test', version: '1.0.0' });
    await client.connect(transport);
    assert.match(client.getInstructions(), /tau2-retail', task 0/);
    await exercise(client);
    const exitedAfterEof = new Promise((r) => transport._process.once('exit', r));
    await client.close();
    await exitedAfterEof;
    assert.match(stderr, /task 0 passed \(score 1\.00\)/, stderr);
    const messages = JSON.parse(fs.readFileSync(trajectory, 'utf8'));
    const calls = messages.filter((m) => m.role === 'assistant').map((m) => m.tool_calls[0].function.name);
    assert.ok(calls.includes('exchange_delivered_order_items'), calls.join(','));
  });

  await check('stdio: assay mcp serves a workplace task (mail) and the calls solve it', async () => {
    const transport = new StdioClientTransport({
      command: bin, args: ['mcp', '--suite', 'mail', '--task', 'mail-star-invoice'], stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr.on('data', (d) => { stderr += d; });
    const client = new Client({ name: 'assay-mcp-test', version: '1.0.0' });
    await client.connect(transport);
    assert.match(client.getInstructions(), /'mail', task mail-star-invoice/);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'mail_label'), tools.map((t) => t.name).join(','));
    const found = await client.callTool({ name: 'mail_search', arguments: { query: 'CloudNine invoice' } });
    assert.equal(found.isError, false, text(found));
    assert.match(text(found), /m-001/);
    const labelled = await client.callTool({ name: 'mail_label', arguments: { id: 'm-001', add: ['starred'], remove: ['unread'] } });
    assert.equal(labelled.isError, false, text(labelled));
    const exitedAfterEof = new Promise((r) => transport._process.once('exit', r));
    await client.close();
    await exitedAfterEof;
    assert.match(stderr, /2 calls; task mail-star-invoice passed \(score 1\.00\)/, stderr);
  });

  const serve = await startServe([]);
  const mcpUrl = `${serve.base}/mcp?suite=tau2-retail&task=0`;
  const alice = token(serve.db, 'alice@example.com');
  const bob = token(serve.db, 'bob@example.com');

  await check('http: /mcp on assay serve, with a bearer token', async () => {
    const { client, transport } = httpClient(mcpUrl, alice);
    await client.connect(transport);
    assert.match(transport.sessionId, /^[A-Za-z0-9_-]{24}$/);  // an env session id
    await exercise(client);

    // The MCP session is alice's env session: the HTTP env API lists it and judges it solved.
    const env = (method, p, bearer = alice) => fetch(`${serve.base}/api/v1/env/sessions${p}`,
      { method, headers: { Authorization: `Bearer ${bearer}` } });
    const listed = await (await env('GET', '')).json();
    assert.deepEqual(listed.sessions.map((x) => x.id), [transport.sessionId]);
    const judged = await (await env('POST', `/${transport.sessionId}/check`)).json();
    assert.equal(judged.passed, true, JSON.stringify(judged));
    assert.equal((await env('GET', `/${transport.sessionId}`, bob)).status, 404);

    // Another session starts from the task's own world, not from this one's changes.
    const other = httpClient(mcpUrl, alice);
    await other.client.connect(other.transport);
    const fresh = await other.client.callTool({ name: 'get_order_details', arguments: { order_id: '#W2378156' } });
    assert.equal(JSON.parse(text(fresh)).status, 'delivered');
    await other.client.close();

    // Someone else's token cannot use (or end) the session: it does not exist for them.
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
      'Mcp-Session-Id': transport.sessionId, 'MCP-Protocol-Version': '2025-11-25' };
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' });
    const stolen = await fetch(`${serve.base}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${bob}` }, body: ping });
    assert.equal(stolen.status, 404);
    const stolenDelete = await fetch(`${serve.base}/mcp`, { method: 'DELETE', headers: { ...headers, Authorization: `Bearer ${bob}` } });
    assert.equal(stolenDelete.status, 404);
    const own = await fetch(`${serve.base}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${alice}` }, body: ping });
    assert.equal(own.status, 200);
    assert.deepEqual((await own.json()).result, {});

    // DELETE ends it; afterwards the id is unknown (404 tells a client to re-initialize).
    await transport.terminateSession();
    const ended = await fetch(`${serve.base}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${alice}` }, body: ping });
    assert.equal(ended.status, 404);
    await client.close();
  });

  await check('http: no token is 401, GET is 405, an unknown task is refused', async () => {
    const { client, transport } = httpClient(mcpUrl, null);
    await assert.rejects(client.connect(transport), (e) => e.code === 401 && /Unauthorized/.test(e.message));
    const get = await fetch(`${serve.base}/mcp`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${alice}` } });
    assert.equal(get.status, 405);
    const bad = httpClient(`${serve.base}/mcp?suite=tau2-retail&task=99999`, alice);
    await assert.rejects(bad.client.connect(bad.transport), (e) => e.code === 404 && /no task '99999'/.test(e.message));
  });

  const anon = await startServe(['--mcp-anonymous', '--mcp-task', '0']);
  for (const scenario of SCENARIOS) {
    await check(`conformance ${scenario}`, async () => {
      const r = spawnSync(conformance, ['server', '--url', `${anon.base}/mcp`, '--scenario', scenario], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /Passed: [1-9]\d*\/\d+, 0 failed/, r.stdout);
    });
  }
} catch (e) {
  failures++;
  console.log(`FAIL setup\n     ${e?.stack ?? e}`);
} finally {
  for (const p of servers) p.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(failures ? `mcp: ${failures} failed` : 'mcp: all passed');
process.exit(failures ? 1 : 0);
