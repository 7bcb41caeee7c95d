import React, { useState } from 'react';
import { uploadItems, type ImportResult } from '../lib/api';
import { ErrorBox } from '../components/ui';
import { ProjectNav } from './ManagerProjects';

export function ImportPage({ projectId }: { projectId: string }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult>();
  const [err, setErr] = useState<unknown>();
  const run = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setResult(undefined); setProgress(0);
    try {
      const body = file ? await file.text() : text;
      const isArray = body.trimStart().startsWith('[');
      setResult(await uploadItems(projectId, body, isArray ? 'application/json' : 'application/x-ndjson', setProgress));
    } catch (x) { setErr(x); setProgress(null); }
  };
  return (
    <div className="page">
      <ProjectNav id={projectId} here="import" />
      <h1>Import items</h1>
      <p className="muted">JSONL (one item per line) or a JSON array. Each item: <code>{'{"id": "…", "data": {…}, "gold": …}'}</code> — <code>id</code> (your external id) and <code>gold</code> are optional.</p>
      <form onSubmit={run}>
        <label className="block">File<input type="file" accept=".jsonl,.json,.ndjson,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} /></label>
        <label className="block">…or paste JSONL<textarea className="mono" rows={10} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} disabled={!!file} /></label>
        <button type="submit" className="primary" disabled={!file && !text.trim()}>Upload</button>
      </form>
      {progress !== null ? (
        <div className="upload">
          <label className="block">Upload progress<progress max={1} value={progress} /></label>
          <span className="muted small">{Math.round(progress * 100)}%</span>
        </div>
      ) : null}
      <ErrorBox error={err} />
      {result ? (
        <div className="card" role="status">
          <p><b>{result.imported}</b> imported · <b>{result.skipped}</b> skipped · <b className={result.errors.length ? 'bad-text' : ''}>{result.errors.length}</b> errors</p>
          {result.errors.length ? (
            <table className="table"><thead><tr><th scope="col">Line</th><th scope="col">Problem</th></tr></thead>
              <tbody>{result.errors.map((x, i) => <tr key={i}><td>{x.line}</td><td>{x.message}</td></tr>)}</tbody></table>
          ) : null}
          <a href={`#/manage/${encodeURIComponent(projectId)}/progress`}>See progress →</a>
        </div>
      ) : null}
    </div>
  );
}
