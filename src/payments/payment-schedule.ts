/**
 * An agency's payment cut-off schedule: requests in a monthly window are paid in one batch by a
 * pay-by day. Missouri: requests from the 21st to the 1st are paid by the 21st (the window wraps
 * the month end). A request outside every window waits for the next one. Dates are the agency's
 * local calendar dates, "YYYY-MM-DD".
 */
export interface PaymentCutoff {
  requestWindowStartDay: number;
  requestWindowEndDay: number;
  payByDay: number;
}

export interface PaymentWindow {
  windowStart: string;
  windowEnd: string;
  payBy: string;
}

interface Ymd {
  y: number;
  m: number; // 1-12
  d: number;
}

const parse = (date: string): Ymd => {
  const [y, m, d] = date.split('-').map(Number);
  return { y, m, d };
};
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const addMonths = ({ y, m }: { y: number; m: number }, n: number) => {
  const index = y * 12 + (m - 1) + n;
  return { y: Math.floor(index / 12), m: (index % 12) + 1 };
};
/** A day that does not exist in a month (the 31st of April) means that month's last day. */
const at = (ym: { y: number; m: number }, day: number): string => {
  const d = Math.min(day, daysIn(ym.y, ym.m));
  return `${ym.y}-${String(ym.m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};

/** The window a request dated `date` falls in (or the next one), and when it is paid by. */
export function paymentWindowFor(date: string, cutoff: PaymentCutoff): PaymentWindow {
  const wraps = cutoff.requestWindowEndDay < cutoff.requestWindowStartDay;
  const today = parse(date);
  // Windows starting last month, this month and next month cover every case.
  for (const offset of [-1, 0, 1]) {
    const startMonth = addMonths(today, offset);
    const endMonth = wraps ? addMonths(startMonth, 1) : startMonth;
    const windowStart = at(startMonth, cutoff.requestWindowStartDay);
    const windowEnd = at(endMonth, cutoff.requestWindowEndDay);
    if (date > windowEnd) continue;
    // In the window, or in the gap before it: either way this is the batch that pays it.
    let payMonth = endMonth;
    if (at(payMonth, cutoff.payByDay) <= windowEnd) payMonth = addMonths(payMonth, 1);
    return { windowStart, windowEnd, payBy: at(payMonth, cutoff.payByDay) };
  }
  throw new Error(`no payment window found for ${date}`);
}
