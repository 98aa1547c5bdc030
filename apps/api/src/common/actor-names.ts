import { z } from 'zod';

/**
 * The keys under which an answer names an account by its username: who acted on a step (`actedBy`, also inside
 * `returnedBy` and `rerunBy`), who recorded an event (`actorId`) or a registry change (`actor`), the organizer a 帮代办
 * step was done for (`onBehalfOf`), who raised or resolved a deficiency or objection (`by`, `resolvedBy`), who uploaded
 * or removed a file (`uploadedBy`, `removedBy`), who loaded a holiday schedule (`loadedBy`), published a process version
 * (`publishedBy`) or changed the APEC whitelist criteria (`changedBy`).
 */
const ACCOUNT_KEYS: ReadonlySet<string> = new Set([
  'actedBy',
  'actorId',
  'actor',
  'onBehalfOf',
  'by',
  'resolvedBy',
  'uploadedBy',
  'removedBy',
  'loadedBy',
  'publishedBy',
  'changedBy',
]);

/**
 * Every username `value` names under ACCOUNT_KEYS, at any depth, once each: what an answer's `actorNames` maps to
 * display names (trial 82: a closed case named its officer fao-director.fao). Pure; masked values (null) are skipped,
 * so an answer names no one the reader may not see.
 */
export function accountsNamedIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) accountsNamedIn(v, into);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (ACCOUNT_KEYS.has(k) && typeof v === 'string' && v !== '') into.add(v);
      else if (typeof v === 'object') accountsNamedIn(v, into);
    }
  return into;
}

/**
 * `answer` with `actorNames`: the display name of each account it names (accountsNamedIn), read by `displayNames`
 * (UsersRepository.displayNames), so pages name people (林芳), not accounts (fao-director.fao) (trial 82).
 */
export async function withActorNames<T extends object>(
  answer: T,
  displayNames: (usernames: string[]) => Promise<Record<string, string>>,
): Promise<T & { actorNames: Record<string, string> }> {
  return { ...answer, actorNames: await displayNames([...accountsNamedIn(answer)]) };
}

/** An answer's `actorNames` (a case's detail, timeline and inbox, an annual plan): who its usernames are. */
export const ActorNamesSchema = z.record(z.string(), z.string()).meta({
  description:
    "The display name of each account the answer names (a step's actedBy, an event's actorId, a change's actor, onBehalfOf, by, resolvedBy, uploadedBy, removedBy, loadedBy, publishedBy, changedBy), by username; an account not registered (system) is absent",
  example: { 'fao-director.fao': '林芳' },
});
