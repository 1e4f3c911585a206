import { renderNotice } from './render-notice';
import { dollars, TEMPLATE_NAMES, TemplateName } from './notification-templates';
import { TEMPLATES_ES } from './notification-templates-es';
import { zonedInstant } from './notice-dates';

const agency = {
  name: 'Missouri Department of Elementary and Secondary Education',
  branding: {
    displayName: 'Missouri DESE Grants',
    primaryColor: '#003B71',
    emailFooter: 'Missouri DESE, Jefferson City, MO',
  },
  notifications: { senderName: 'Missouri DESE Grants', senderEmail: 'grants@dese.mo.example' },
};

describe('renderNotice', () => {
  it('escapes every value in the HTML body and keeps the text body verbatim', () => {
    const notice = renderNotice(
      'application.returned',
      {
        programTitle: 'Title I <Part A>',
        applicationRef: 'APP-7',
        reason: 'Budget "line 3" & totals',
      },
      agency,
      { recipientName: 'Ana <script>' },
    );
    expect(notice.html).toContain('Title I &lt;Part A&gt;');
    expect(notice.html).toContain('Budget &quot;line 3&quot; &amp; totals');
    expect(notice.html).toContain('Hello Ana &lt;script&gt;,');
    expect(notice.html).not.toContain('<script>');
    expect(notice.text).toContain('Reason: Budget "line 3" & totals');
    expect(notice.text).toContain('Missouri DESE, Jefferson City, MO');
    expect(notice.html).toContain('border-top:6px solid #003B71');
  });

  it('words an invitation for staff or an organization, escaping the name and the link', () => {
    const link = 'https://grants.example/accept-invitation#token=a"b<c>';
    const toOrganization = renderNotice(
      'invitation',
      { organizationName: 'Springfield R-XII <& Co>', validDays: 7 },
      agency,
      { link },
    );
    expect(toOrganization.subject).toBe('Your invitation to Grant Commons');
    expect(toOrganization.text).toContain(
      'grant applications for Springfield R-XII <& Co> in Grant Commons.',
    );
    expect(toOrganization.text).toContain('The link works once, for 7 days');
    expect(toOrganization.text).toContain(`Open it in Grant Commons: ${link}`);
    expect(toOrganization.html).toContain('Springfield R-XII &lt;&amp; Co&gt;');
    expect(toOrganization.html).toContain(
      'href="https://grants.example/accept-invitation#token=a&quot;b&lt;c&gt;"',
    );
    const toStaff = renderNotice('invitation', { validDays: 7 }, agency);
    expect(toStaff.body).toContain("join the agency's grants staff");
    expect(toStaff.html).toContain('join the agency&#39;s grants staff');
  });

  it("applies an agency's override of subject, text and html with placeholders", () => {
    const notice = renderNotice(
      'payment.paid',
      { awardRef: 'AW-1', requestRef: 'PR-2', amount: '1250.00', paidOn: 'July 3, 2026' },
      {
        ...agency,
        notifications: {
          ...agency.notifications,
          templateOverrides: {
            'payment.paid': {
              subject: '{{agencyName}}: {{requestRef}} paid',
              text: 'Paid {{amount}} on {{paidOn}}. {{unknown}}',
              html: '<p>Paid <b>{{requestRef}}</b> {{missing}}</p>',
            },
          },
        },
      },
    );
    expect(notice.subject).toBe('Missouri DESE Grants: PR-2 paid');
    expect(notice.body).toBe('Paid 1250.00 on July 3, 2026.');
    expect(notice.html).toContain('<p>Paid <b>PR-2</b> </p>');
  });

  it('renders every template with a subject and a body', () => {
    const sample: Record<string, unknown> = {
      programTitle: 'P',
      applicationRef: 'A',
      organizationName: 'O',
      submittedAt: 'now',
      reason: 'r',
      decision: 'approved',
      awardRef: 'W',
      amount: '1.00',
      requestRef: 'R',
      paidOn: 'd',
      closesAt: 'c',
      daysLeft: 7,
      version: 2,
      status: 'approved',
      approvalsRequired: 2,
      batchRef: 'B',
      payBy: 'p',
      count: 3,
      total: '3.00',
      unspent: '1.00',
      refundDue: '0.00',
      carryover: '1.00',
      expenditures: '2.00',
      validDays: 7,
      role: 'finance_officer',
      change: 'requested',
      email: 'pat@example.org',
      payeeName: 'P',
      accountNumber: '****1234',
    };
    for (const name of TEMPLATE_NAMES) {
      const notice = renderNotice(name, sample as never, agency);
      expect(notice.subject.length).toBeGreaterThan(3);
      expect(notice.body.length).toBeGreaterThan(3);
    }
    expect(TEMPLATE_NAMES).toHaveLength(26);
  });
});

