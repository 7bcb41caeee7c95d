import React, { useEffect, useState } from 'react';
import { api, type User } from './lib/api';
import { go, useRoute } from './lib/router';
import { Login } from './pages/Login';
import { Home } from './pages/Home';
import { Workspace } from './pages/Workspace';
import { ManagerProjects, ProjectEdit } from './pages/ManagerProjects';
import { ImportPage } from './pages/Import';
import { ProgressPage } from './pages/Progress';
import { SubmissionsPage } from './pages/Submissions';
import { ReviewPage } from './pages/Review';
import { QualityPage } from './pages/Quality';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    api.me().then(setUser, () => setUser(null));
    const out = () => setUser(null);
    addEventListener('assay:unauthenticated', out);
    return () => removeEventListener('assay:unauthenticated', out);
  }, []);
  if (user === undefined) return <div className="center muted">Loading…</div>;
  if (!user) return <Login onLogin={(u) => setUser(u)} />; // stay on the page the session ended on
  const isManager = user.role === 'admin' || user.role === 'manager' || user.role === 'reviewer';
  const [a, b, c, d] = route;
  let page: React.ReactNode;
  if (a === 'work' && b) page = <Workspace key={b} projectId={b} />; // a fresh workspace per project
  else if (a === 'manage' && b === 'new') page = <ProjectEdit />;
  else if (a === 'manage' && b && c === 'edit') page = <ProjectEdit projectId={b} />;
  else if (a === 'manage' && b && c === 'import') page = <ImportPage projectId={b} />;
  else if (a === 'manage' && b && c === 'progress') page = <ProgressPage projectId={b} />;
  else if (a === 'manage' && b && c === 'submissions') page = <SubmissionsPage projectId={b} itemId={d} />;
  else if (a === 'manage' && b && c === 'review') page = <ReviewPage projectId={b} />;
  else if (a === 'manage' && b && c === 'quality') page = <QualityPage projectId={b} />;
  else if (a === 'manage') page = <ManagerProjects />;
  else page = isManager && user.role !== 'reviewer' && a !== 'expert' ? <ManagerProjects /> : <Home user={user} />;
  const inWork = a === 'work';
  return (
    <div className={`app ${inWork ? 'in-work' : ''}`}>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header className="top">
        <a href="#/" className="brand">assay</a>
        <nav aria-label="Main">
          <a href="#/expert" aria-current={a === 'expert' || (!a && !isManager) ? 'page' : undefined}>My work</a>
          {isManager ? <a href="#/manage" aria-current={a === 'manage' ? 'page' : undefined}>Projects</a> : null}
        </nav>
        <span className="who">{user.name || user.email} <span className="muted">· {user.role}</span></span>
        <button type="button" className="link" onClick={() => api.logout().finally(() => { setUser(null); go(''); })}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </div>
  );
}
