import React, { useState } from 'react';
import { api, type ExportFormat, type ExportManifest } from '../lib/api';
import { ErrorBox, ScrollX, useLoad } from '../components/ui';
import { when } from '../lib/format';
import { ProjectNav } from './ManagerProjects';

const FORMATS: { value: ExportFormat; label: string; what: string }[] = [
  { value: 'jsonl', label: 'JSONL', what: 'One line per item with every submission and its review, answers exactly as submitted.' },
  { value: 'sft', label: 'SFT (TRL messages)', what: 'A conversation per accepted rewrite or authored chat, with provenance: TRL’s SFTTrainer reads it.' },
  { value: 'openai', label: 'OpenAI fine-tuning', what: 'The same conversations as exactly {"messages", "tools"}, the file OpenAI’s fine-tuning accepts.' },
  { value: 'dpo', label: 'DPO preference pairs', what: 'Prompt, chosen and rejected per decided pair, with votes, agreement and margin: TRL’s DPOTrainer reads it.' },
  { value: 'labelstudio', label: 'Label Studio tasks', what: 'A JSON array of tasks with the answers as annotations; it also imports back into assay.' },
  { value: 'csv', label: 'CSV', what: 'One row per submission, for spreadsheets; it imports back too.' },
];

export function ExportPage({ projectId }: { projectId: string }) {
  const [approvedOnly, setApprovedOnly] = useState(false);
  const [allPairs, setAllPairs] = useState(false);
  const [data, err, reload] = useLoad(() => api.exports(projectId), [projectId]);
  return (
    <div className="page">
      <ProjectNav id={projectId} here="export" />
      <h1>Export</h1>
      <p className="muted">Every download streams the whole project in import order. Experts appear as the project’s settings say (pseudonyms by default).</p>
      <fieldset className="card">
        <legend>Which answers</legend>
        <div><label><input type="checkbox" checked={approvedOnly} onChange={(e) => setApprovedOnly(e.target.checked)} /> Only approved submissions</label></div>
        <div><label><input type="checkbox" checked={allPairs} onChange={(e) => setAllPairs(e.target.checked)} /> DPO: every pair a ranking implies (not only best against worst)</label></div>
      </fieldset>
      <ul className="export-list">
        {FORMATS.map((f) => (
          <li key={f.value} className="card">
            <a className="button" href={api.exportUrl(projectId, f.value, { approvedOnly, allPairs })} download onClick={() => setTimeout(reload, 1500)}>Download {f.label}</a>
            <span className="muted small">{f.what}</span>
          </li>
        ))}
      </ul>
      <h2>Earlier exports</h2>
      <ErrorBox error={err} />
      {!data ? <p className="muted">Loading…</p> : data.exports.length === 0 ? <p className="muted">Nothing exported yet.</p> : <ManifestTable exports={data.exports} />}
    </div>
  );
}

function ManifestTable({ exports }: { exports: ExportManifest[] }) {
  return (
    <ScrollX label="Earlier exports">
      <table className="table">
        <thead><tr><th scope="col">When</th><th scope="col">Format</th><th scope="col">Records</th><th scope="col">Items</th><th scope="col">Which answers</th><th scope="col">Experts as</th><th scope="col">File</th></tr></thead>
        <tbody>
          {exports.map((m) => (
            <tr key={m.id}>
              <td>{when(m.created_at)}</td>
              <td>{FORMATS.find((f) => f.value === m.format)?.label ?? m.format}</td>
              <td>{m.counts.records}</td>
              <td>{m.counts.items}{m.counts.items_without_records ? <span className="muted small"> ({m.counts.items_without_records} gave no record)</span> : null}</td>
              <td>{m.filters}</td>
              <td>{m.experts === 'id' ? 'ids' : 'pseudonyms'}</td>
              <td className="mono small">{m.file_name}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}
