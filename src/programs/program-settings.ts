import { FieldProblem } from '../core/errors/domain-error';
import { ORGANIZATION_IDENTIFIERS, ORGANIZATION_TYPES } from '../organizations/organization-types';
import { createFormAjv, toFieldProblems } from './forms/form-ajv';
import { KEY_PATTERN } from './forms/form-definition';
import { normalizeAmount } from '../core/money/money';

/** Budget rules of a program: which codes, the indirect-cost cap, whether lines must total. */
export interface BudgetRules {
  /** Subset of the agency's configured codes; absent = all the agency allows. */
  allowedFunctionCodes?: string[];
  allowedObjectCodes?: string[];
  /** Indirect lines may total at most this percent of direct lines ("8.00"); absent = no cap. */
  indirectCostCapPercent?: string;
  /** The budget must total the amount requested (default true). */
  mustTotalRequested?: boolean;
}

export interface RubricCriterion {
  key: string;
  title: string;
  description?: string;
  /** Relative weight of the criterion in the weighted total (e.g. 2 counts twice). */
  weight: number;
  maxPoints: number;
}
export interface Rubric {
  criteria: RubricCriterion[];
  /** Default: the agency's review.reviewersPerApplication. */
  reviewersPerApplication?: number;
}

export interface Eligibility {
  /** Empty or absent = every type. */
  organizationTypes?: string[];
  requiredIdentifiers?: string[];
}

export interface RequiredAttachment {
  key: string;
  label: string;
  description?: string;
  /** Subset of the agency's allowed attachment types; absent = any of them. */
  allowedTypes?: string[];
}

const PERCENT = '^(100(\\.0{1,2})?|[0-9]{1,2}(\\.[0-9]{1,2})?)$';
const ajv = createFormAjv();

const budgetRules = ajv.compile<BudgetRules>({
  type: 'object',
  additionalProperties: false,
  properties: {
    allowedFunctionCodes: {
      type: 'array',
      uniqueItems: true,
      maxItems: 200,
      items: { type: 'string', pattern: '^[0-9]{4}$' },
    },
    allowedObjectCodes: {
      type: 'array',
      uniqueItems: true,
      maxItems: 200,
      items: { type: 'string', pattern: '^[0-9]{3}$' },
    },
    indirectCostCapPercent: { type: 'string', pattern: PERCENT },
    mustTotalRequested: { type: 'boolean' },
  },
});

const rubric = ajv.compile<Rubric>({
  type: 'object',
  additionalProperties: false,
  required: ['criteria'],
  properties: {
    criteria: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'title', 'weight', 'maxPoints'],
        properties: {
          key: { type: 'string', pattern: KEY_PATTERN },
          title: { type: 'string', minLength: 1, maxLength: 300 },
          description: { type: 'string', maxLength: 5000 },
          weight: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
          maxPoints: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      },
    },
    reviewersPerApplication: { type: 'integer', minimum: 1, maximum: 20 },
  },
});

const eligibility = ajv.compile<Eligibility>({
  type: 'object',
  additionalProperties: false,
  properties: {
    organizationTypes: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: [...ORGANIZATION_TYPES] },
    },
    requiredIdentifiers: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: [...ORGANIZATION_IDENTIFIERS] },
    },
  },
});

const requiredAttachments = ajv.compile<RequiredAttachment[]>({
  type: 'array',
  maxItems: 30,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'label'],
    properties: {
      key: { type: 'string', pattern: KEY_PATTERN },
      label: { type: 'string', minLength: 1, maxLength: 300 },
      description: { type: 'string', maxLength: 2000 },
      allowedTypes: {
        type: 'array',
        uniqueItems: true,
        minItems: 1,
        items: { type: 'string', minLength: 3, maxLength: 100 },
      },
    },
  },
});

const notIn = (
  values: string[] | undefined,
  allowed: readonly string[],
  at: string,
  what: string,
) =>
  (values ?? []).flatMap((v, i) =>
    allowed.includes(v)
      ? []
      : [{ pointer: `${at}/${i}`, detail: `${v} is not ${what} this agency allows` }],
  );

/** The agency settings these rules must fit within. */
export interface AgencyLimits {
  allowedFunctionCodes: string[];
  allowedObjectCodes: string[];
  allowedAttachmentTypes: string[];
}

export function checkBudgetRules(value: unknown, agency: AgencyLimits): FieldProblem[] {
  if (!budgetRules(value)) return toFieldProblems(budgetRules.errors, '/budgetRules');
  return [
    ...notIn(
      value.allowedFunctionCodes,
      agency.allowedFunctionCodes,
      '/budgetRules/allowedFunctionCodes',
      'a function code',
    ),
    ...notIn(
      value.allowedObjectCodes,
      agency.allowedObjectCodes,
      '/budgetRules/allowedObjectCodes',
      'an object code',
    ),
  ];
}

export function checkRubric(value: unknown): FieldProblem[] {
  if (!rubric(value)) return toFieldProblems(rubric.errors, '/rubric');
  const seen = new Set<string>();
  return value.criteria.flatMap((c, i) => {
    if (seen.has(c.key))
      return [{ pointer: `/rubric/criteria/${i}/key`, detail: 'repeats an earlier criterion' }];
    seen.add(c.key);
    return [];
  });
}

export function checkEligibility(value: unknown): FieldProblem[] {
  return eligibility(value) ? [] : toFieldProblems(eligibility.errors, '/eligibility');
}

export function checkRequiredAttachments(value: unknown, agency: AgencyLimits): FieldProblem[] {
  if (!requiredAttachments(value))
    return toFieldProblems(requiredAttachments.errors, '/requiredAttachments');
  const seen = new Set<string>();
  return value.flatMap((a, i) => {
    const problems = notIn(
      a.allowedTypes,
      agency.allowedAttachmentTypes,
      `/requiredAttachments/${i}/allowedTypes`,
      'a file type',
    );
    if (seen.has(a.key)) {
      problems.push({
        pointer: `/requiredAttachments/${i}/key`,
        detail: 'repeats an earlier attachment',
      });
    }
    seen.add(a.key);
    return problems;
  });
}

/** The budget rules with the agency's codes filled in where the program left them open. */
export function effectiveBudgetRules(
  rules: BudgetRules,
  agency: AgencyLimits,
): Required<Omit<BudgetRules, 'indirectCostCapPercent'>> &
  Pick<BudgetRules, 'indirectCostCapPercent'> {
  return {
    allowedFunctionCodes: rules.allowedFunctionCodes ?? agency.allowedFunctionCodes,
    allowedObjectCodes: rules.allowedObjectCodes ?? agency.allowedObjectCodes,
    indirectCostCapPercent: rules.indirectCostCapPercent,
    mustTotalRequested: rules.mustTotalRequested ?? true,
  };
}

export const money = (v: string | null | undefined) => (v == null ? null : normalizeAmount(v));
