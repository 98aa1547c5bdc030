import type { Label, Role } from './roles';

/**
 * The classification of personal data in a case: the ONE place that says which values are personal, how they
 * are recognised wherever they sit (facts, step data, event payloads, comments) and which roles need them in
 * clear. The API masks every response from it (apps/api/src/common/masking.ts); logs mask every class.
 *
 * A value is recognised by
 * - its key, compared without case and separators (`passportNumber`, `passport_no`, `PassportNumber`);
 * - its container: the `number` of a `passport` or `apecCard` object, or the container's own value when it is
 *   a string, a number or an array of them (`passport: 'SE1234567'`, `passport: ['SE1234567']`);
 * - its shape in any free text (comments, objections, step data): passport numbers and PRC ID numbers.
 *
 * Sources: 《因公出国（境）管理规定》 (personnel and secrecy offices vet their own unit's members: Party
 * membership, classified access, identity), the FAO's passport and visa offices (passport and visa forms carry
 * passport, APEC card, ID numbers and dates of birth); everyone else works with names and masked numbers.
 */
export const PERSONAL_DATA_CLASSES = [
  'passport-number',
  'apec-card-number',
  'national-id',
  'date-of-birth',
  'person-id',
  'party-membership',
  'classified-access',
  'objector',
] as const;
export type PersonalDataClass = (typeof PERSONAL_DATA_CLASSES)[number];

/** A role that sees a class in clear; `ownUnit`: only for cases of the viewer's own unit. */
export interface ClearGrant {
  role: Role;
  ownUnit?: true;
}

/**
 * How a value is withheld: `ends` keeps the first `keepStart` and last `keepEnd` characters (values of at most
 * keepStart + keepEnd characters are starred in full); `digits` stars every digit and letter (a date keeps
 * its separators only); `withhold` replaces the value (a yes/no fact) with null.
 */
export type MaskStyle = { kind: 'ends'; keepStart: number; keepEnd: number } | { kind: 'digits' } | { kind: 'withhold' };

export interface PersonalDataSpec {
  label: Label;
  /** Keys naming a value of this class anywhere, normalised (lower case, letters and digits only). */
  keys: readonly string[];
  /** Keys of objects whose `number` (`no`, `numbers`) is of this class, normalised; see the module comment. */
  containers: readonly string[];
  /** The keys inside a container that are of this class, normalised; default CONTAINER_VALUE_KEYS (`number`, …). */
  containerValueKeys?: readonly string[];
  /** Shapes of this class in free text (global regular expressions, used with String.replace only). */
  patterns: readonly RegExp[];
  /**
   * Keys whose value is of this class only in a tagged object: `{ key: 'entitykey', when: { key: 'entity',
   * equals: ['person'] } }` = the `entityKey` of an audit entry about a person; `{ key: 'number', when: { present:
   * ['issuedon', 'expireson'] } }` = the `number` of an object that also carries those keys (normalised keys).
   */
  tagged?: readonly { key: string; when: { key: string; equals: readonly string[] } | { present: readonly string[] } }[];
  clearFor: readonly ClearGrant[];
  mask: MaskStyle;
}

const OFFICERS: readonly ClearGrant[] = [{ role: 'passport-officer' }, { role: 'visa-officer' }];
const OWN_UNIT_VETTING: readonly ClearGrant[] = [
  { role: 'personnel', ownUnit: true },
  { role: 'secrecy', ownUnit: true },
];

/**
 * Passport numbers: one or two letters and 7-8 digits (E12345678, EA1234567, SE/DE/PE1234567 for official
 * passports, G/P...), optionally with a space after the letters. Not preceded or followed by a letter or digit,
 * so step keys never match; in lower case also not next to a hyphen, so the hex groups of UUIDs never match.
 */
export const PASSPORT_NUMBER_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9])[A-Z]{1,2} ?\d{7,8}(?![A-Za-z0-9])/g,
  /(?<![A-Za-z0-9-])[a-z]{1,2}\d{7,8}(?![A-Za-z0-9-])/g,
];
/**
 * PRC resident ID numbers: 18 characters (17 digits and a check digit 0-9 or X) or the old 15 digits, also
 * written in groups (110105 19610715 003X, with spaces or hyphens).
 */
