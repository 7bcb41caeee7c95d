// contract.gen.ts is what scripts/contract-types.mjs makes of src/api/schemas.json today.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: node's types are not installed for the web app (the test runs in node)
import fs from 'node:fs';
// @ts-expect-error: a plain ES module script without types
import { generate, outFile, schemasFile } from '../../scripts/contract-types.mjs';

describe('the API contract types', () => {
  const doc = JSON.parse(fs.readFileSync(schemasFile, 'utf8')) as { routes: Record<string, unknown> };
  const generated: string = fs.readFileSync(outFile, 'utf8');
  it('are generated from the current schemas.json (run node scripts/contract-types.mjs)', () => {
    expect(generated).toBe(generate(doc));
  });
  it('type every route the server has a schema for, with its enums', () => {
    for (const route of Object.keys(doc.routes)) expect(generated).toContain(JSON.stringify(route));
    expect(generated).toContain('role: "admin" | "manager" | "reviewer" | "expert"');
  });
});
