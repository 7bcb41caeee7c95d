// The web app's types against the API's contract (src/api/schemas.json, the server's own
// schemas: every API test checks the server's answers against them). Each line says "what the
// server sends fits the type this app reads it as"; `tsc` (npm run build) fails on the line of
// a type that drifted — a field the app needs that the server does not promise, or a value the
// app does not expect. contract.gen.ts is generated: node scripts/contract-types.mjs.
import type { Routes, Schemas } from './contract.gen';
import type * as A from './api';
import type * as M from './money';
import type * as P from './people';

type Answer<R extends keyof Routes> = Routes[R] extends { response: infer T } ? T : never;

/** Never called: each assignment compiles only when what the server sends fits what the app reads. */
export function checkContract(sent: {
  c0: Schemas['User'];
  c1: Schemas['UserInfo'];
  c2: Schemas['ApiToken'];
  c3: Answer<'POST /api/v1/users/{user_id}/password-reset'>;
  c4: Schemas['Project'];
  c5: Schemas['Item'];
  c6: Answer<'POST /api/v1/projects/{project_id}/leases'>;
  c7: Schemas['Review'];
  c8: Schemas['Submission'];
  c9: Answer<'GET /api/v1/projects/{project_id}/members'>['members'][number];
  c10: Schemas['Invitation'];
  c11: Answer<'GET /api/v1/projects/{project_id}/quality'>;
  c12: Answer<'GET /api/v1/projects/{project_id}/progress'>;
  c13: Answer<'GET /api/v1/me/stats'>;
  c14: Answer<'GET /api/v1/projects/{project_id}/items'>;
  c15: Schemas['SavedView'];
  c16: Schemas['Job'];
  c17: Schemas['ItemContext'];
  c18: Answer<'GET /api/v1/submissions/{submission_id}/context'>;
  c19: Answer<'POST /api/v1/projects/{project_id}/items'>;
  c20: Answer<'GET /api/v1/projects/{project_id}/leaderboard'>;
  c21: Answer<'GET /api/v1/projects/{project_id}/exports'>['exports'][number];
  c22: Schemas['Expert'];
  c23: Schemas['StatusChange'];
  c24: Schemas['Credential'];
  c25: Schemas['Grant'];
  c26: Schemas['ContractAcceptance'];
  c27: Schemas['ExpertDetail'];
  c28: Answer<'GET /api/v1/taxonomy'>['paths'][number];
  c29: Schemas['Qualification'];
  c30: Schemas['Contract'];
  c31: Schemas['Dispute'];
  c32: Answer<'GET /api/v1/me/timesheet'>;
  c33: Answer<'GET /api/v1/me/earnings'>;
  c34: Answer<'GET /api/v1/projects/{project_id}/costs'>;
}): void {
  const r0: A.User = sent.c0;
  const r1: A.UserInfo = sent.c1;
  const r2: A.ApiToken = sent.c2;
  const r3: A.ResetLink = sent.c3;
  const r4: A.Project = sent.c4;
  const r5: A.Item = sent.c5;
  const r6: A.Lease = sent.c6;
  const r7: A.Review = sent.c7;
  const r8: A.Submission = sent.c8;
  const r9: A.Member = sent.c9;
  const r10: A.Invitation = sent.c10;
  const r11: A.Quality = sent.c11;
  const r12: A.Progress = sent.c12;
  const r13: A.MyStats = sent.c13;
  const r14: A.BrowsePage = sent.c14;
  const r15: A.SavedView = sent.c15;
  const r16: A.Job = sent.c16;
  const r17: A.ItemContext = sent.c17;
  const r18: A.SubmissionContext = sent.c18;
  const r19: A.ImportResult = sent.c19;
  const r20: A.Leaderboard = sent.c20;
  const r21: A.ExportManifest = sent.c21;
  const r22: P.Profile = sent.c22;
  const r23: P.StatusChange = sent.c23;
  const r24: P.Credential = sent.c24;
  const r25: P.Grant = sent.c25;
  const r26: P.Acceptance = sent.c26;
  const r27: P.ExpertView = sent.c27;
  const r28: P.TaxonomyPath = sent.c28;
  const r29: P.Qualification = sent.c29;
  const r30: P.Contract = sent.c30;
  const r31: M.Dispute = sent.c31;
  const r32: M.Timesheet = sent.c32;
  const r33: M.Earnings = sent.c33;
  const r34: M.Costs = sent.c34;
  void [r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, r16, r17, r18, r19, r20, r21, r22, r23, r24, r25, r26, r27, r28, r29, r30, r31, r32, r33, r34];
}
