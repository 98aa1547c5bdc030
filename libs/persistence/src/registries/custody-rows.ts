import { type EntityManager, In } from 'typeorm';
import type { CustodyPassport, StoredPassportState } from '@df/domain';
import { CustodyPassportEntity } from '../entities/registries.entity';

/** A custody_passports row as the domain's CustodyPassport (its stored state; expiry is the domain's to judge). */
export const toPassport = (e: CustodyPassportEntity): CustodyPassport => ({
  ref: e.ref,
  number: e.number,
  type: e.type as CustodyPassport['type'],
  issuedOn: e.issuedOn,
  expiresOn: e.expiresOn,
  holder: e.holder,
  state: e.state as StoredPassportState,
  caseId: e.caseId,
  dueBackOn: e.dueBackOn,
});

/**
 * The passports the ledger holds for `holders` (person ids), inside the caller's transaction: after the holder's lock
 * (the registry's) or the person's claims lock (number-claims.ts), so the rules read them as they stand.
 */
export const heldBy = async (m: EntityManager, holders: string | readonly string[]): Promise<CustodyPassport[]> =>
  (await m.find(CustodyPassportEntity, { where: { holder: typeof holders === 'string' ? holders : In([...holders]) } })).map(toPassport);

/** The ledger's passport of `number` (as the ledger writes it), inside the caller's transaction; null: none. */
export const passportOfNumber = async (m: EntityManager, number: string): Promise<CustodyPassport | null> => {
  const row = await m.findOne(CustodyPassportEntity, { where: { number } });
  return row ? toPassport(row) : null;
};
