import { describe, expect, it } from 'vitest';
import React from 'react';
import { render } from '@testing-library/react';
import { Markdown } from './markdown';

describe('Markdown', () => {
  it('escapes raw HTML from item data', () => {
    const { container } = render(<Markdown source={'Hello <img src=x onerror="alert(1)"> <script>alert(2)</script> **bold**'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(container.querySelector('strong')!.textContent).toBe('bold');
  });
  it('drops javascript: links but keeps https links', () => {
    const { container } = render(<Markdown source={'[bad](javascript:alert(1)) and [good](https://example.com)'} />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0].getAttribute('href')).toBe('https://example.com');
    expect(links[0].getAttribute('rel')).toContain('noopener');
  });
  it('renders lists, headings and fenced code as text', () => {
    const { container } = render(<Markdown source={'# T\n\n- a\n- b\n\n```js\nconst x = "<b>";\n```'} />);
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('pre code')!.textContent).toBe('const x = "<b>";');
    expect(container.querySelector('b')).toBeNull();
  });
});
