import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_TYPES_PATH } from '../scripts/openapi/paths';
import {
  applicantTeam,
  completeAnswers,
  createOrganization,
  openProgram,
  SAMPLE_PDF,
  STANDARD_BUDGET,
} from './factories';
import { applicantFlow } from './openapi-client/applicant-flow';
import { REPO_ROOT } from './support/test-app';
import { tsEntryScript } from './support/ts-process';
import { useTestApp } from './support/use-test-app';

const run = promisify(execFile);

/**
 * The OpenAPI document drives a generated client (issue 18, item 2): the types openapi-typescript
 * makes from the document the server serves are those committed in test/generated/api.d.ts; a
 * program written only against them (test/openapi-client/applicant-flow.ts) compiles with
 * TypeScript; and with openapi-fetch it carries an application from sign-in to submission
 * against the real server over HTTP.
 */
describe('a client generated from the OpenAPI document', () => {
  const t = useTestApp();
  let document: object;

  beforeAll(async () => {
    document = (await t.request({ method: 'GET', url: '/api/docs-json' })).json<object>();
  });

  it('is what openapi-typescript makes of the served document (run npm run openapi if not)', async () => {
    // In a plain Node process: openapi-typescript's CommonJS build requires ES modules, which
    // Jest's module sandbox cannot load.
    const dir = mkdtempSync(join(tmpdir(), 'gc-openapi-types-'));
    try {
      const [input, output] = [join(dir, 'openapi.json'), join(dir, 'api.d.ts')];
      writeFileSync(input, JSON.stringify(document));
      await run(process.execPath, ['-e', tsEntryScript('scripts/openapi/client-types.ts')], {
        cwd: REPO_ROOT,
        env: { ...process.env, OPENAPI_CLIENT_TYPES: `${input} ${output}` },
      });
      expect(readFileSync(output, 'utf8') === readFileSync(CLIENT_TYPES_PATH, 'utf8')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compiles: a program using it type-checks under the strict settings', async () => {
    // The flow and the generated types alone, with the project's compiler options.
    const dir = mkdtempSync(join(tmpdir(), 'gc-openapi-client-'));
    try {
      const tsconfig = join(dir, 'tsconfig.json');
      writeFileSync(
        tsconfig,
        JSON.stringify({
          extends: join(REPO_ROOT, 'tsconfig.json'),
          compilerOptions: {
            noEmit: true,
            types: ['node'],
            typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
            rootDir: REPO_ROOT,
          },
          include: [],
          files: [join(REPO_ROOT, 'test', 'openapi-client', 'applicant-flow.ts')],
        }),
      );
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: REPO_ROOT }).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
      );
      expect(result).toEqual({ code: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drives an application from sign-in to submission over HTTP', async () => {
    const agencyCode = 'mo-dese';
    const { program } = await openProgram(t, agencyCode);
    const organization = await createOrganization(t, agencyCode);
    const team = await applicantTeam(t, agencyCode, organization.id);
    await t.app.listen(0, '127.0.0.1');
    const result = await applicantFlow({
      baseUrl: await t.app.getUrl(),
      agencyCode,
      programCode: program.code,
      organizationId: organization.id,
      grantWriter: team.grantWriter.user,
      representative: team.representative.user,
      answers: completeAnswers(),
      budget: STANDARD_BUDGET,
      attachment: {
        requirementKey: 'budgetNarrative',
        filename: 'budget-narrative.pdf',
        content: SAMPLE_PDF,
        type: 'application/pdf',
      },
    });
    expect(result).toEqual({
      applicationId: expect.any(String),
      staleCode: 'application.stale',
      submittedStatus: 'submitted',
      replayedStatus: 201,
      finalStatus: 'submitted',
    });
  });
});
