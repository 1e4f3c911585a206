import { MONEY_PATTERN } from '../../core/money/money';

/**
 * The application form a program officer designs: sections of questions. It compiles to JSON
 * Schema (see form-compiler.ts), and answers are an object of sections of answers:
 * `{ "<sectionKey>": { "<questionKey>": <value> } }`.
 *
 * Values by type: text -> string; number -> JSON number; money -> decimal string ("1250.00");
 * date -> "YYYY-MM-DD"; choice -> one option value; multi-choice -> array of option values;
 * file -> the id (uuid) of an attachment uploaded to the application; group -> an object of
 * answers, or an array of them when `repeatable`.
 */
export type QuestionType =
  'text' | 'number' | 'money' | 'date' | 'choice' | 'multi-choice' | 'file' | 'group';

export interface ChoiceOption {
  value: string;
  label: string;
}

interface QuestionBase {
  key: string;
  label: string;
  help?: string;
  required?: boolean;
}

export interface TextQuestion extends QuestionBase {
  type: 'text';
  multiline?: boolean;
  minLength?: number;
  maxLength?: number;
}
export interface NumberQuestion extends QuestionBase {
  type: 'number';
  integer?: boolean;
  minimum?: number;
  maximum?: number;
}
export interface MoneyQuestion extends QuestionBase {
  type: 'money';
  minimum?: string;
  maximum?: string;
}
export interface DateQuestion extends QuestionBase {
  type: 'date';
}
export interface ChoiceQuestion extends QuestionBase {
  type: 'choice';
  options: ChoiceOption[];
}
export interface MultiChoiceQuestion extends QuestionBase {
  type: 'multi-choice';
  options: ChoiceOption[];
  minSelected?: number;
  maxSelected?: number;
}
export interface FileQuestion extends QuestionBase {
  type: 'file';
}
export type LeafQuestion =
  | TextQuestion
  | NumberQuestion
  | MoneyQuestion
  | DateQuestion
  | ChoiceQuestion
  | MultiChoiceQuestion
  | FileQuestion;

export interface GroupQuestion extends QuestionBase {
  type: 'group';
  /** Repeatable groups are lists (e.g. one entry per school site). */
  repeatable?: boolean;
  minItems?: number;
  maxItems?: number;
  questions: LeafQuestion[];
}
export type Question = LeafQuestion | GroupQuestion;

export interface FormSection {
  key: string;
  title: string;
  description?: string;
  questions: Question[];
}

export interface FormDefinition {
  sections: FormSection[];
}

export const KEY_PATTERN = '^[a-z][A-Za-z0-9_]{0,63}$';

const base = {
  key: { type: 'string', pattern: KEY_PATTERN },
  label: { type: 'string', minLength: 1, maxLength: 500 },
  help: { type: 'string', maxLength: 2000 },
  required: { type: 'boolean' },
};
const options = {
  type: 'array',
  minItems: 1,
  maxItems: 200,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['value', 'label'],
    properties: {
      value: { type: 'string', minLength: 1, maxLength: 100 },
      label: { type: 'string', minLength: 1, maxLength: 500 },
    },
  },
};
const count = { type: 'integer', minimum: 0, maximum: 1000 };
const leaf = (type: string, extra: Record<string, unknown> = {}, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: ['key', 'type', 'label', ...required],
  properties: { ...base, type: { const: type }, ...extra },
});
const leafQuestions = [
  leaf('text', {
    multiline: { type: 'boolean' },
    minLength: count,
    maxLength: { type: 'integer', minimum: 1, maximum: 100000 },
  }),
  leaf('number', {
    integer: { type: 'boolean' },
    minimum: { type: 'number' },
    maximum: { type: 'number' },
  }),
  leaf('money', {
    minimum: { type: 'string', pattern: MONEY_PATTERN },
    maximum: { type: 'string', pattern: MONEY_PATTERN },
  }),
  leaf('date'),
  leaf('choice', { options }, ['options']),
  leaf('multi-choice', { options, minSelected: count, maxSelected: count }, ['options']),
  leaf('file'),
];

/** JSON Schema of the form-definition format itself: a program's form is checked on save. */
export const FORM_DEFINITION_SCHEMA = {
  $id: 'urn:grant-commons:form-definition',
  type: 'object',
  additionalProperties: false,
  required: ['sections'],
  properties: {
    sections: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'title', 'questions'],
        properties: {
          key: { type: 'string', pattern: KEY_PATTERN },
          title: { type: 'string', minLength: 1, maxLength: 300 },
          description: { type: 'string', maxLength: 5000 },
          questions: {
            type: 'array',
            minItems: 1,
            maxItems: 200,
            items: { $ref: '#/$defs/question' },
          },
        },
      },
    },
  },
  $defs: {
    leafQuestion: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: leafQuestions,
    },
    question: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        ...leafQuestions,
        leaf(
          'group',
          {
            repeatable: { type: 'boolean' },
            minItems: count,
            maxItems: { type: 'integer', minimum: 1, maximum: 1000 },
            questions: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: { $ref: '#/$defs/leafQuestion' },
            },
          },
          ['questions'],
        ),
      ],
    },
  },
} as const;
