import { randomUUID } from 'node:crypto';
import { etagOf } from '../../src/core/idempotency/etag';
import type { BenchFixtures } from './fixtures';
import type { BenchRequest } from './load';

/** Bearer tokens of the people the scenarios act as. */
export interface BenchTokens {
  officer: string;
  writers: string[];
  representatives: string[];
  reviewers: string[];
  finance: string[];
  /** Web session cookies (`name=value`) of the grant writers, for the page scenarios. */
  writerCookies?: string[];
}

export interface Scenario {
  name: string;
  connections: number;
  /** Distinct records available (write scenarios); undefined = unlimited (reads). */
  supply?: number;
  next: () => BenchRequest;
  /** Counted after the run: requests that could not be built as intended. */
  notes?: () => string | undefined;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

export const FORM_ANSWERS = {
  narrative: {
    summary: 'Extended-day literacy and mathematics support for students in grades K-8.',
    studentsServed: 240,
    localMatch: '5000.00',
    startDate: '2026-07-01',
    gradeBand: 'elementary',
    focusAreas: ['literacy', 'math'],
  },
  sites: { schools: [{ name: 'Lincoln Elementary', enrollment: 410 }] },
};

/** A queue of records each request takes one of (a write consumes its record). */
function supplyOf<T>(items: T[], name: string) {
  let i = 0;
  return () => {
    if (i >= items.length) throw new Error(`${name}: ran out of records (${items.length})`);
    return items[i++];
  };
}

export function buildScenarios(
  f: BenchFixtures,
  tokens: BenchTokens,
  listCursors: Array<string | undefined>,
): Record<string, Scenario> {
  const api = `/api/v1/agencies/${f.agencyCode}`;
  const officer = bearer(tokens.officer);

  // Draft save: each connection needs a draft whose ETag it knows. Drafts circulate through a
  // queue: a request takes one, the response puts it back with its new version, so every PATCH
  // carries the current ETag (no 412s) and no two requests edit one draft at once.
  const drafts = [...f.drafts];
  let staleOrFailed = 0;
  const draftSave = (): BenchRequest => {
    const draft = drafts.shift();
    if (!draft) throw new Error('draft save: no free draft (more connections than drafts)');
    const org = f.organizations[draft.org];
    return {
      method: 'PATCH',
      path: `${api}/organizations/${org.organizationId}/applications/${draft.applicationId}`,
      headers: { ...bearer(tokens.writers[draft.org]), 'if-match': etagOf(draft.version) },
      body: { answers: FORM_ANSWERS, projectTitle: `Benchmark project (v${draft.version + 1})` },
      onResponse: (status, body) => {
        if (status === 200) {
          drafts.push({ ...draft, version: (JSON.parse(body) as { version: number }).version });
        } else {
          staleOrFailed++;
          drafts.push({ ...draft, version: draft.version + 1 });
        }
      },
    };
  };

  const ready = supplyOf(f.ready, 'submission');
  const assignments = supplyOf(f.assignments, 'score submission');
  const requests = supplyOf(f.paymentRequests, 'payment approval');

  return {
    'application GET': {
      name: 'application GET (staff, tenant-scoped)',
      connections: 50,
      next: () => {
        const t = pick(f.readTargets);
        return {
          method: 'GET',
          path: `${api}/programs/${t.programId}/applications/${t.applicationId}`,
          headers: officer,
        };
      },
    },
    'list page': {
      name: 'list page (program applications, keyset, 50 rows)',
      connections: 50,
      next: () => {
        const cursor = pick(listCursors);
        return {
          method: 'GET',
          path: `${api}/programs/${f.listProgramId}/applications?limit=50${cursor ? `&cursor=${cursor}` : ''}`,
          headers: officer,
        };
      },
    },
    'draft save': {
      name: 'draft save (PATCH with If-Match)',
      connections: 32,
      next: draftSave,
      notes: () => (staleOrFailed ? `${staleOrFailed} saves not 200` : undefined),
    },
    submission: {
      name: 'submission (POST submit, Idempotency-Key)',
      connections: 32,
      supply: f.ready.length,
      next: () => {
        const app = ready();
        const org = f.organizations[app.org];
        return {
          method: 'POST',
          path: `${api}/organizations/${org.organizationId}/applications/${app.applicationId}/submit`,
          headers: { ...bearer(tokens.representatives[app.org]), 'idempotency-key': randomUUID() },
          body: { certification: { name: 'Pat Jones', title: 'Superintendent', accepted: true } },
        };
      },
    },
    'score submission': {
      name: 'score submission (reviewer submits a review)',
      connections: 32,
      supply: f.assignments.length,
      next: () => {
        const a = assignments();
        return {
          method: 'POST',
          path: `${api}/reviews/assignments/${a.assignmentId}/review/submit`,
          headers: bearer(tokens.reviewers[a.reviewer]),
        };
      },
    },
    'payment approval': {
      name: 'payment approval (finance officer, Idempotency-Key)',
      connections: 32,
      supply: f.paymentRequests.length,
      next: () => {
        const r = requests();
        return {
          method: 'POST',
          path: `${api}/payment-requests/${r.requestId}/approve`,
          headers: { ...bearer(tokens.finance[r.approver]), 'idempotency-key': randomUUID() },
          body: {},
        };
      },
    },
    // Pages, as a signed-in district user, and the JSON reads of the same data beside them
    // (issue 15: p95 under 100 ms at 20 connections, server CPU within 2x of the JSON GET).
    'page programs': {
      name: 'page: program list (public, HTML)',
      connections: 20,
      next: () => ({ method: 'GET', path: `/${f.agencyCode}/programs` }),
    },
    'page application': {
      name: 'page: application task list (district, HTML)',
      connections: 20,
      next: () => draftPage(''),
    },
    'page budget': {
      name: 'page: budget matrix (district, HTML)',
      connections: 20,
      next: () => draftPage('/budget'),
    },
    'programs GET': {
      name: 'programs GET (public, JSON: the same data as the program list page)',
      connections: 20,
      next: () => ({ method: 'GET', path: `${api}/programs/published` }),
    },
    'draft GET': {
      name: 'draft GET (district, JSON: the same data as the pages)',
      connections: 20,
      next: () => {
        const draft = pick(f.drafts);
        const org = f.organizations[draft.org];
        return {
          method: 'GET',
          path: `${api}/organizations/${org.organizationId}/applications/${draft.applicationId}`,
          headers: bearer(tokens.writers[draft.org]),
        };
      },
    },
  };

  function draftPage(suffix: string): BenchRequest {
    const draft = pick(f.drafts);
    const org = f.organizations[draft.org];
    return {
      method: 'GET',
      path: `/${f.agencyCode}/organizations/${org.organizationId}/applications/${draft.applicationId}${suffix}`,
      headers: { cookie: tokens.writerCookies?.[draft.org] ?? '' },
    };
  }
}
