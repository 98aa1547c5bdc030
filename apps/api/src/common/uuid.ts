/** A UUID's shape: 8-4-4-4-12 hex digits, either letter case (any version: ids come from randomUUID and the ledgers). */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = new RegExp(UUID_PATTERN);

/**
 * Whether a path's key is a UUID (a ledger id: a passport's or an APEC card's `ref`) rather than a number, which has no
 * hyphen: the registries' `passports/{key}` and the APEC cards' `{card}` tell them apart by this.
 */
export const isUuid = (value: string): boolean => UUID.test(value);

/** A case route's id segment (/api/delegations/<id>), up to the next / or ? or the end. */
const CASE_PATH = /^(\/api\/delegations\/)([^/?]+)(?=[/?]|$)/;

/**
 * A case id in capitals is the case: the API issues lower-case UUIDs (randomUUID), and a UUID is the same in either
 * case (RFC 9562 §4), so a case route's UUID-shaped id is lower-cased before routing, for every route of a case at
 * once (trial: GET /api/delegations/<ID IN CAPITALS> was 404; the check-out's body `caseId` already read it so).
 * Other ids are left as sent (a case id is 1-64 letters, digits, _ or -: only a UUID's letter case is known not to matter).
 */
export function canonicalCaseIds() {
  return (req: { url: string }, _res: unknown, next: () => void): void => {
    const m = CASE_PATH.exec(req.url);
    if (m && isUuid(m[2]!) && m[2] !== m[2]!.toLowerCase()) req.url = m[1]! + m[2]!.toLowerCase() + req.url.slice(m[0].length);
    next();
  };
}
