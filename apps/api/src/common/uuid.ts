/** A UUID's shape: 8-4-4-4-12 hex digits, either letter case (any version: ids come from randomUUID and the ledgers). */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = new RegExp(UUID_PATTERN);

/**
 * Whether a path's key is a UUID (a ledger id: a passport's or an APEC card's `ref`) rather than a number, which has no
 * hyphen: the registries' `passports/{key}` and the APEC cards' `{card}` tell them apart by this.
 */
export const isUuid = (value: string): boolean => UUID.test(value);
