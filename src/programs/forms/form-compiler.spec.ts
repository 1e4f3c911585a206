import { AnswerValidator, fileAnswers } from './answer-validator';
import { checkFormDefinition, compileFormSchema } from './form-compiler';
import { FormDefinition } from './form-definition';

const form: FormDefinition = {
  sections: [
    {
      key: 'narrative',
      title: 'Narrative',
      questions: [
        { key: 'summary', type: 'text', label: 'Summary', required: true, maxLength: 50 },
        { key: 'students', type: 'number', label: 'Students served', integer: true, minimum: 0 },
        { key: 'match', type: 'money', label: 'Local match', maximum: '5000.00' },
        { key: 'startDate', type: 'date', label: 'Start date' },
        {
          key: 'gradeBand',
          type: 'choice',
          label: 'Grade band',
          required: true,
          options: [
            { value: 'elementary', label: 'Elementary' },
            { value: 'secondary', label: 'Secondary' },
          ],
        },
        {
          key: 'focus',
          type: 'multi-choice',
          label: 'Focus areas',
          options: [
            { value: 'literacy', label: 'Literacy' },
            { value: 'math', label: 'Math' },
          ],
          maxSelected: 2,
        },
        { key: 'logicModel', type: 'file', label: 'Logic model' },
      ],
    },
    {
      key: 'sites',
      title: 'Sites',
      questions: [
        {
          key: 'schools',
          type: 'group',
          label: 'Schools',
          repeatable: true,
          required: true,
          questions: [
            { key: 'name', type: 'text', label: 'School name', required: true },
            { key: 'enrollment', type: 'number', label: 'Enrollment', integer: true },
          ],
        },
      ],
    },
  ],
};

describe('form definitions', () => {
  it('accepts a form using every question type', () => {
    expect(checkFormDefinition(form)).toEqual([]);
  });

  it('names the bad part of a definition with a JSON Pointer', () => {
    const bad = {
      sections: [
        {
          key: 'a',
          title: 'A',
          questions: [
            { key: 'x', type: 'choice', label: 'X', options: [] },
            { key: 'x', type: 'text', label: 'Again' },
            { key: 'y', type: 'slider', label: 'Y' },
          ],
        },
      ],
    };
    const problems = checkFormDefinition(bad);
    expect(problems.map((p) => p.pointer)).toEqual(
      expect.arrayContaining([
        '/form/sections/0/questions/0/options',
        '/form/sections/0/questions/2/type',
      ]),
    );
  });

  it('refuses duplicate keys and inverted bounds', () => {
    const bad: FormDefinition = {
      sections: [
        {
          key: 'a',
          title: 'A',
          questions: [
            { key: 'x', type: 'text', label: 'X', minLength: 10, maxLength: 5 },
            { key: 'x', type: 'money', label: 'M', minimum: '10.00', maximum: '1.00' },
          ],
        },
      ],
    };
    expect(checkFormDefinition(bad)).toEqual([
      {
        pointer: '/form/sections/0/questions/1/key',
        detail: 'repeats the key of an earlier question',
      },
      { pointer: '/form/sections/0/questions/0/maxLength', detail: 'is less than the lower bound' },
      { pointer: '/form/sections/0/questions/1/maximum', detail: 'is less than the minimum' },
    ]);
  });
});

describe('answers against a compiled form', () => {
  const schema = compileFormSchema(form);
  const validator = new AnswerValidator();
  const check = (answers: unknown, mode: 'draft' | 'complete') =>
    validator.validate('p:1', schema, answers, mode);

  it('lets a draft be partial but not wrong', () => {
    expect(check({ narrative: { students: 10 } }, 'draft')).toEqual([]);
    expect(check({ narrative: { students: 'ten', match: '12.345' } }, 'draft')).toEqual([
      { pointer: '/answers/narrative/students', detail: 'must be integer' },
      { pointer: '/answers/narrative/match', detail: 'must be an amount like "1250.00"' },
    ]);
  });

  it('requires everything required when complete, pointing at what is missing', () => {
    expect(
      check({ narrative: { summary: 'Reading' }, sites: { schools: [{}] } }, 'complete'),
    ).toEqual([
      { pointer: '/answers/narrative/gradeBand', detail: 'is required' },
      { pointer: '/answers/sites/schools/0/name', detail: 'is required' },
    ]);
  });

  it('checks money bounds as decimals, choices, dates and unknown questions', () => {
    const problems = check(
      {
        narrative: { match: '5000.01', gradeBand: 'college', startDate: '2026-02-30', extra: 1 },
      },
      'draft',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: '/answers/narrative/match', detail: 'must be at most 5000.00' },
        {
          pointer: '/answers/narrative/gradeBand',
          detail: 'must be one of: elementary, secondary',
        },
        { pointer: '/answers/narrative/startDate', detail: 'must match format "date"' },
        { pointer: '/answers/narrative/extra', detail: 'is not a question of this form' },
      ]),
    );
    expect(check({ narrative: { match: '5000.00' } }, 'draft')).toEqual([]);
  });

  it('finds file answers anywhere in the answers', () => {
    const id = '6f1c2f0e-8d1b-4c59-9d55-3b0e2f0a9a11';
    expect(fileAnswers(form, { narrative: { logicModel: id } })).toEqual([
      { pointer: '/answers/narrative/logicModel', id },
    ]);
  });
});
