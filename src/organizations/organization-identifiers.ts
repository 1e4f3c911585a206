/**
 * Identifier formats. NCES LEA id: 7 digits (2-digit state FIPS + 5). UEI (SAM.gov Unique
 * Entity ID): 12 characters, letters and digits without O and I, not starting with 0. A state
 * district code varies by state (Missouri "048078", Kansas "D0501"): letters, digits and dashes.
 */
export const NCES_LEA_ID = /^\d{7}$/;
export const UEI = /^[1-9A-HJ-NP-Z][0-9A-HJ-NP-Z]{11}$/;
export const STATE_DISTRICT_CODE = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export const normalizeIdentifier = (value: string | null | undefined): string | null =>
  value == null || value.trim() === '' ? null : value.trim().toUpperCase();
