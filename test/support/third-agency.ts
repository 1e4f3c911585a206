import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './test-app';

export const SHIPPED_AGENCIES = join(REPO_ROOT, 'config', 'agencies');

/** A config directory holding the shipped agencies plus the given extra files. */
export function agencyConfigDir(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gc-agency-config-'));
  for (const code of ['mo-dese', 'ks-ksde']) {
    copyFileSync(join(SHIPPED_AGENCIES, `${code}.yaml`), join(dir, `${code}.yaml`));
  }
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

/**
 * Iowa: a third jurisdiction written only as data (Missouri's file with another identity, a
 * higher dual-approval threshold and advances instead of reimbursements). Tests only: the
 * repository ships the two agencies its demo and front page are about.
 */
export const IOWA = readFileSync(join(SHIPPED_AGENCIES, 'mo-dese.yaml'), 'utf8')
  .replace(/^# .*\n# .*\n/, '# Iowa Department of Education (test agency).\n')
  .replace('code: mo-dese', 'code: ia-doe')
  .replace(/^name: .*$/m, 'name: Iowa Department of Education')
  .replace('jurisdiction: Missouri', 'jurisdiction: Iowa')
  .replace('displayName: Missouri DESE Grants', 'displayName: Iowa Grants Portal')
  .replace(/dualApprovalThreshold: ["']25000\.00["']/, 'dualApprovalThreshold: "50000.00"')
  .replace('paymentModels: [reimbursement]', 'paymentModels: [advance]');
