import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  CARD_NUMBER_CLAIMS,
  PASSPORT_NUMBER_CLAIMS,
  claimStepNumber,
  dataSourceOptions,
  RegistriesRepository,
  releaseStepNumber,
  stepNumberAccepted,
  type StepNumberKind,
} from '@df/persistence';

/**
 * The claim a member's document number typed at a step takes (libs/persistence number-claims.ts): K06's card
 * numbers and C05's new passports, held from the accepted completion on, let go when the holding case closes, its
 * member leaves, or its step names another number; a passport shared by one person's members on two cases.
 */
describe('step number claims (apec_card_number_claims, passport_number_claims)', () => {
  let ds: DataSource;
  const cases: string[] = [];
  beforeAll(async () => {
    ds = new DataSource(dataSourceOptions(process.env.DATABASE_URL!));
    await ds.initialize();
  });
  afterAll(async () => {
    for (const t of ['apec_card_number_claims', 'passport_number_claims', 'case_members', 'cases'])
      await ds.query(`DELETE FROM ${t} WHERE case_id = ANY($1)`, [cases]);
    await ds.query(`DELETE FROM case_events WHERE stream_id = ANY($1)`, [cases]);
    await ds.destroy();
  });

  /** An open case in the read model whose member m1 is known under `personKeys`. */
  const openCase = async (personKeys: string[]): Promise<string> => {
    const id = randomUUID();
    cases.push(id);
    await ds.query(
      `INSERT INTO cases (case_id, workflow_id, title, unit, purpose, status, phase, departure_date, return_date, countries, member_count,
                          submitted_at, submitted_by, definition_version, last_seq, updated_at)
       VALUES ($1, $1, 't', 'u', 'business', 'open', 'depart', '2027-01-01', '2027-01-02', '{JP}', 1, now(), 'x', 'apec-2027.1', 1, now())`,
      [id],
    );
    for (const key of personKeys)
      await ds.query(`INSERT INTO case_members (case_id, member_id, person_key) VALUES ($1, 'm1', $2)`, [id, key]);
    return id;
  };
  const claim = (kind: StepNumberKind, number: string, caseId: string, code: string, dead: string[] = []) =>
    claimStepNumber(ds, kind, number, { caseId, stepKey: `${code}:m1`, memberId: 'm1', requestId: randomUUID() }, dead);
  // 15 characters: with a one-letter prefix still within custody_passports.number's 20 (a 21st made the registration a
  // QueryFailedError in about one run of ten).
  const num = () => `N${String(Date.now() % 1e8).padStart(8, '0')}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

  it('one number, one holder: kept by its own step, refused to another person, taken over once its holder has lapsed', async () => {
    const [a, b] = [await openCase([`pa-${randomUUID()}`]), await openCase([`pb-${randomUUID()}`])];
    const n = num();
    expect(await claim(CARD_NUMBER_CLAIMS, n, a, 'K06')).toBeNull();
    expect(await claim(CARD_NUMBER_CLAIMS, n, a, 'K06')).toBeNull(); // its own step again
    expect(await claim(CARD_NUMBER_CLAIMS, n, b, 'K06')).toMatchObject({ caseId: a, stepKey: 'K06:m1', recorded: false });
    // Given up as never recorded (the caller asked Temporal): B takes it.
    expect(await claim(CARD_NUMBER_CLAIMS, n, b, 'K06', [`${a} K06:m1`])).toBeNull();
    expect(await claim(CARD_NUMBER_CLAIMS, n, a, 'K06')).toMatchObject({ caseId: b });
    // B's step recorded another number: the claim lapses.
    await ds.query(
      `INSERT INTO case_events (stream_id, seq, event_id, type, occurred_at, payload) VALUES ($1, 1, gen_random_uuid(), 'step.completed', now(), $2)`,
      [b, { key: 'K06:m1', code: 'K06', data: { cardNumber: 'OTHER1' } }],
    );
    expect(await claim(CARD_NUMBER_CLAIMS, n, a, 'K06')).toBeNull();
    // A's member leaves the case: lapsed.
    await ds.query(`UPDATE case_members SET member_id = 'm2' WHERE case_id = $1`, [a]);
    expect(await claim(CARD_NUMBER_CLAIMS, n, b, 'K06')).toBeNull();
    // B closes: lapsed.
    const c = await openCase([`pc-${randomUUID()}`]);
    await ds.query(`UPDATE cases SET status = 'cancelled' WHERE case_id = $1`, [b]);
    expect(await claim(CARD_NUMBER_CLAIMS, n, c, 'K06')).toBeNull();
  });

  it('a refused request frees the number it took; an accepted one owns it; a passport is shared by one person, a card is not', async () => {
    const person = `p-${randomUUID()}`;
    const [a, b] = [await openCase([person, `u:${person}`]), await openCase([`u:${person}`])];
    const n = num();
    const first = { caseId: a, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() };
    expect(await claimStepNumber(ds, PASSPORT_NUMBER_CLAIMS, n, first)).toBeNull();
    // The same person on another open case records the same passport; the claim stays A's.
    expect(await claim(PASSPORT_NUMBER_CLAIMS, n, b, 'C05')).toBeNull();
    const held = async () => (await ds.query(`SELECT case_id, request_id FROM passport_number_claims WHERE number = $1`, [n])) as unknown[];
    expect(await held()).toEqual([{ case_id: a, request_id: first.requestId }]);
    // A card is one applicant's, whoever: held.
    const m = num();
    expect(await claim(CARD_NUMBER_CLAIMS, m, a, 'K06')).toBeNull();
    expect(await claim(CARD_NUMBER_CLAIMS, m, b, 'K06')).toMatchObject({ caseId: a });
    // A later request of A's step that was accepted owns the claim: the first request's refusal no longer drops it.
    const later = randomUUID();
    await stepNumberAccepted(ds, PASSPORT_NUMBER_CLAIMS, n, { caseId: a, stepKey: 'C05:m1', requestId: later });
    await releaseStepNumber(ds, PASSPORT_NUMBER_CLAIMS, n, first);
    expect(await held()).toEqual([{ case_id: a, request_id: later }]);
    await releaseStepNumber(ds, PASSPORT_NUMBER_CLAIMS, n, { caseId: a, requestId: later });
    expect(await held()).toEqual([]);
  });

  it("one person, one new passport: another number of the person's claimed by another case at once is refused (otherNumber)", async () => {
    for (let round = 0; round < 5; round++) {
      const person = `p-${randomUUID()}`;
      const [a, b] = [await openCase([person]), await openCase([person, `u:${person}`])];
      const [na, nb] = [num(), num()];
      const results = await Promise.all(
        [
          [na, a],
          [nb, b],
        ].map(([n, c]) =>
          claimStepNumber(ds, PASSPORT_NUMBER_CLAIMS, n!, { caseId: c!, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() }),
        ),
      );
      expect(results.filter((r) => r === null)).toHaveLength(1);
      const refused = results.find((r) => r !== null)!;
      const won = results[0] === null ? { n: na, c: a } : { n: nb, c: b };
      expect(refused).toMatchObject({ caseId: won.c, stepKey: 'C05:m1', otherNumber: won.n });
    }
    // Not a second: the passport the claimant's case replaces, a claim given up (dead), one whose case closed.
    const person = `p-${randomUUID()}`;
    const [a, b] = [await openCase([person]), await openCase([person])];
    const n = num();
    expect(await claim(PASSPORT_NUMBER_CLAIMS, n, a, 'C05')).toBeNull();
    const forB = (number: string, dead: string[] = [], replaces?: string) =>
      claimStepNumber(ds, PASSPORT_NUMBER_CLAIMS, number, { caseId: b, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() }, dead, {
        replaces: replaces ?? null,
      });
    expect(await forB(num())).toMatchObject({ caseId: a, otherNumber: n });
    expect(await forB(n)).toBeNull(); // the same passport: shared by the person's cases
    expect(await forB(num(), [], n)).toBeNull();
    expect(await forB(num(), [`${a} C05:m1`])).toBeNull();
    await ds.query(`UPDATE cases SET status = 'withdrawn' WHERE case_id = $1`, [a]);
    expect(await forB(num())).toBeNull();
    // Another person's claims are no concern of this one.
    const c = await openCase([`p-${randomUUID()}`]);
    expect(await claim(PASSPORT_NUMBER_CLAIMS, num(), c, 'C05')).toBeNull();
  });

  it('eighth trial: a C05 claim and a registration by hand of one person at once: exactly one passes, either way round', async () => {
    const repo = new RegistriesRepository(ds);
    const actor = { id: 'test', role: 'passport-officer' };
    for (let round = 0; round < 6; round++) {
      const person = `p-${randomUUID()}`;
      const c = await openCase([person]);
      const [byClaim, byHand] = [num(), `H${num()}`];
      const results = await Promise.allSettled([
        claimStepNumber(ds, PASSPORT_NUMBER_CLAIMS, byClaim, { caseId: c, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() }),
        repo.registerPassport(
          { number: byHand, type: 'official', issuedOn: '2026-11-30', expiresOn: '2036-11-29', holder: person },
          'u',
          actor,
          {
            replaces: null,
          },
        ),
      ]);
      const [claimed, registered] = results;
      const claimWon = claimed.status === 'fulfilled' && claimed.value === null;
      const handWon = registered.status === 'fulfilled' && registered.value === true;
      expect([claimWon, handWon].filter(Boolean)).toHaveLength(1);
      if (claimWon) expect(String((registered as PromiseRejectedResult).reason)).toMatch(/^PassportClaimedError/);
      else expect(claimed).toMatchObject({ status: 'fulfilled', value: { otherNumber: byHand, inLedger: true } });
      await ds.query(`DELETE FROM custody_passport_events WHERE number = $1`, [byHand]);
      await ds.query(`DELETE FROM custody_passports WHERE number = $1`, [byHand]);
    }
    // A claim whose passport the ledger holds is the ledger's rules': a later case's C05 replacing it registers its own.
    const person = `p-${randomUUID()}`;
    const [first, later] = [await openCase([person]), await openCase([person])];
    const n1 = num();
    expect(await claim(PASSPORT_NUMBER_CLAIMS, n1, first, 'C05')).toBeNull();
    const passport = (number: string) => ({
      number,
      type: 'official' as const,
      issuedOn: '2026-11-30',
      expiresOn: '2028-06-01',
      holder: person,
    });
    expect(await repo.registerPassport(passport(n1), 'u', actor, { replaces: null })).toBe(true);
    const n3 = num();
    expect(
      await claimStepNumber(
        ds,
        PASSPORT_NUMBER_CLAIMS,
        n3,
        { caseId: later, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() },
        [],
        { replaces: n1 },
      ),
    ).toBeNull();
    expect(await repo.registerPassport({ ...passport(n3), expiresOn: '2036-11-29' }, 'u', actor, { replaces: n1 })).toBe(true);
  });

  it("ninth trial: a C05 claim and a check-out of the person's passport it replaces at once: exactly one passes, either way round", async () => {
    const repo = new RegistriesRepository(ds);
    const actor = { id: 'test', role: 'passport-officer' };
    const outcomes = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const person = `p-${randomUUID()}`;
      const [first, later] = [await openCase([person]), await openCase([person])];
      // The first case's new passport, lasting its trip but not the later one's (replaced by the later C05: eighth trial, D).
      const short = `S${num()}`;
      await repo.registerPassport(
        { number: short, type: 'official', issuedOn: '2026-11-30', expiresOn: '2027-12-01', holder: person },
        'u',
        actor,
      );
      const fresh = num();
      const [claimed, checkedOut] = await Promise.allSettled([
        claimStepNumber(
          ds,
          PASSPORT_NUMBER_CLAIMS,
          fresh,
          { caseId: later, stepKey: 'C05:m1', memberId: 'm1', requestId: randomUUID() },
          [],
          {
            replaces: null,
            returnDate: '2027-09-24',
          },
        ),
        repo.transitionPassport(short, 'checked-out', { caseId: first, dueBackOn: '2027-04-01', note: 'C07' }, actor),
      ]);
      const claimWon = claimed.status === 'fulfilled' && claimed.value === null;
      const outWon = checkedOut.status === 'fulfilled';
      // The handed input: both passed, and the C05 recorded a passport the ledger then refused to register.
      expect([claimWon, outWon].filter(Boolean)).toHaveLength(1);
      if (claimWon) expect(String((checkedOut as PromiseRejectedResult).reason)).toMatch(/^PassportRegisteringError/);
      else expect(claimed).toMatchObject({ status: 'fulfilled', value: { checkedOut: { number: short, state: 'checked-out' } } });
      outcomes.add(claimWon ? 'claim' : 'check-out');
      await ds.query(`DELETE FROM passport_number_claims WHERE number = $1`, [fresh]);
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });
});
