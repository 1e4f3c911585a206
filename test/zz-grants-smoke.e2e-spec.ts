import { bootTestApp, TestApp } from './support/test-app';
import { submittedApplication, saveApplication, submitApplication } from './factories/grants';
import { ProblemFilter } from '../src/core/errors/problem.filter';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

it('smoke', async () => {
  const orig = ProblemFilter.prototype.catch;
  ProblemFilter.prototype.catch = function (e: unknown, h: any) { console.log('ERR', e); return orig.call(this, e, h); };
  const s = await submittedApplication(t, 'mo-dese');
  const r = await saveApplication(t, 'mo-dese', s.organization.id, s.application.id, s.team.grantWriter, { projectTitle: 'x' });
  console.log(r.body);
  const r2 = await submitApplication(t, 'mo-dese', s.organization.id, s.application.id, s.team.representative);
  console.log(r2.body);
});
