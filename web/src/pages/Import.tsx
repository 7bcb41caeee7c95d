import React, { useState } from 'react';
import { uploadItems, type ImportFormat, type ImportResult } from '../lib/api';
import { ErrorBox } from '../components/ui';
import { ProjectNav } from './ManagerProjects';

const FORMATS: { value: ImportFormat; label: string; accept: string; help: React.ReactNode }[] = [
  { value: 'jsonl', label: 'JSONL or a JSON array', accept: '.jsonl,.json,.ndjson,application/json',
    help: <>One item per line (or a JSON array): <code>{'{"id": "…", "data": {…}, "gold": …}'}</code> — <code>id</code> (your external id) and <code>gold</code> are optional.</> },
  { value: 'csv', label: 'CSV', accept: '.csv,text/csv',
    help: <>A header row, then one item per row. Columns go to <code>data.&lt;column&gt;</code> unless the mapping says otherwise; <code>id</code> and <code>gold</code> columns are recognised.</> },
  { value: 'labelstudio', label: 'Label Studio tasks', accept: '.json,.jsonl,application/json',
    help: <>Tasks as Label Studio exports them: <code>{'{"id", "data", "annotations", "predictions"}'}</code>. Annotations and predictions are kept as prior labels, never as expert submissions.</> },
  { value: 'responses', label: 'Prompt + model responses', accept: '.jsonl,.json,application/json',
    help: <>One line per prompt: <code>{'{"id": "…", "prompt": "…", "responses": ["…", {"model": "…", "content": "…"}]}'}</code>.</> },
];

export function ImportPage({ projectId }: { projectId: string }) {
  const [format, setFormat] = useState<ImportFormat>('jsonl');
  const [mapping, setMapping] = useState('');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult>();
  const [err, setErr] = useState<unknown>();
  const chosen = FORMATS.find((f) => f.value === format)!;
  const run = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setResult(undefined); setProgress(0);
    try {
      const body: string | Blob = file ?? text;
      const contentType = format === 'csv' ? 'text/csv' : format === 'jsonl' && !text.trimStart().startsWith('[') && !file ? 'application/x-ndjson' : 'application/json';
      // The file goes as it is (the browser streams it); the server reads it in chunks.
      setResult(await uploadItems(projectId, body, contentType, setProgress, format, format === 'csv' ? mapping.trim() : undefined));
    } catch (x) { setErr(x); setProgress(null); }
  };
  const errorCount = result ? result.error_count ?? result.errors.length : 0;
  return (
    <div className="page">
      <ProjectNav id={projectId} here="import" />
      <h1>Import items</h1>
      <form onSubmit={run}>
        <label className="block">Format
          <select value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)}>
            {FORMATS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
          </select>
        </label>
        <p className="muted">{chosen.help}</p>
        {format === 'csv' ? (
          <label className="block">Column mapping (optional)
            <input className="mono" type="text" spellCheck={false} placeholder='{"question": "prompt", "answer_a": "responses.0.content"}'
              value={mapping} onChange={(e) => setMapping(e.target.value)} />
          </label>
        ) : null}
        <label className="block">File<input type="file" accept={chosen.accept} onChange={(e) => setFile(e.target.files?.[0] ?? null)} /></label>
        <label className="block">…or paste {format === 'csv' ? 'CSV' : format === 'jsonl' ? 'JSONL' : 'JSON'}<textarea className="mono" rows={10} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} disabled={!!file} /></label>
        <button type="submit" className="primary" disabled={!file && !text.trim()}>Upload</button>
      </form>
      {progress !== null ? (
        <div className="upload">
          <label className="block">Upload progress<progress max={1} value={progress} /></label>
          <span className="muted small">{progress < 1 ? `${Math.round(progress * 100)}%` : result ? 'Done' : 'Uploaded — the server is importing…'}</span>
        </div>
      ) : null}
      <ErrorBox error={err} />
      {result ? (
        <div className="card" role="status">
          <p><b>{result.imported}</b> imported · <b>{result.skipped}</b> skipped (already in the project) · <b className={errorCount ? 'bad-text' : ''}>{errorCount}</b> bad {errorCount === 1 ? 'line' : 'lines'}
            {result.awaiting_responses ? <> · <b>{result.awaiting_responses}</b> waiting for model responses</> : null}
            {result.prior_labels ? <> · <b>{result.prior_labels}</b> prior labels kept</> : null}</p>
          {result.errors.length ? (
            <table className="table"><thead><tr><th scope="col">Line</th><th scope="col">Problem</th></tr></thead>
              <tbody>{result.errors.map((x, i) => <tr key={i}><td>{x.line}</td><td>{x.message}</td></tr>)}</tbody></table>
          ) : null}
          {errorCount > result.errors.length ? <p className="muted small">The first {result.errors.length} of {errorCount} bad lines are listed.</p> : null}
          <a href={`#/manage/${encodeURIComponent(projectId)}/progress`}>See progress →</a>
        </div>
      ) : null}
    </div>
  );
}
