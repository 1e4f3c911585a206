/**
 * An applicant's path through the API, written only against the client generated from the
 * OpenAPI document (openapi-typescript's types, openapi-fetch's client): sign in, find the
 * program, start an application, answer, budget, attach, submit. It compiles only while the
 * document describes what these calls send and receive; test/openapi-client.e2e-spec.ts runs it
 * against the real server.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../generated/api';

type Problem = components['schemas']['Problem'];

export interface ApplicantFlowInput {
  baseUrl: string;
  agencyCode: string;
  programCode: string;
  organizationId: string;
  grantWriter: { email: string; password: string };
  representative: { email: string; password: string };
  answers: Record<string, unknown>;
  budget: components['schemas']['BudgetDto'];
  attachment: { requirementKey: string; filename: string; content: Uint8Array; type: string };
}

export interface ApplicantFlowResult {
  applicationId: string;
  /** The code of the problem a stale If-Match got. */
  staleCode: Problem['code'];
  submittedStatus: string;
  /** The status of the same submission sent again with the same Idempotency-Key. */
  replayedStatus: number;
  finalStatus: string;
}

/** Fails with what the server said: a flow step must succeed. */
function must<T>(step: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined)
    throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

const bearer = (token: string): Middleware => ({
  onRequest({ request }) {
    request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
});

export async function applicantFlow(input: ApplicantFlowInput): Promise<ApplicantFlowResult> {
  const anonymous = createClient<paths>({ baseUrl: input.baseUrl });
  const signIn = async (who: { email: string; password: string }) => {
    const tokens = must(
      'sign in',
      await anonymous.POST('/api/v1/auth/login', {
        body: { email: who.email, password: who.password },
      }),
    );
    const client = createClient<paths>({ baseUrl: input.baseUrl });
    client.use(bearer(tokens.accessToken));
    return client;
  };
  const agency = { agencyCode: input.agencyCode };
  const writer = await signIn(input.grantWriter);

  // Find the program among those open to applicants.
  const programs = must(
    'list published programs',
    await writer.GET('/api/v1/agencies/{agencyCode}/programs/published', {
      params: { path: agency, query: { limit: '50' } },
    }),
  );
  const program = programs.items.find((p) => p.code === input.programCode);
  if (!program) throw new Error(`program ${input.programCode} is not listed`);

  // Start an application; its ETag is the version the next write sends back.
  const applications = '/api/v1/agencies/{agencyCode}/organizations/{organizationId}/applications';
  const organization = { ...agency, organizationId: input.organizationId };
  const started = await writer.POST(applications, {
    params: { path: organization },
    body: { programId: program.id, projectTitle: 'Generated-client Literacy Academy' },
  });
  const application = must('start application', started);
  const one = `${applications}/{applicationId}` as const;
  const path = { ...organization, applicationId: application.id };
  const firstEtag = started.response.headers.get('etag') ?? '';

  const answered = await writer.PATCH(one, {
    params: { path, header: { 'If-Match': firstEtag } },
    body: { answers: input.answers },
  });
  must('save answers', answered);

  // The version read before the answers is stale now: a typed 412 problem.
  const stale = await writer.PATCH(one, {
    params: { path, header: { 'If-Match': firstEtag } },
    body: { projectTitle: 'Lost update' },
  });
  const staleProblem = stale.error;
  if (stale.response.status !== 412 || !staleProblem)
    throw new Error(`stale write: expected 412, got ${stale.response.status}`);

  const budgeted = await writer.PUT(`${one}/budget`, {
    params: { path, header: { 'If-Match': answered.response.headers.get('etag') ?? '' } },
    body: input.budget,
  });
  must('save budget', budgeted);

  // The attachment: multipart/form-data with one `file` part (a Blob in the generated types).
  const file = new Blob([new Uint8Array(input.attachment.content)], {
    type: input.attachment.type,
  });
  must(
    'upload attachment',
    await writer.POST(`${one}/attachments`, {
      params: { path, query: { requirementKey: input.attachment.requirementKey } },
      body: { file },
      bodySerializer(body) {
        const form = new FormData();
        form.append('file', body.file, input.attachment.filename);
        return form;
      },
    }),
  );

  // The authorized representative certifies and submits, with an Idempotency-Key.
  const representative = await signIn(input.representative);
  const submission = {
    params: { path, header: { 'Idempotency-Key': `flow-${application.id}` } },
    body: { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
  };
  const submitted = must('submit', await representative.POST(`${one}/submit`, submission));
  const replay = await representative.POST(`${one}/submit`, submission);

  const final = must('read application', await writer.GET(one, { params: { path } }));
  return {
    applicationId: application.id,
    staleCode: staleProblem.code,
    submittedStatus: submitted.status,
    replayedStatus: replay.response.status,
    finalStatus: final.status,
  };
}
