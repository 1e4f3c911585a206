import { applicationTasks } from './task-status';

const form = {
  sections: [
    {
      key: 'a',
      title: 'A',
      questions: [{ key: 'x', type: 'text' as const, label: 'X', required: true }],
    },
    {
      key: 'b',
      title: 'B',
      questions: [{ key: 'y', type: 'text' as const, label: 'Y', required: true }],
    },
  ],
};
const titles = { budget: 'Budget', attachments: 'Attachments', review: 'Review' };

describe('the task list', () => {
  it('derives each task’s status from the answers and what still blocks submission', () => {
    const tasks = applicationTasks(
      {
        form,
        answers: { a: { x: 'done' }, b: { z: 1 } },
        problems: [
          { pointer: '/answers/b/y', detail: 'is required' },
          { pointer: '/attachments/plan', detail: 'is required' },
        ],
        budgetLines: 2,
        amountRequested: '10.00',
        attachments: 0,
        requiredAttachments: 1,
      },
      '/base',
      titles,
    );
    expect(tasks.map((t) => [t.key, t.status])).toEqual([
      ['a', 'completed'],
      ['b', 'inProgress'],
      ['budget', 'completed'],
      ['attachments', 'notStarted'],
      ['review', 'cannotStart'],
    ]);
    expect(tasks[4].href).toBeUndefined();
  });

  it('opens "check your answers" once nothing blocks submission', () => {
    const tasks = applicationTasks(
      {
        form,
        answers: { a: { x: '1' }, b: { y: '2' } },
        problems: [],
        budgetLines: 1,
        amountRequested: '1.00',
        attachments: 1,
        requiredAttachments: 1,
      },
      '/base',
      titles,
    );
    expect(tasks.every((t) => t.status !== 'cannotStart')).toBe(true);
    expect(tasks[4].href).toBe('/base/review');
  });
});
