/** The demo's program content: a form with several question types, a rubric, a budget. */
export const DEMO_FORM = {
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
      ],
    },
  ],
};

export const DEMO_ANSWERS = {
  narrative: {
    summary: 'A summer literacy academy for grades K-3 at two elementary schools.',
    studentsServed: 240,
    localMatch: '5000.00',
    startDate: '2027-06-14',
    gradeBand: 'elementary',
  },
};

export const DEMO_BUDGET = {
  amountRequested: '100000.00',
  lines: [
    { functionCode: '1000', objectCode: '100', description: 'Summer teachers', amount: '60000.00' },
    { functionCode: '1000', objectCode: '200', description: 'Benefits', amount: '15000.00' },
    {
      functionCode: '1000',
      objectCode: '600',
      description: 'Books and supplies',
      amount: '25000.00',
    },
  ],
};

/** When a demo program takes applications and when its funded work runs. */
export interface DemoProgramTimes {
  /** The agency's wall-clock time (YYYY-MM-DDTHH:MM), as a program officer enters it. */
  opensAt: string;
  closesAt: string;
  /** Period of performance, agency dates (YYYY-MM-DD). */
  performanceStart: string;
  performanceEnd: string;
}

/** A complete, publishable program with the given window and period of performance. */
export function demoProgram(code: string, title: string, times: DemoProgramTimes) {
  return {
    code,
    title,
    description: `${title}: competitive grants for school districts (demo).`,
    kind: 'competitive',
    fundingSource: 'federal',
    assistanceListingNumber: '84.010',
    assistanceListingTitle: 'Title I Grants to Local Educational Agencies',
    fain: 'S010A260025',
    fiscalYear: Number(times.performanceStart.slice(0, 4)),
    fundsAvailable: '1500000.00',
    awardFloor: '10000.00',
    awardCeiling: '250000.00',
    performanceStart: times.performanceStart,
    performanceEnd: times.performanceEnd,
    opensAt: times.opensAt,
    closesAt: times.closesAt,
    eligibility: { organizationTypes: ['lea', 'charter'], requiredIdentifiers: ['ncesLeaId'] },
    form: DEMO_FORM,
    requiredAttachments: [],
    budgetRules: { allowedFunctionCodes: ['1000', '2100', '2200'], mustTotalRequested: true },
    rubric: {
      criteria: [
        { key: 'need', title: 'Need for the project', weight: 2, maxPoints: 20 },
        { key: 'design', title: 'Quality of the design', weight: 3, maxPoints: 30 },
        { key: 'budget', title: 'Budget and cost effectiveness', weight: 1, maxPoints: 10 },
      ],
      reviewersPerApplication: 1,
    },
  };
}
