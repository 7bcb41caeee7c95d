import React, { useEffect, useState } from 'react';
import { api, type User } from './lib/api';
import { go, useRoute } from './lib/router';
import { Login } from './pages/Login';
import { Home } from './pages/Home';
import { Workspace } from './pages/Workspace';
import { ManagerProjects, ProjectEdit } from './pages/ManagerProjects';
import { ImportPage } from './pages/Import';
import { ExportPage } from './pages/Export';
import { LeaderboardPage } from './pages/Leaderboard';
import { ProgressPage } from './pages/Progress';
import { SubmissionsPage } from './pages/Submissions';
import { ReviewPage } from './pages/Review';
import { QualityPage } from './pages/Quality';
import { AccountPage } from './pages/Account';
import { BrowsePage, ItemPage } from './pages/Browse';
import { ResetPage } from './pages/Reset';
import { UsersPage } from './pages/Users';
import { ProfilePage } from './pages/Profile';
import { ExpertsPage } from './pages/Experts';
import { ExpertPage } from './pages/Expert';
import { QualificationsPage } from './pages/Qualifications';
import { ContractsPage } from './pages/Contracts';
import { TimesheetPage } from './pages/Timesheet';
import { EarningsPage } from './pages/Earnings';
import { CostsPage } from './pages/Costs';
import { DisputesPage } from './pages/Disputes';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    api.me().then(setUser, () => setUser(null));
    const out = () => setUser(null);
    addEventListener('assay:unauthenticated', out);
    return () => removeEventListener('assay:unauthenticated', out);
  }, []);
  if (route[0] === 'reset' && route[1]) return <ResetPage token={route[1]} />; // a link someone opens signed out
  if (user === undefined) return <div className="center muted">Loading…</div>;
  if (!user) return <Login onLogin={(u) => setUser(u)} />; // stay on the page the session ended on
  const isManager = user.role === 'admin' || user.role === 'manager' || user.role === 'reviewer';
  const [a, b, c, d] = route;
  let page: React.ReactNode;
  if (a === 'work' && b) page = <Workspace key={b} projectId={b} />; // a fresh workspace per project
  else if (a === 'manage' && b === 'new') page = <ProjectEdit />;
  else if (a === 'manage' && b && c === 'edit') page = <ProjectEdit projectId={b} />;
  else if (a === 'manage' && b && c === 'import') page = <ImportPage projectId={b} />;
  else if (a === 'manage' && b && c === 'export') page = <ExportPage projectId={b} />;
  else if (a === 'manage' && b && c === 'leaderboard') page = <LeaderboardPage projectId={b} />;
  else if (a === 'manage' && b && c === 'progress') page = <ProgressPage projectId={b} />;
  else if (a === 'manage' && b && c === 'submissions') page = <SubmissionsPage projectId={b} itemId={d} />;
  else if (a === 'manage' && b && c === 'items' && d) page = <ItemPage projectId={b} itemId={d} />;
  else if (a === 'manage' && b && c === 'items') page = <BrowsePage projectId={b} />;
  else if (a === 'manage' && b && c === 'review') page = <ReviewPage projectId={b} />;
  else if (a === 'manage' && b && c === 'quality') page = <QualityPage projectId={b} />;
  else if (a === 'manage' && b && c === 'costs') page = <CostsPage projectId={b} />;
  else if (a === 'manage' && b && c === 'disputes') page = <DisputesPage projectId={b} />;
  else if (a === 'manage') page = <ManagerProjects />;
  else if (a === 'timesheet') page = <TimesheetPage />;
  else if (a === 'earnings') page = <EarningsPage />;
  else if (a === 'account') page = <AccountPage user={user} />;
  else if (a === 'users' && user.role === 'admin') page = <UsersPage me={user.id} />;
  else if (a === 'profile') page = <ProfilePage />;
  else if (a === 'people' && isManager) page = peoplePage(user, b, c);
  else page = isManager && user.role !== 'reviewer' && a !== 'expert' ? <ManagerProjects /> : <Home user={user} />;
  const inWork = a === 'work';
  return (
    <div className={`app ${inWork ? 'in-work' : ''}`}>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header className="top">
        <a href="#/" className="brand">assay</a>
        <nav aria-label="Main">
          <a href="#/expert" aria-current={a === 'expert' || (!a && !isManager) ? 'page' : undefined}>My work</a>
          {user.role === 'expert' ? <a href="#/profile" aria-current={a === 'profile' ? 'page' : undefined}>Profile</a> : null}
          {user.role === 'expert' ? <a href="#/timesheet" aria-current={a === 'timesheet' ? 'page' : undefined}>Timesheet</a> : null}
          {user.role === 'expert' ? <a href="#/earnings" aria-current={a === 'earnings' ? 'page' : undefined}>Earnings</a> : null}
          {isManager ? <a href="#/manage" aria-current={a === 'manage' ? 'page' : undefined}>Projects</a> : null}
          {isManager ? <a href="#/people" aria-current={a === 'people' ? 'page' : undefined}>People</a> : null}
          {user.role === 'admin' ? <a href="#/users" aria-current={a === 'users' ? 'page' : undefined}>Accounts</a> : null}
          <a href="#/account" aria-current={a === 'account' ? 'page' : undefined}>Account</a>
        </nav>
        <span className="who">{user.name || user.email} <span className="muted">· {user.role}</span></span>
        <button type="button" className="link" onClick={() => api.logout().finally(() => { setUser(null); go(''); })}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </div>
  );
}

/** #/people (experts directory), #/people/expert/<id>, #/people/qualifications, #/people/contracts (managers). */
function peoplePage(user: User, b?: string, c?: string): React.ReactNode {
  if (b === 'expert' && c) return <ExpertPage key={c} userId={c} user={user} />;
  if (b === 'qualifications') return <QualificationsPage user={user} />;
  if (b === 'contracts' && user.role !== 'reviewer') return <ContractsPage user={user} />;
  return <ExpertsPage user={user} />;
}