export const PRC_ID_NUMBER_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9])(?:\d{17}[\dXx]|\d{15})(?![A-Za-z0-9])/g,
  /(?<![A-Za-z0-9])\d{6}[ -]\d{8}[ -]\d{3}[\dXx](?![A-Za-z0-9])/g,
];

/**
 * What every pattern of every class needs: six digits in a row (passport numbers have 7-8, PRC ID numbers 15 or
 * 17 in a row or a first group of 6). A string without it holds no personal number, so masking skips the
 * patterns (most strings of a case answer are step keys, labels and dates). A new pattern that can match
 * without six digits must change this gate: personal-data.spec.ts checks it.
 */
export const PERSONAL_NUMBER_GATE = /\d{6}/;

export const PERSONAL_DATA: Record<PersonalDataClass, PersonalDataSpec> = {
  'passport-number': {
    label: { zh: '护照号码', en: 'Passport number' },
    keys: ['passportnumber', 'passportnumbers', 'passportno', 'passportnum'],
    containers: ['passport', 'passports', 'officialpassport', 'oldpassport'],
    patterns: PASSPORT_NUMBER_PATTERNS,
    // The registries' audit (`GET /api/registries/changes`) names a passport by its number; a passport's own record
    // (C05's step data, the new passport: `{ number, issuedOn, expiresOn }`) by its `number`, whatever its shape.
    tagged: [
      { key: 'entitykey', when: { key: 'entity', equals: ['passport'] } },
      { key: 'number', when: { present: ['issuedon', 'expireson'] } },
    ],
    clearFor: OFFICERS,
    mask: { kind: 'ends', keepStart: 2, keepEnd: 3 },
  },
  'apec-card-number': {
    label: { zh: 'APEC商务旅行卡号', en: 'APEC business travel card number' },
    // `cardNumber`: K06's step data (the card office's number, as the case page and the timeline show the completion;
    // fresh tester: in clear for the clerk and the desk while the cards registry masked it).
    keys: ['apeccardnumber', 'apecnumber', 'apeccardno', 'abtcnumber', 'cardnumber', 'cardno'],
    containers: ['apeccard', 'apec', 'abtc', 'apeccards'],
    patterns: [],
    clearFor: OFFICERS,
    mask: { kind: 'ends', keepStart: 2, keepEnd: 3 },
  },
  'national-id': {
    label: { zh: '公民身份号码', en: 'National ID number' },
    keys: [
      'idnumber',
      'idno',
      'idcard',
      'idcardnumber',
      'idcardno',
      'nationalid',
      'nationalidnumber',
      'citizenid',
      'residentid',
      'identitynumber',
      'identitycardnumber',
      'shenfenzheng',
    ],
    containers: ['identitycard'],
    patterns: PRC_ID_NUMBER_PATTERNS,
    clearFor: [{ role: 'passport-officer' }, { role: 'personnel', ownUnit: true }],
    mask: { kind: 'ends', keepStart: 2, keepEnd: 2 },
  },
  'date-of-birth': {
    label: { zh: '出生日期', en: 'Date of birth' },
    keys: ['dateofbirth', 'birthdate', 'birthday', 'dob', 'bornon'],
    containers: [],
    patterns: [],
    // The roster's keepers read what they keep (REGISTRY_WRITERS.people): the personnel office its unit's, the
    // enterprise clerk its own enterprise's (F4: one person once is compared by the date of birth it registered).
    clearFor: [...OFFICERS, { role: 'personnel', ownUnit: true }, { role: 'enterprise-clerk', ownUnit: true }],
    mask: { kind: 'digits' },
  },
  'person-id': {
    label: { zh: '人员编号', en: 'Person id' },
    // `holder`: the registries' passport custody ledger names the holder by person id.
    keys: ['personid', 'staffnumber', 'staffno', 'employeeid', 'holder', 'holderid'],
    containers: [],
    patterns: [],
    // The registries' audit names a person by id.
    tagged: [{ key: 'entitykey', when: { key: 'entity', equals: ['person'] } }],
    // The passport officer keeps the custody ledger: passports are registered to and looked up by holder id.
    // The enterprise clerk names its own staff as card applicants by person id (issue 17: the roster picker), and the
    // organizer its own unit's delegation members (the new-trip form's roster picker: a roster person is named by
    // personId, since a typed one without their passport in the ledger is refused, roster-person).
    clearFor: [
      ...OWN_UNIT_VETTING,
      { role: 'passport-officer' },
      { role: 'enterprise-clerk', ownUnit: true },
      { role: 'organizer', ownUnit: true },
    ],
    mask: { kind: 'ends', keepStart: 0, keepEnd: 2 },
  },
  'party-membership': {
    label: { zh: '党员身份', en: 'Party membership' },
    // `partyMembers` (the count in the derived facts) is an aggregate, not a member's fact.
    keys: ['partymember', 'partymembership', 'ispartymember'],
    containers: [],
    patterns: [],
    // And the roster's keeper of an enterprise, its clerk (REGISTRY_WRITERS.people): a field the keeper could not read
    // came back from its form as `false` and overwrote what the roster held.
    clearFor: [...OWN_UNIT_VETTING, { role: 'enterprise-clerk', ownUnit: true }],
    mask: { kind: 'withhold' },
  },
  'classified-access': {
    label: { zh: '涉密人员', en: 'Classified access' },
    keys: ['classifiedaccess', 'secrecylevel', 'classifiedlevel'],
    containers: [],
    patterns: [],
    clearFor: OWN_UNIT_VETTING,
    mask: { kind: 'withhold' },
  },
  // Who recorded a public-notice objection (公示异议): the office that handles it knows; the unit whose trip is objected
  // to does not (trial: the organizer read the objector's user id). The progress answer's `objections[].by`, the
  // timeline's `notice.objection` actor, their role and the principal acted for.
  objector: {
    label: { zh: '公示异议登记人', en: 'Who recorded a notice objection' },
    keys: [],
    containers: ['objections'],
    containerValueKeys: ['by'],
    patterns: [],
    tagged: [
      { key: 'actorid', when: { key: 'type', equals: ['notice.objection'] } },
      { key: 'actorrole', when: { key: 'type', equals: ['notice.objection'] } },
      { key: 'onbehalfof', when: { key: 'type', equals: ['notice.objection'] } },
    ],
    clearFor: [{ role: 'fao-clerk' }, { role: 'fao-reviewer' }, { role: 'fao-director' }, { role: 'leader' }, { role: 'manager' }],
    mask: { kind: 'withhold' },
  },
};

