import { PaymentCutoff, PaymentWindow, paymentWindowFor } from '../payment-schedule';

function monthBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) - 1;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * The most recent request window whose cut-off has passed by `today` (agency dates): the one a
 * batch built today pays. The window containing today (or the next one) is still open.
 */
export function lastClosedWindow(today: string, cutoff: PaymentCutoff): PaymentWindow {
  const open = paymentWindowFor(today, cutoff);
  return paymentWindowFor(monthBefore(open.windowStart), cutoff);
}
