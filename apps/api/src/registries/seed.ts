import type { AnnualPlan, CustodyPassport, RegisteredPerson, RegisteredUnit } from '@df/domain';
import { DuplicatePersonError, PassportHeldError, type RegistriesRepository, type RegistryActor } from '@df/persistence';

/** Demo registries for `npm start` (units of the demo users, rosters, passports, 2027 plans). Nothing overdue: no demo unit is suspended. */
export const DEMO_UNITS: RegisteredUnit[] = [
  {
    // The city government: the approving leader's (leader.city) unit.
    code: 'city',
    nameZh: '市人民政府',
    nameEn: "Municipal People's Government",
    parentCode: null,
    supervisingDepartment: null,
    clerks: [],
    signatories: ['市长'],
    status: 'active',
    suspendedReason: null,
  },
  {
    code: 'fao',
    nameZh: '市人民政府外事办公室',
    nameEn: 'Municipal Foreign Affairs Office',
    parentCode: null,
    supervisingDepartment: null,
    clerks: [],
    signatories: ['外办主任'],
    status: 'active',
    suspendedReason: null,
  },
  {
    code: 'commerce',
    nameZh: '市商务局',
    nameEn: 'Municipal Bureau of Commerce',
    parentCode: null,
    supervisingDepartment: null,
    clerks: ['organizer.commerce'],
    signatories: ['王局长'],
    status: 'active',
    suspendedReason: null,
  },
  {
    code: 'education',
    nameZh: '市教育局',
    nameEn: 'Municipal Bureau of Education',
    parentCode: null,
    supervisingDepartment: null,
    clerks: ['organizer.education'],
    signatories: ['刘局长'],
    status: 'active',
    suspendedReason: null,
  },
  // Issue 17: a demo enterprise for the APEC card pages (the APEC desk registers its ownership and size on its page).
  {
    code: 'trading',
    nameZh: '星海国际贸易有限公司',
    nameEn: 'Xinghai International Trading Co., Ltd.',
    parentCode: null,
    supervisingDepartment: null,
    clerks: ['enterprise-clerk.trading'],
    signatories: [],
    status: 'active',
    suspendedReason: null,
  },
];

const person = (
  personId: string,
  unit: string,
  name: string,
  gender: 'male' | 'female',
  dateOfBirth: string,
  rank: RegisteredPerson['rank'],
  position: string,
  partyMember: boolean,
  classifiedAccess: boolean,
  leadershipTeam: string | null,
): RegisteredPerson => ({
  personId,
  unit,
  name,
  gender,
  dateOfBirth,
  rank,
  position,
  partyMember,
  classifiedAccess,
  leadershipTeam,
  status: 'active',
});

const PEOPLE: RegisteredPerson[] = [
  person('P-commerce-001', 'commerce', '张三', 'male', '1968-04-12', 'bureau', '副市长', true, false, '市政府领导班子'),
  person('P-commerce-002', 'commerce', '李四', 'female', '1975-09-03', 'division', '商务局处长', true, false, null),
  person('P-commerce-003', 'commerce', '王五', 'male', '1990-01-20', 'staff', '科员', false, false, null),
  person('P-education-001', 'education', '赵六', 'female', '1970-11-30', 'bureau', '教育局局长', true, true, 'education-leadership'),
  person('P-education-002', 'education', '钱七', 'male', '1982-06-15', 'section', '科长', true, false, null),
  // Issue 17: the demo enterprise's staff, the roster its clerk picks card applicants from.
  person('P-trading-001', 'trading', '孙八', 'male', '1978-02-14', 'division', '总经理', false, false, null),
  person('P-trading-002', 'trading', '周九', 'female', '1986-08-21', 'section', '国际业务部经理', false, false, null),
  person('P-trading-003', 'trading', '吴十', 'male', '1992-12-05', 'staff', '外贸业务员', false, false, null),
];

const PASSPORTS: Array<Omit<CustodyPassport, 'state' | 'caseId' | 'dueBackOn'>> = [
  { number: 'SE1234567', type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: 'P-commerce-001' },
  // Expires within 6 months of a spring 2027 trip: the case needs a new passport (C02-C06).
  { number: 'SE2345678', type: 'official', issuedOn: '2017-05-02', expiresOn: '2027-05-01', holder: 'P-commerce-002' },
  { number: 'SE3456789', type: 'official', issuedOn: '2022-03-10', expiresOn: '2032-03-09', holder: 'P-education-001' },
];

const PLANS: AnnualPlan[] = [
  {
    unit: 'commerce',
    year: 2027,
    trips: [
      { id: 'C-2027-1', purpose: 'investment-promotion', countries: ['US'], size: 5, quarter: 1 },
      { id: 'C-2027-2', purpose: 'trade', countries: ['DE', 'FR'], size: 6, quarter: 3 },
    ],
  },
  { unit: 'education', year: 2027, trips: [{ id: 'E-2027-1', purpose: 'education', countries: ['GB'], size: 4, quarter: 2 }] },
];

/** Adds what is missing (idempotent; never overwrites what the office changed). Returns how many records were added. */
export async function seedDemoRegistries(repo: RegistriesRepository): Promise<number> {
  const actor: RegistryActor = { id: 'seed', role: 'system' };
  let added = 0;
  const units = new Set((await repo.units()).map((u) => u.code));
  for (const u of DEMO_UNITS)
    if (!units.has(u.code)) {
      await repo.putUnit(u, actor);
      added++;
    }
  const people = new Set((await repo.people({ ids: PEOPLE.map((p) => p.personId) })).map((p) => p.personId));
  for (const p of PEOPLE)
    if (!people.has(p.personId)) {
      try {
        await repo.putPerson(p, actor);
        added++;
      } catch (err) {
        // The office registered the person under its own id (one person once): its roster stands.
        if (!(err instanceof DuplicatePersonError)) throw err;
      }
    }
  const onRoster = new Set((await repo.people({ ids: PEOPLE.map((p) => p.personId) })).map((p) => p.personId));
  for (const p of PASSPORTS) {
    if (!onRoster.has(p.holder)) continue;
    try {
      if (await repo.registerPassport(p, PEOPLE.find((x) => x.personId === p.holder)!.unit, actor)) added++;
    } catch (err) {
      // The holder's other passport is out for a trip (one valid passport per person): the office's ledger stands.
      if (!(err instanceof PassportHeldError)) throw err;
    }
  }
  for (const p of PLANS)
    if (!(await repo.plan(p.unit, p.year))) {
      await repo.putPlan(p, actor);
      added++;
    }
  return added;
}
