// Word-level diff by longest common subsequence. Tokens keep their whitespace so joining the
// 'same' + 'del' parts gives back the old text and 'same' + 'add' the new one.
export type DiffPart = { op: 'same' | 'add' | 'del'; text: string };

export function tokenize(s: string): string[] {
  return s.match(/\s+|[^\s]+/g) ?? [];
}

const MAX_CELLS = 4_000_000; // cap the O(n·m) table; beyond it fall back to a whole replace

export function wordDiff(a: string, b: string): DiffPart[] {
  const x = tokenize(a); const y = tokenize(b);
  // strip common prefix / suffix first: rewrites usually touch a small part
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const xs = x.slice(pre, x.length - suf); const ys = y.slice(pre, y.length - suf);
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.op === op) last.text += text; else parts.push({ op, text });
  };
  push('same', x.slice(0, pre).join(''));
  const n = xs.length; const m = ys.length;
  if (n * m > MAX_CELLS) {
    push('del', xs.join('')); push('add', ys.join(''));
  } else {
    const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        dp[i][j] = xs[i] === ys[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    let i = 0; let j = 0;
    while (i < n && j < m) {
      if (xs[i] === ys[j]) { push('same', xs[i]); i++; j++; }
      else if (dp[i + 1][j] >= dp[i][j + 1]) push('del', xs[i++]);
      else push('add', ys[j++]);
    }
    while (i < n) push('del', xs[i++]);
    while (j < m) push('add', ys[j++]);
  }
  push('same', x.slice(x.length - suf).join(''));
  return parts;
}
