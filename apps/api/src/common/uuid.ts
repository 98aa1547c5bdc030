/** A UUID's shape: 8-4-4-4-12 hex digits, either letter case (any version: ids come from randomUUID and the ledgers). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a path's key is a UUID (a ledger id: a passport's or an APEC card's `ref`) rather than a number, which has no
 * hyphen: the registries' `passports/{key}` and the APEC cards' `{card}` tell them apart by this.
 */
export const isUuid = (value: string): boolean => UUID.test(value);
