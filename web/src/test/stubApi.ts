// Test helper for vitest (never imported by the app): a fetch stub that answers the v1 API by
// method and path, and records every call.
import { vi } from 'vitest';

export type Answer = [status: number, body?: unknown] | undefined;
export interface ApiCall { method: string; path: string; body: any }

/** `answer` gets each request (path without /api/v1); undefined → 404 not_found. */
export function stubApi(answer: (method: string, path: string, body: any) => Answer): ApiCall[] {
  const calls: ApiCall[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET'; const path = url.replace(/^\/api\/v1/, '');
    const body = typeof init.body === 'string' && init.body.startsWith('{') ? JSON.parse(init.body) : init.body;
    calls.push({ method, path, body });
    const [status, out] = answer(method, path, body) ?? [404, { error: { code: 'not_found', message: 'no such route' } }];
    return new Response(out === undefined ? null : JSON.stringify(out), { status });
  }));
  return calls;
}

/** The API's error shape. */
export const refusal = (status: number, code: string, message: string, details: Record<string, unknown> = {}): Answer =>
  [status, { error: { code, message, details } }];
