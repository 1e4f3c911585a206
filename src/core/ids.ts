const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A canonical UUID. Ids from a path are checked before they reach SQL, so a malformed one is
 * "not found" rather than a database error.
 */
export const isUuid = (value: string): boolean => UUID.test(value);