/**
 * Shapes personal in a log line only, masked by `maskForLog` (never in an API answer, where a free-text match costs a
 * reader's word): an APEC card number (upper-case letters and digits, K06's `cardNumber`, e.g. `CHN123456789`) is no
 * shape of its own in text, so a log line masks it where it is one for sure (the renewal workflow's id, `apec-renewal-`
 * and the number, which Temporal's logs name every line of it by) and wherever an upper-case token holds a letter and
 * six digits in a row (an error message naming the card: the K07 failure log printed one). Log lines keep their case
 * ids (lower-case UUIDs), step keys, timestamps and counts.
 */
export const PERSONAL_LOG_PATTERNS: ReadonlyArray<readonly [PersonalDataClass, RegExp]> = [
  ['apec-card-number', /(?<=apec-renewal-)[A-Za-z0-9]{6,32}(?![A-Za-z0-9])/g],
  ['apec-card-number', /(?<![A-Za-z0-9*])(?=[A-Z0-9]*\d{6})(?=[0-9]*[A-Z])[A-Z0-9]{6,32}(?![A-Za-z0-9*])/g],
];

/**
 * What a log line withholds whole, of a failure it logs (maskForLog): the values a failed SQL statement carried (an
 * error's `parameters`: TypeORM's QueryFailedError holds the statement's values, the case events' payloads with the
 * members' names and numbers, which Temporal's "Activity failed" line prints with the error), and the key values
 * PostgreSQL names in a constraint violation's detail (`Key (unit, name)=(commerce, 张三) already exists`: a
 * member's name, a card number). The statement itself (`query`, parameterised) and the error's text stay.
 */
export const LOG_WITHHELD_ERROR_FIELDS: readonly string[] = ['parameters'];
export const LOG_WITHHELD_KEY_VALUES = /(Key \([^)\n]*\)=\()[^\n]*?(\)(?= already exists| is not present| conflicts with)|\)\.?$)/gm;
export const LOG_WITHHELD = '…';

/** Keys of a container whose value is of the container's class (`passport.number`). */
export const CONTAINER_VALUE_KEYS: readonly string[] = ['number', 'numbers', 'no', 'num'];

