import type { FormDefinition } from '../../src/programs/forms/form-definition';

/**
 * The shapes every generated program shares: the application form, rubric, budget rules and
 * eligibility. They follow the standard program the tests build (test/factories/grants.ts),
 * without required attachments (the seed writes no files to storage).
 */
export const BENCH_FORM: FormDefinition = {
  sections: [
    {
      key: 'narrative',
      title: 'Project narrative',
      questions: [
        {
          key: 'summary',
          type: 'text',
          label: 'Project summary',
          required: true,
          multiline: true,
          maxLength: 5000,
        },
        {
          key: 'studentsServed',
          type: 'number',
          label: 'Students served',
          required: true,
          integer: true,
          minimum: 1,
        },
        { key: 'localMatch', type: 'money', label: 'Local match', maximum: '1000000.00' },
        { key: 'startDate', type: 'date', label: 'Planned start date', required: true },
        {
          key: 'gradeBand',
          type: 'choice',
          label: 'Grade band',
          required: true,
          options: [
            { value: 'elementary', label: 'Elementary' },
            { value: 'middle', label: 'Middle' },
            { value: 'high', label: 'High' },
          ],
        },
        {
          key: 'focusAreas',
          type: 'multi-choice',
          label: 'Focus areas',
          options: [
            { value: 'literacy', label: 'Literacy' },
            { value: 'math', label: 'Mathematics' },
            { value: 'attendance', label: 'Attendance' },
          ],
          minSelected: 1,
        },
      ],
    },
    {
      key: 'sites',
      title: 'School sites',
      questions: [
        {
          key: 'schools',
          type: 'group',
          label: 'Schools served',
          repeatable: true,
          required: true,
          minItems: 1,
          questions: [
            { key: 'name', type: 'text', label: 'School name', required: true },
            { key: 'enrollment', type: 'number', label: 'Enrollment', integer: true, minimum: 0 },
          ],
        },
      ],
    },
  ],
};

/** SQL for complete answers to BENCH_FORM; `g` is a per-row integer, for variety. */
export const COMPLETE_ANSWERS_SQL = (g: string) => `jsonb_build_object(
  'narrative', jsonb_build_object(
    'summary', 'Extended-day literacy and mathematics support for students in grades K-8, project ' || ${g},
    'studentsServed', 40 + (${g} % 900),
    'localMatch', ((${g} % 50) * 100)::text || '.00',
    'startDate', '2026-07-01',
    'gradeBand', (ARRAY['elementary', 'middle', 'high'])[1 + (${g} % 3)],
    'focusAreas', CASE WHEN ${g} % 2 = 0 THEN '["literacy"]'::jsonb ELSE '["literacy", "math"]'::jsonb END),
  'sites', jsonb_build_object('schools', jsonb_build_array(
    jsonb_build_object('name', 'Lincoln Elementary', 'enrollment', 200 + (${g} % 400)),
    jsonb_build_object('name', 'Washington Middle', 'enrollment', 300 + (${g} % 500)))))`;

export const BENCH_RUBRIC = {
  criteria: [
    { key: 'need', title: 'Need for the project', weight: 2, maxPoints: 20 },
    { key: 'design', title: 'Quality of the design', weight: 3, maxPoints: 30 },
    { key: 'budget', title: 'Budget and cost effectiveness', weight: 1, maxPoints: 10 },
  ],
  reviewersPerApplication: 2,
};

export const BUDGET_RULES = {
  allowedFunctionCodes: ['1000', '2100', '2200'],
  mustTotalRequested: true,
  indirectCostCapPercent: '8.00',
};

export const ELIGIBILITY = {
  organizationTypes: ['lea', 'charter'],
  requiredIdentifiers: ['ncesLeaId'],
};

/** Three budget lines (position, function, object, description, share of the request). */
export const BUDGET_LINES_SQL = `(VALUES
  (0, '1000', '100', 'Extended-day teachers'),
  (1, '1000', '200', 'Benefits'),
  (2, '2200', '600', 'Books and supplies')) AS l(pos, fc, oc, descr)`;

/** Amount of budget line `pos` of a request `amount`: 60% / 25% / the rest, so lines total. */
export const LINE_AMOUNT_SQL = (amount: string, pos: string) => `CASE ${pos}
  WHEN 0 THEN round(${amount} * 0.60, 2)
  WHEN 1 THEN round(${amount} * 0.25, 2)
  ELSE ${amount} - round(${amount} * 0.60, 2) - round(${amount} * 0.25, 2) END`;

/** The rubric's weighted total (0-100) from points need/design/budget, as panel-scoring computes it. */
export const WEIGHTED_TOTAL_SQL = (points: string) =>
  `round(((((${points}->>'need')::numeric / 20) * 2 + ((${points}->>'design')::numeric / 30) * 3 + ((${points}->>'budget')::numeric / 10) * 1) / 6) * 100, 4)`;

export const SCORES_SQL = (seed: string) => `jsonb_build_object(
  'need', 8 + (${seed} % 13), 'design', 12 + (${seed} % 19), 'budget', 4 + (${seed} % 7))`;

export const COMMENTS_SQL = `'{"need": "Clear evidence of need.", "design": "Sound design with measurable goals.", "budget": "Reasonable costs."}'::jsonb`;
