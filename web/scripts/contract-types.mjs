// TypeScript types from the API's schemas (src/api/schemas.json, api/contract.h), so that the
// web app's own types (src/lib/api.ts) are checked against what the server promises to send:
// src/lib/contract.ts asserts that each schema's type fits the app's type, and `tsc` (npm run
// build) fails when they drift. contract.test.ts fails when this file is stale.
//
//   node scripts/contract-types.mjs            # rewrites src/lib/contract.gen.ts
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const schemasFile = path.join(here, '../../src/api/schemas.json');
export const outFile = path.join(here, '../src/lib/contract.gen.ts');

const ident = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k) => (ident.test(k) ? k : JSON.stringify(k));

function ts(s, indent) {
  if (s === true || s === undefined || (typeof s === 'object' && Object.keys(s).filter((k) => k !== 'description').length === 0)) return 'unknown';
  if (s.$ref) return `Schemas[${JSON.stringify(s.$ref.replace('#/components/', ''))}]`;
  if (s.anyOf) return s.anyOf.map((x) => ts(x, indent)).join(' | ');
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in s) return JSON.stringify(s.const);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : ['object'];
  return types.map((t) => one(s, t, indent)).join(' | ');
}

function one(s, t, indent) {
  switch (t) {
    case 'string': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `Array<${ts(s.items, indent)}>`;
    case 'object': {
      const props = s.properties ?? {};
      const names = Object.keys(props);
      const extra = s.additionalProperties;
      if (names.length === 0) return `Record<string, ${extra && typeof extra === 'object' ? ts(extra, indent) : 'unknown'}>`;
      const req = new Set(s.required ?? []);
      const pad = '  '.repeat(indent + 1);
      const lines = names.map((n) => `${pad}${key(n)}${req.has(n) ? '' : '?'}: ${ts(props[n], indent + 1)};`);
      if (extra !== false) lines.push(`${pad}[k: string]: unknown;`);
      return `{\n${lines.join('\n')}\n${'  '.repeat(indent)}}`;
    }
    default: throw new Error(`schemas.json: unknown type ${t}`);
  }
}

export function generate(doc) {
  const out = ['// Generated from src/api/schemas.json by web/scripts/contract-types.mjs: do not edit.', ''];
  out.push('export interface Schemas {');
  for (const [name, s] of Object.entries(doc.components)) out.push(`  ${key(name)}: ${ts(s, 1)};`);
  out.push('}', '', '/** Per route ("GET /api/v1/me"): the JSON body it reads and the one it answers. */');
  out.push('export interface Routes {');
  for (const [name, e] of Object.entries(doc.routes)) {
    const parts = [];
    if (e.request) parts.push(`    request: ${ts(e.request, 2)};`);
    if (e.response) parts.push(`    response: ${ts(e.response, 2)};`);
    out.push(`  ${JSON.stringify(name)}: {`, ...parts, '  };');
  }
  out.push('}', '');
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(outFile, generate(JSON.parse(fs.readFileSync(schemasFile, 'utf8'))));
  console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
}