describe('renderNotice in the recipient’s language', () => {
  it('writes a notice with a Spanish version in Spanish, frame and link included', () => {
    const notice = renderNotice('account.reset_password', { validMinutes: 60 }, agency, {
      recipientName: 'Ana',
      link: 'https://grants.example/reset-password?token=abc',
      locale: 'es',
    });
    expect(notice.subject).toBe('Restablezca su contraseña de Grant Commons');
    expect(notice.text).toMatch(/^Hola, Ana:/);
    expect(notice.text).toContain('durante 60 minutos');
    expect(notice.text).toContain('Ábralo en Grant Commons: https://grants.example/reset-password');
    expect(notice.html).toContain('<html lang="es">');
  });

  it('falls back to English for a notice not yet written in Spanish (agency staff only)', () => {
    const notice = renderNotice(
      'staff.role_changed',
      { role: 'reviewer', change: 'granted' },
      agency,
      { locale: 'es' },
    );
    expect(notice.subject).toBe('Your reviewer role: granted');
    expect(notice.text).toMatch(/^Hello,/);
    expect(notice.html).toContain('<html lang="en">');
  });

  it('has every notice a district receives in Spanish', () => {
    const district: TemplateName[] = [
      'application.submitted.applicant',
      'application.returned',
      'decision.released',
      'award.offered',
      'award.accepted',
      'award.amended',
      'budget.revision',
      'payment.submitted',
      'payment.approved',
      'payment.rejected',
      'payment.paid',
      'award.closed',
      'payee.change',
      'membership.invited',
      'deadline.reminder',
      'document.expiring',
      'invitation',
    ];
    expect(district.filter((name) => !TEMPLATES_ES[name])).toEqual([]);
    const paid = renderNotice(
      'payment.paid',
      { awardRef: 'AW-1', requestRef: 'PR-1', amount: '1250.5', paidOn: '1 May 2027' },
      agency,
      { locale: 'es' },
    );
    expect(paid.subject).toBe('Solicitud de pago PR-1 pagada');
    expect(paid.body).toBe(
      'La solicitud de pago PR-1 de $1,250.50 de la subvención AW-1 se pagó el 1 May 2027.',
    );
    const reminder = renderNotice(
      'deadline.reminder',
      { programTitle: 'Title I', closesAt: '1 May 2027', daysLeft: 1 },
      agency,
      { locale: 'es' },
    );
    expect(reminder.subject).toBe('Queda 1 día para solicitar: Title I');
  });
});

describe('dates in notices, worded in the reader’s language', () => {
  // 23:30 in Chicago on 31 March is already 1 April in UTC: the agency's zone decides the day.
  const closesAt = zonedInstant(new Date('2026-04-01T04:30:00Z'), 'America/Chicago');
  const reminder = { programTitle: 'Title I', closesAt, daysLeft: 3 };

  it('words an instant in the agency’s zone, in English or in Spanish', () => {
    expect(renderNotice('deadline.reminder', reminder, agency).text).toContain(
      'closes on March 31, 2026 at 11:30 PM CDT.',
    );
    const spanish = renderNotice('deadline.reminder', reminder, agency, { locale: 'es' });
    expect(spanish.text).toContain('cierra el 31 de marzo de 2026');
    expect(spanish.text).not.toMatch(/March|PM/);
  });

  it('words a calendar date without moving it a day, and keeps text stored before as it is', () => {
    const paid = { awardRef: 'AW-1', requestRef: 'PR-1', amount: '10.00', paidOn: '2026-12-01' };
    expect(renderNotice('payment.paid', paid, agency).text).toContain(
      'was paid on December 1, 2026.',
    );
    expect(renderNotice('payment.paid', paid, agency, { locale: 'es' }).text).toContain(
      'se pagó el 1 de diciembre de 2026.',
    );
    const stored = { ...reminder, closesAt: 'March 31, 2026 at 11:30 PM CDT' };
    expect(renderNotice('deadline.reminder', stored, agency).text).toContain(
      'closes on March 31, 2026 at 11:30 PM CDT.',
    );
  });

  it('gives an agency’s English override the instant in words, not an object', () => {
    const withOverride = {
      ...agency,
      notifications: {
        ...agency.notifications,
        templateOverrides: { 'deadline.reminder': { text: 'Closes {{closesAt}}.' } },
      },
    };
    expect(renderNotice('deadline.reminder', reminder, withOverride).body).toBe(
      'Closes March 31, 2026 at 11:30 PM CDT.',
    );
  });
});

describe('dollars', () => {
  it('formats decimal strings with grouping and cents, without floats', () => {
    expect(dollars('1250.5')).toBe('$1,250.50');
    expect(dollars('1234567.89')).toBe('$1,234,567.89');
    expect(dollars('0')).toBe('$0.00');
    expect(dollars('not money')).toBe('not money');
  });
});
