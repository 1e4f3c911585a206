import type { FormSection } from '../../programs/forms/form-definition';
import { changedQuestions, readSection, sectionToBody } from './answer-form';

const section: FormSection = {
  key: 'narrative',
  title: 'Narrative',
  questions: [
    { key: 'summary', type: 'text', label: 'Summary', maxLength: 10 },
    { key: 'students', type: 'number', label: 'Students', integer: true, minimum: 1 },
    { key: 'match', type: 'money', label: 'Match', maximum: '100.00' },
    { key: 'start', type: 'date', label: 'Start' },
    { key: 'band', type: 'choice', label: 'Band', options: [{ value: 'k5', label: 'K-5' }] },
    {
      key: 'focus',
      type: 'multi-choice',
      label: 'Focus',
      maxSelected: 1,
      options: [
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B' },
      ],
    },
    { key: 'plan', type: 'file', label: 'Plan' },
    {
      key: 'schools',
      type: 'group',
      label: 'Schools',
      repeatable: true,
      questions: [{ key: 'name', type: 'text', label: 'Name' }],
    },
  ],
};

describe('reading a posted section into answers', () => {
  it('turns every question type into its value type, and back', () => {
    const body = {
      summary: ' Hello ',
      students: '1,200',
      match: '$99.5',
      'start.year': '2027',
      'start.month': '7',
      'start.day': '1',
      band: 'k5',
      focus: 'a',
      plan: '6f1c2a52-3a0e-4c1b-9d7e-5a0c5f3e2b10',
      'schools.0.name': 'Lincoln',
      'schools.1.name': '',
      'schools.2.name': 'Adams',
    };
    const { answers, errors } = readSection(section, body);
    expect(errors).toEqual([]);
    expect(answers).toEqual({
      summary: 'Hello',
      students: 1200,
      match: '99.50',
      start: '2027-07-01',
      band: 'k5',
      focus: ['a'],
      plan: '6f1c2a52-3a0e-4c1b-9d7e-5a0c5f3e2b10',
      schools: [{ name: 'Lincoln' }, { name: 'Adams' }],
    });
    expect(readSection(section, sectionToBody(section, answers)).answers).toEqual(answers);
  });

  it('reports malformed and out-of-range answers by field, and leaves empty ones out', () => {
    const { answers, errors } = readSection(section, {
      summary: 'far too long a summary',
      students: '0',
      match: '100.01',
      'start.year': '2027',
      'start.month': '2',
      'start.day': '30',
      band: 'other',
      focus: ['a', 'b'],
    });
    expect(errors.map((e) => [e.field, e.problem])).toEqual([
      ['summary', 'tooLong'],
      ['students', 'tooSmall'],
      ['match', 'tooBig'],
      ['start', 'date'],
      ['band', 'option'],
      ['focus', 'tooMany'],
    ]);
    expect(answers).not.toHaveProperty('start');
    expect(readSection(section, { students: '2.5' }).errors[0].problem).toBe('integer');
    expect(readSection(section, { match: '12.345' }).errors[0].problem).toBe('money');
    expect(readSection(section, {}).answers).toEqual({});
  });

  it('names the questions whose answers differ', () => {
    const changed = changedQuestions(
      section,
      { summary: 'a', band: 'k5' },
      { summary: 'b', band: 'k5' },
    );
    expect(changed.map((q) => q.key)).toEqual(['summary']);
  });
});
