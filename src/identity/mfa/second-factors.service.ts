import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { FieldCipher } from '../../core/crypto/field-cipher';
import { entitySql, sql, sqlRows, sqlRun } from '../../core/database/sql-statement';
import { LoginThrottle } from '../auth/login-throttle';
import { MfaFactor } from '../entities/mfa-factor.entity';
import {
  MfaCodeInvalidError,
  MfaEnrolmentNotStartedError,
  MfaLockedError,
  MfaNotEnrolledError,
} from '../identity.errors';
import {
  looksLikeRecoveryCode,
  newRecoveryCodes,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from './recovery-codes';
import { newTotpSecret, totpQrSvg, totpStepOf, totpUri } from './totp';

/** The name authenticator apps show beside the account. */
const TOTP_ISSUER = 'Grant Commons';
/** A pending enrolment is shown again (same secret) for this long, so a reload does not break a scan. */
const PENDING_REUSE_MINUTES = 10;

const CONFIRMED_FACTOR = entitySql(
  'identity.mfa-factor-confirmed-lock',
  MfaFactor,
  'f',
  `SELECT {columns} FROM mfa_factors f
    WHERE f.user_id = $1 AND f.confirmed_at IS NOT NULL FOR UPDATE`,
  { pick: ['id', 'secretSealed', 'lastUsedStep'] },
);

const PENDING_FACTOR = entitySql(
  'identity.mfa-factor-pending-lock',
  MfaFactor,
  'f',
  `SELECT {columns} FROM mfa_factors f
    WHERE f.user_id = $1 AND f.confirmed_at IS NULL
      AND f.created_at > now() - make_interval(mins => $2)
    ORDER BY f.created_at DESC LIMIT 1 FOR UPDATE`,
  { pick: ['id', 'secretSealed'] },
);

const ENROLMENT_STATE = sql<{ enrolled: boolean; recoveryCodesLeft: number }>(
  'identity.mfa-enrolment-state',
  `SELECT EXISTS (SELECT 1 FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
            AS enrolled,
          (SELECT count(*)::int FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL)
            AS "recoveryCodesLeft"`,
);

const DELETE_PENDING = sql(
  'identity.mfa-factor-delete-pending',
  `DELETE FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NULL`,
);

const INSERT_PENDING = sql(
  'identity.mfa-factor-insert-pending',
  `INSERT INTO mfa_factors (id, user_id, kind, secret_sealed) VALUES ($1, $2, 'totp', $3)`,
);

const DELETE_CONFIRMED_OTHERS = sql(
  'identity.mfa-factor-delete-confirmed-others',
  `DELETE FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL AND id <> $2`,
);

const CONFIRM = sql(
  'identity.mfa-factor-confirm',
  `UPDATE mfa_factors SET confirmed_at = now(), last_used_step = $2 WHERE id = $1`,
);

const USE_STEP = sql(
  'identity.mfa-factor-use-step',
  `UPDATE mfa_factors SET last_used_step = $2
    WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2)`,
);

const DELETE_RECOVERY_CODES = sql(
  'identity.mfa-recovery-codes-delete',
  `DELETE FROM mfa_recovery_codes WHERE user_id = $1`,
);

const INSERT_RECOVERY_CODES = sql(
  'identity.mfa-recovery-codes-insert',
  `INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`,
);

const USE_RECOVERY_CODE = sql<{ left: number }>(
  'identity.mfa-recovery-code-use',
  `WITH used AS (
     UPDATE mfa_recovery_codes SET used_at = now()
      WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
     RETURNING id)
   SELECT (SELECT count(*)::int FROM mfa_recovery_codes
            WHERE user_id = $1 AND used_at IS NULL) - 1 AS left
     FROM used`,
);

const DELETE_FACTORS = sql(
  'identity.mfa-factors-delete',
  `DELETE FROM mfa_factors WHERE user_id = $1`,
);

export interface EnrolmentStart {
  /** Base32, shown as text for people who cannot scan. */
  secret: string;
  otpauthUri: string;
  /** The QR code of otpauthUri as inline SVG. */
  qrCodeSvg: string;
}

export type SecondFactorMethod = 'otp' | 'recovery';

/**
 * TOTP factors and recovery codes. Checking a code is throttled like a password (the same
 * progressive delay, keyed per person), each attempt counted before it is checked and in a
 * transaction of its own, so a failed attempt counts even though the request then fails.
 */
@Injectable()
export class SecondFactors {
  private readonly cipher: FieldCipher;
  private readonly codeKey: Buffer;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = new FieldCipher(config.mfaEncryptionKey);
    // A key of its own for the recovery-code hashes, derived so one setting serves both.
    this.codeKey = createHash('sha256')
      .update('grant-commons recovery codes\0')
      .update(Buffer.from(config.mfaEncryptionKey, 'base64'))
      .digest();
  }

  async state(userId: string): Promise<{ enrolled: boolean; recoveryCodesLeft: number }> {
    const [row] = await sqlRows(this.txHost.tx, ENROLMENT_STATE, [userId]);
    return row;
  }

  /**
   * A new secret waiting for its first code (the person's current factor, if any, keeps working
   * until then): a pending one from the last few minutes is shown again rather than replaced.
   */
  async beginEnrolment(user: { id: string; email: string }): Promise<EnrolmentStart> {
    return this.txHost.withTransaction(async () => {
      const [pending] = await sqlRows(this.txHost.tx, PENDING_FACTOR, [
        user.id,
        PENDING_REUSE_MINUTES,
      ]);
      let secret: string;
      if (pending) {
        secret = this.cipher.open(pending.secretSealed, sealContext(user.id, pending.id));
      } else {
        await sqlRun(this.txHost.tx, DELETE_PENDING, [user.id]);
        const id = randomUUID();
        secret = newTotpSecret();
        await sqlRows(this.txHost.tx, INSERT_PENDING, [
          id,
          user.id,
          this.cipher.seal(secret, sealContext(user.id, id)),
        ]);
      }
      const otpauthUri = totpUri(secret, user.email, TOTP_ISSUER);
      return { secret, otpauthUri, qrCodeSvg: await totpQrSvg(otpauthUri) };
    });
  }

  /**
   * The pending factor's first code: it becomes the person's factor (replacing an earlier one)
   * with ten new recovery codes, returned once and stored only as hashes.
   */
  async confirmEnrolment(userId: string, code: string): Promise<string[]> {
    await this.countAttempt(userId);
    const outcome = await this.txHost.withTransaction(async () => {
      const [pending] = await sqlRows(this.txHost.tx, PENDING_FACTOR, [userId, 24 * 60]);
      if (!pending) return { kind: 'not_started' as const };
      const secret = this.cipher.open(pending.secretSealed, sealContext(userId, pending.id));
      const step = totpStepOf(code, secret, Date.now());
      if (step === null) return { kind: 'wrong' as const };
      const replaced = (await sqlRun(this.txHost.tx, DELETE_CONFIRMED_OTHERS, [userId, pending.id]))
        .count;
      await sqlRows(this.txHost.tx, CONFIRM, [pending.id, step]);
      const codes = await this.replaceRecoveryCodes(userId);
      await this.throttle.clear(throttleKey(userId));
      return { kind: 'confirmed' as const, codes, replaced: replaced > 0 };
    });
    if (outcome.kind === 'not_started') throw new MfaEnrolmentNotStartedError();
    if (outcome.kind === 'wrong') return this.refuse(userId, 'enrolment_code_invalid');
    await this.audit.recordIndependently({
      action: outcome.replaced ? 'mfa.reenrolled' : 'mfa.enrolled',
      entityType: 'user',
      entityId: userId,
      actorUserId: userId,
      after: { kind: 'totp', recoveryCodes: RECOVERY_CODE_COUNT },
    });
    return outcome.codes;
  }

  /**
   * Checks a code from the authenticator app, or else a recovery code (used up by this), and
   * says which it was. A TOTP code is accepted once: a code at or before the last accepted time
   * step is refused (RFC 6238 section 5.2), so an overheard code cannot be replayed.
   */
  async verify(userId: string, code: string): Promise<SecondFactorMethod> {
    await this.countAttempt(userId);
    const outcome = await this.txHost.withTransaction(async () => {
      const [factor] = await sqlRows(this.txHost.tx, CONFIRMED_FACTOR, [userId]);
      if (!factor) return { kind: 'not_enrolled' as const };
      const secret = this.cipher.open(factor.secretSealed, sealContext(userId, factor.id));
      const step = totpStepOf(code, secret, Date.now());
      if (step !== null) {
        const { count } = await sqlRun(this.txHost.tx, USE_STEP, [factor.id, step]);
        if (count === 0) return { kind: 'wrong' as const, reason: 'code_replayed' };
        await this.throttle.clear(throttleKey(userId));
        return { kind: 'ok' as const, method: 'otp' as const };
      }
      if (looksLikeRecoveryCode(code)) {
        const [used] = await sqlRows(this.txHost.tx, USE_RECOVERY_CODE, [
          userId,
          recoveryCodeHash(this.codeKey, code),
        ]);
        if (used) {
          await this.throttle.clear(throttleKey(userId));
          return { kind: 'ok' as const, method: 'recovery' as const, left: used.left };
        }
      }
      return { kind: 'wrong' as const, reason: 'code_invalid' };
    });
    if (outcome.kind === 'not_enrolled') throw new MfaNotEnrolledError();
    if (outcome.kind === 'wrong') return this.refuse(userId, outcome.reason);
    if (outcome.method === 'recovery') {
      await this.audit.recordIndependently({
        action: 'mfa.recovery_code_used',
        entityType: 'user',
        entityId: userId,
        actorUserId: userId,
        after: { recoveryCodesLeft: outcome.left },
      });
    }
    return outcome.method;
  }

  /** Removes the person's factor and recovery codes (an admin's act; the caller audits it). */
  async remove(userId: string): Promise<boolean> {
    const { count } = await sqlRun(this.txHost.tx, DELETE_FACTORS, [userId]);
    await sqlRun(this.txHost.tx, DELETE_RECOVERY_CODES, [userId]);
    return count > 0;
  }

  private async replaceRecoveryCodes(userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await sqlRun(this.txHost.tx, DELETE_RECOVERY_CODES, [userId]);
    await sqlRows(this.txHost.tx, INSERT_RECOVERY_CODES, [
      userId,
      codes.map((c) => recoveryCodeHash(this.codeKey, c)),
    ]);
    return codes;
  }

  private async countAttempt(userId: string): Promise<void> {
    const verdict = await this.throttle.countAttempt(throttleKey(userId));
    if (verdict.delayed) throw new MfaLockedError(verdict.retryAfterSeconds);
  }

  private async refuse(userId: string, reason: string): Promise<never> {
    await this.audit.recordIndependently({
      action: 'auth.mfa_failed',
      entityType: 'user',
      entityId: userId,
      actorUserId: userId,
      after: { reason },
    });
    throw new MfaCodeInvalidError();
  }
}

/**
 * Second-factor failures share the password throttle's table and progressive delay (one
 * mechanism, pruned by the same schedule), under a key no normalized email can take (no "@").
 */
function throttleKey(userId: string): string {
  return `second-factor:${userId}`;
}

/** The secret is bound to its person and row: a sealed value copied elsewhere does not open. */
function sealContext(userId: string, factorId: string): string {
  return `mfa_factors:${userId}:${factorId}:secret`;
}