/**
 * Keys normalised before (masking walks every key of every answer, and answers share their keys: issue 16, a tenth of
 * the API's masking time). Bounded: keys beyond it are normalised each time, as before.
 */
const normalisedKeys = new Map<string, string>();
const NORMALISED_KEYS_MAX = 4096;

/** A key compared as the classification lists it: lower case, letters and digits only. */
export function normaliseKey(key: string): string {
  let k = normalisedKeys.get(key);
  if (k === undefined) {
    k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (normalisedKeys.size < NORMALISED_KEYS_MAX) normalisedKeys.set(key, k);
  }
  return k;
}

const BY_KEY = new Map<string, PersonalDataClass>();
const BY_CONTAINER = new Map<string, PersonalDataClass>();
for (const cls of PERSONAL_DATA_CLASSES) {
  for (const k of PERSONAL_DATA[cls].keys) BY_KEY.set(k, cls);
  for (const k of PERSONAL_DATA[cls].containers) BY_CONTAINER.set(k, cls);
}

/** The keys some tagged rule names: any other key is of no tagged class, whatever its object. */
const TAGGED_KEYS: ReadonlySet<string> = new Set(
  PERSONAL_DATA_CLASSES.flatMap((cls) => (PERSONAL_DATA[cls].tagged ?? []).map((t) => t.key)),
);

/** The class of `key` in `obj` from the tagged rules (an audit entry's `entityKey` about a person), if any. */
export function personalClassOfTaggedKey(key: string, obj: Record<string, unknown>): PersonalDataClass | undefined {
  const k = normaliseKey(key);
  if (!TAGGED_KEYS.has(k)) return undefined;
  for (const cls of PERSONAL_DATA_CLASSES)
    for (const t of PERSONAL_DATA[cls].tagged ?? []) {
      if (t.key !== k) continue;
      const when = t.when;
      if ('present' in when) {
        const keys = new Set(Object.keys(obj).map(normaliseKey));
        if (when.present.every((p) => keys.has(p))) return cls;
        continue;
      }
      const tag = Object.entries(obj).find(([ok]) => normaliseKey(ok) === when.key)?.[1];
      if (typeof tag === 'string' && when.equals.includes(tag)) return cls;
    }
  return undefined;
}

/** The class a key names directly (`personId` -> person-id), if any. */
export function personalClassOfKey(key: string): PersonalDataClass | undefined {
  return BY_KEY.get(normaliseKey(key));
}

/** Whether `key` inside a container of class `cls` is of that class (`passport.number`, `objections[].by`). */
export function isContainerValueKey(cls: PersonalDataClass, key: string): boolean {
  return (PERSONAL_DATA[cls].containerValueKeys ?? CONTAINER_VALUE_KEYS).includes(normaliseKey(key));
}

/** The class of a container key (`passport` -> passport-number), if any. */
export function personalContainerOfKey(key: string): PersonalDataClass | undefined {
  return BY_CONTAINER.get(normaliseKey(key));
}

/** Does this viewer see this class in clear, for a case of `caseUnit` (undefined: unknown, own-unit grants fail)? */
export function seesInClear(cls: PersonalDataClass, viewer: { role: string; unit?: string }, caseUnit: string | undefined): boolean {
  return PERSONAL_DATA[cls].clearFor.some(
    (g) => g.role === viewer.role && (!g.ownUnit || (caseUnit !== undefined && caseUnit === viewer.unit)),
  );
}

/** Could this role see the class in clear for some case (its own unit's)? */
export function mayEverSeeInClear(cls: PersonalDataClass, role: string): boolean {
  return PERSONAL_DATA[cls].clearFor.some((g) => g.role === role);
}

/** Withholds one scalar value of a class as its mask style says (strings and numbers; booleans become null). */
export function maskPersonalValue(cls: PersonalDataClass, value: string | number | boolean): string | null {
  const style = PERSONAL_DATA[cls].mask;
  if (style.kind === 'withhold' || typeof value === 'boolean') return null;
  const s = String(value);
  if (style.kind === 'digits') return s.replace(/[A-Za-z0-9]/g, '*');
  if (s.length <= style.keepStart + style.keepEnd) return '*'.repeat(s.length);
  return `${s.slice(0, style.keepStart)}${'*'.repeat(s.length - style.keepStart - style.keepEnd)}${style.keepEnd > 0 ? s.slice(-style.keepEnd) : ''}`;
}
