import { authenticator } from 'otplib';
import { toString as qrSvg } from 'qrcode';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
export const TOTP_STEP_SECONDS = 30;

/**
 * One clock step either side is accepted (a phone's clock drifts, and a code typed at :29
 * arrives at :31); wider windows only help a guesser.
 */
const totp = authenticator.clone({ step: TOTP_STEP_SECONDS, window: 1, digits: 6 });

/** A new shared secret: 20 random bytes (RFC 4226's recommended 160 bits), base32. */
export function newTotpSecret(): string {
  return totp.generateSecret(20);
}

/** The otpauth:// URI authenticator apps read from the QR code. */
export function totpUri(secret: string, accountEmail: string, issuer: string): string {
  return totp.keyuri(accountEmail, issuer, secret);
}

/** The QR code of the URI as inline SVG, drawn on the server (no third-party image service). */
export function totpQrSvg(uri: string): Promise<string> {
  return qrSvg(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The time step the code belongs to when it is valid at `now` (within the window), else null.
 * The caller refuses a step at or below the last one accepted (a replayed code).
 */
export function totpStepOf(code: string, secret: string, now: number): number | null {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return null;
  const delta = totp.clone({ epoch: now }).checkDelta(digits, secret);
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_STEP_SECONDS) + delta;
}

/** The code for a step (tests compute codes from the secret this way instead of waiting). */
export function totpCodeAt(secret: string, at: number): string {
  return totp.clone({ epoch: at }).generate(secret);
}
