import type { FieldProblem } from '../../core/errors/domain-error';
import type { FormDefinition } from '../../programs/forms/form-definition';

export type TaskStatus = 'notStarted' | 'inProgress' | 'completed' | 'cannotStart';

export interface Task {
  key: string;
  title: string;
  href?: string;
  status: TaskStatus;
}

const hasAny = (value: unknown): boolean =>
  value !== undefined &&
  value !== null &&
  (typeof value !== 'object' || Object.keys(value).length > 0);

export interface TaskInputs {
  form: FormDefinition;
  answers: Record<string, unknown>;
  /** What still blocks submission, as the applications module reports it. */
  problems: FieldProblem[];
  budgetLines: number;
  amountRequested: string | null;
  attachments: number;
  requiredAttachments: number;
}

const blocked = (problems: FieldProblem[], prefix: string) =>
  problems.some((p) => p.pointer === prefix || p.pointer.startsWith(`${prefix}/`));

/**
 * The GOV.UK task list's statuses, from the readiness the applications module computes (a page
 * holds no rule of its own): untouched is "not started", touched but still blocking submission
 * "in progress", otherwise "completed"; "check your answers" cannot start until all are done.
 */
export function applicationTasks(
  input: TaskInputs,
  base: string,
  titles: { budget: string; attachments: string; review: string },
): Task[] {
  const tasks: Task[] = input.form.sections.map((s) => ({
    key: s.key,
    title: s.title,
    href: `${base}/sections/${s.key}`,
    status: !hasAny(input.answers[s.key])
      ? 'notStarted'
      : blocked(input.problems, `/answers/${s.key}`)
        ? 'inProgress'
        : 'completed',
  }));
  const budgetTouched = input.budgetLines > 0 || input.amountRequested !== null;
  tasks.push({
    key: 'budget',
    title: titles.budget,
    href: `${base}/budget`,
    status: !budgetTouched
      ? 'notStarted'
      : blocked(input.problems, '/budget') || blocked(input.problems, '/amountRequested')
        ? 'inProgress'
        : 'completed',
  });
  tasks.push({
    key: 'attachments',
    title: titles.attachments,
    href: `${base}/attachments`,
    status:
      input.attachments === 0
        ? input.requiredAttachments === 0
          ? 'completed'
          : 'notStarted'
        : blocked(input.problems, '/attachments')
          ? 'inProgress'
          : 'completed',
  });
  const ready = input.problems.length === 0;
  tasks.push({
    key: 'review',
    title: titles.review,
    href: ready ? `${base}/review` : undefined,
    status: ready ? 'notStarted' : 'cannotStart',
  });
  return tasks;
}
