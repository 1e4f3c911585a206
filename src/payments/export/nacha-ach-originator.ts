import { Static, Type } from '@sinclair/typebox';
import { StrategyDeclaration, text } from '../../agencies/config-schema';
import { isRoutingNumber } from './routing-number';

/** NACHA fields are fixed-width: names are cut to width, identifiers must fit exactly. */
const plain = (width: number) =>
  text(new RegExp(`^[\\x20-\\x7e]{1,${width}}$`), `at most ${width} plain characters`);

/** Who originates the agency's ACH files: the file and batch headers of every NACHA file. */
export const AchOriginatorSchema = Type.Object(
  {
    immediateDestination: Type.String({
      pattern: '^\\d{9}$',
      format: 'aba-routing-number',
      errorMessage: 'must be a 9-digit routing number with a valid check digit',
      description:
        "The receiving point (the agency's bank or the Federal Reserve): 9-digit routing number.",
    }),
    immediateDestinationName: plain(23),
    immediateOrigin: text(/^(\d{10}| \d{9}|\d{9})$/, '9 or 10 digits', {
      description: '10 characters, usually "1" + the agency\'s 9-digit federal tax id.',
    }),
    immediateOriginName: plain(23),
    companyName: plain(16),
    companyIdentification: text(/^[0-9A-Za-z ]{10}$/, '10 letters or digits', {
      description: '10 characters, as assigned by the originating bank.',
    }),
    odfiIdentification: text(/^\d{8}$/, '8 digits, the start of the bank routing number', {
      description: "First 8 digits of the originating bank's routing number.",
    }),
  },
  { additionalProperties: false },
);

/** The originator fields, as validated in the agency's `finance.achOriginator`. */
export type AchOriginator = Static<typeof AchOriginatorSchema>;

/**
 * The NACHA strategy's options: what `nacha-ach` brings to an agency's file, checked at boot
 * with the rest of the file (`finance.achOriginator`, required when the agency pays by ACH).
 */
export const NACHA_ACH_OPTIONS = {
  options: { field: 'achOriginator' as const, schema: AchOriginatorSchema },
  formats: { 'aba-routing-number': isRoutingNumber },
} satisfies StrategyDeclaration;
