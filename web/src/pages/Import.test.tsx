import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, screen } from '@testing-library/react';
import { ImportPage } from './Import';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

interface Sent { method: string; url: string; headers: Record<string, string>; body: unknown }

/** An XMLHttpRequest that records what is sent and answers with `reply` at once. */
function stubXhr(reply: [number, unknown]): Sent[] {
  const sent: Sent[] = [];
  class FakeXhr {
    status = 0; statusText = ''; responseText = ''; withCredentials = false;
    upload: { onprogress?: (ev: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
    onload?: () => void; onerror?: () => void;
    private req: Sent = { method: '', url: '', headers: {}, body: undefined };
    open(method: string, url: string) { this.req.method = method; this.req.url = url; }
    setRequestHeader(k: string, v: string) { this.req.headers[k] = v; }
    send(body: unknown) {
      this.req.body = body; sent.push(this.req);
      this.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 2 });
      this.status = reply[0]; this.responseText = JSON.stringify(reply[1]);
      this.onload?.();
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

describe('ImportPage', () => {
  it('sends CSV with its column mapping and says what was kept and what was not', async () => {
    const sent = stubXhr([200, { imported: 2, skipped: 0, error_count: 1, awaiting_responses: 1, prior_labels: 0,
      errors: [{ line: 4, message: 'has 1 field, the header 3' }] }]);
    render(<ImportPage projectId="p 1" />);
    fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'csv' } });
    fireEvent.change(screen.getByLabelText('Column mapping (optional)'), { target: { value: '{"q":"prompt"}' } });
    fireEvent.change(screen.getByLabelText('…or paste CSV'), { target: { value: 'q,a\nx,y\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await screen.findByRole('status');
    expect(sent).toHaveLength(1);
    const url = new URL(sent[0].url, 'http://x');
    expect(url.pathname).toBe('/api/v1/projects/p%201/items');
    expect(url.searchParams.get('format')).toBe('csv');
    expect(url.searchParams.get('mapping')).toBe('{"q":"prompt"}');
    expect(sent[0].headers['Content-Type']).toBe('text/csv');
    const status = screen.getByRole('status').textContent ?? '';
    expect(status).toMatch(/2 imported/);
    expect(status).toMatch(/1 bad line\b/);
    expect(status).toMatch(/1 waiting for model responses/);
    expect(screen.getByRole('cell', { name: 'has 1 field, the header 3' })).toBeTruthy();
  });

  it('imports Label Studio tasks and counts the annotations kept as prior labels', async () => {
    const sent = stubXhr([200, { imported: 1, skipped: 0, error_count: 0, prior_labels: 2, errors: [] }]);
    render(<ImportPage projectId="p1" />);
    fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'labelstudio' } });
    expect(screen.queryByLabelText('Column mapping (optional)')).toBeNull();
    fireEvent.change(screen.getByLabelText('…or paste JSON'), { target: { value: '[{"data":{"text":"x"}}]' } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await screen.findByRole('status');
    expect(new URL(sent[0].url, 'http://x').searchParams.get('format')).toBe('labelstudio');
    expect(screen.getByRole('status').textContent).toMatch(/2 prior labels kept/);
  });
});
