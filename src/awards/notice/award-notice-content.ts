import { dollars } from '../../notifications/templates/notification-templates';
import { Award } from '../entities/award.entity';
import { AwardVersion } from '../entities/award-version.entity';
import { PdfLine } from './pdf-writer';

/**
 * The text of an award notice: the subaward data 2 CFR 200.332(b)(1) requires, the budget of
 * this version and the acceptance terms.
 */
export function awardNoticeLines(
  award: Award,
  version: AwardVersion,
  agencyName: string,
): PdfLine[] {
  const field = (label: string, value: string | number | null) => ({
    text: `${label}: ${value ?? 'not applicable'}`,
  });
  const action =
    version.version === 1
      ? 'Original award'
      : `Amendment ${version.version - 1} (${version.action})`;
  return [
    { text: agencyName, size: 12, bold: true },
    { text: 'Notice of Subaward', size: 18, bold: true, gapBefore: 6 },
    { text: `Award ${award.reference} - version ${version.version}: ${action}`, gapBefore: 4 },
    { text: 'Subaward data (2 CFR 200.332(b)(1))', size: 12, bold: true, gapBefore: 14 },
    field('Subrecipient name', award.subrecipientName),
    field('Subrecipient UEI', award.subrecipientUei),
    field('Federal Award Identification Number (FAIN)', award.fain),
    field('Federal award date', award.federalAwardDate),
    field(
      'Assistance Listing',
      [award.assistanceListingNumber, award.assistanceListingTitle].filter(Boolean).join(' ') ||
        null,
    ),
    field('Program', award.programTitle),
    field('Fiscal year', award.fiscalYear),
    field('Period of performance', `${version.performanceStart} to ${version.performanceEnd}`),
    field('Amount obligated by this action', dollars(version.amountThisAction)),
    field('Total amount obligated', dollars(version.amount)),
    { text: 'Approved budget (function x object code)', size: 12, bold: true, gapBefore: 14 },
    ...version.budget.map((line) => ({
      text: `${line.functionCode} x ${line.objectCode}  ${dollars(line.amount)}  ${line.description}`.trimEnd(),
    })),
    ...(version.reason
      ? [{ text: `Reason for this action: ${version.reason}`, gapBefore: 10 }]
      : []),
    { text: 'Terms', size: 12, bold: true, gapBefore: 14 },
    {
      text: 'This subaward is subject to 2 CFR 200 and the terms of the program. Costs must be incurred within the period of performance. The subrecipient accepts the award through its authorized representative in Grant Commons.',
    },
  ];
}
