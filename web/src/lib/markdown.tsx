// A small, safe markdown renderer: it builds React elements, never HTML strings, so any
// markup in item data is shown as text. Supports headings, paragraphs, lists, fenced code,
// blockquotes, inline code, bold, italic and http(s)/mailto links. Every text block takes its
// direction from its own first strong letter (dir="auto"): Arabic and Hebrew paragraphs read
// right to left beside English ones; code stays left to right.
import React from 'react';

type Node = React.ReactNode;

const SAFE_URL = /^(https?:|mailto:)/i;

export function renderInline(text: string, keyBase = 'i'): Node[] {
  const out: Node[] = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(__[^_]+__)|(\*[^*\s][^*]*\*)|(_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0; let m: RegExpExecArray | null; let k = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0]; const key = `${keyBase}-${k++}`;
    if (m[1]) out.push(<code key={key}>{t.slice(1, -1)}</code>);
    else if (m[2] || m[3]) out.push(<strong key={key}>{renderInline(t.slice(2, -2), key)}</strong>);
    else if (m[4] || m[5]) out.push(<em key={key}>{renderInline(t.slice(1, -1), key)}</em>);
    else {
      const lm = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(t)!;
      if (SAFE_URL.test(lm[2])) out.push(<a key={key} href={lm[2]} target="_blank" rel="noopener noreferrer nofollow">{lm[1]}</a>);
      else out.push(t);
    }
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ source, className }: { source: string; className?: string }) {
  const lines = String(source ?? '').replace(/\r\n?/g, '\n').split('\n');
  const blocks: Node[] = [];
  let i = 0; let k = 0;
  while (i < lines.length) {
    const line = lines[i];
    const key = `b${k++}`;
    if (/^```/.test(line)) {
      const lang = line.slice(3).trim();
      const body: string[] = []; i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++;
      blocks.push(<pre key={key} className="code" data-lang={lang || undefined}><code>{body.join('\n')}</code></pre>);
    } else if (/^#{1,6}\s/.test(line)) {
      const level = Math.min(6, line.match(/^#+/)![0].length + 2);
      blocks.push(React.createElement(`h${level}`, { key, dir: 'auto' }, renderInline(line.replace(/^#+\s/, ''), key)));
      i++;
    } else if (/^\s*([-*+]|\d+[.)])\s/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: Node[] = [];
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s/.test(lines[i])) {
        items.push(<li key={i} dir="auto">{renderInline(lines[i].replace(/^\s*([-*+]|\d+[.)])\s/, ''), `${key}-${i}`)}</li>);
        i++;
      }
      blocks.push(ordered ? <ol key={key} dir="auto">{items}</ol> : <ul key={key} dir="auto">{items}</ul>);
    } else if (/^>\s?/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) body.push(lines[i++].replace(/^>\s?/, ''));
      blocks.push(<blockquote key={key} dir="auto">{renderInline(body.join(' '), key)}</blockquote>);
    } else if (line.trim() === '') {
      i++;
    } else {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && !/^(```|#{1,6}\s|>|\s*([-*+]|\d+[.)])\s)/.test(lines[i])) body.push(lines[i++]);
      blocks.push(<p key={key} dir="auto">{renderInline(body.join('\n'), key)}</p>);
    }
  }
  return <div className={`md ${className ?? ''}`}>{blocks}</div>;
}
