import {
  maskPersonalValue,
  mayEverSeeInClear,
  PERSONAL_DATA,
  PERSONAL_DATA_CLASSES,
  PERSONAL_NUMBER_GATE,
  PERSONAL_LOG_PATTERNS,
  LOG_WITHHELD,
  LOG_WITHHELD_ERROR_FIELDS,
  LOG_WITHHELD_KEY_VALUES,
  isContainerValueKey,
  personalClassOfKey,
  personalClassOfTaggedKey,
  personalContainerOfKey,
  seesInClear,
  type PersonalDataClass,
} from './personal-data';

/**
 * Masking of personal data, from the one classification (personal-data.ts). Every API response goes through
 * `maskForViewer` (the API's global MaskingInterceptor); every log line, the API's and the worker's (its Nest logger
 * and the Temporal runtime's logger, which workflow and activity logs go through), through `maskForLog`.
 */

/** Who reads: the role and unit of the signed-in user; undefined for anonymous (everything masked). */
export interface Viewer {
  role: string;
  unit?: string;
}

/** Roles that see passport numbers in full (from the classification); everyone else (and every log line) sees them masked. */
export const PASSPORT_VIEWER_ROLES: readonly string[] = PERSONAL_DATA['passport-number'].clearFor.map((g) => g.role);

/** SE1234567 -> SE****567: first two and last three characters kept. */
export function maskPassportNumber(value: string): string {
  return maskPersonalValue('passport-number', value) ?? '';
}

/**
 * Decides per class whether a value is shown. `caseUnit` is the unit of the case the value belongs to (for
 * own-unit grants), undefined when not known (own-unit grants then fail: masked).
 */
type ClearFn = (cls: PersonalDataClass, caseUnit: string | undefined) => boolean;

/**
 * A deep copy of `value` with every personal value the viewer may not see masked. `caseUnit`: the unit of the
 * case the whole value belongs to (a route on one case), trusted over any `unit` inside it; without it, the
 * case unit of a value is the `unit` of its nearest enclosing object (a case, its facts, a list or inbox line).
 * The input is never modified.
 */
export function maskForViewer<T>(viewer: Viewer | undefined, value: T, caseUnit?: string): T {
  const clear: ClearFn = viewer ? (cls, unit) => seesInClear(cls, viewer, unit) : () => false;
  return walk(value, clear, caseUnit, caseUnit !== undefined, undefined, false) as T;
}

/**
 * What a log line may carry of `value`: every personal value masked, as for an anonymous caller, and the shapes that
 * are personal in a log line only (PERSONAL_LOG_PATTERNS: an APEC card number, `CHN123456789`, in an error message or
 * a renewal workflow id). An Error (a failure the worker logs, with its cause) keeps its class name, its message and
 * stack masked. A log line is written for operators, who never need a number in clear (trial: the K07 failure log
 * printed a card number).
 */
export function maskForLog<T>(value: T): T {
  return walk(value, () => false, undefined, false, undefined, true) as T;
}

/** Every personal value masked (for logs and anonymous callers). */
export function maskAllPersonalData<T>(value: T): T {
  return maskForViewer(undefined, value);
}

/** Kept for the structured logger: every personal value masked, passport numbers among them. */
export const maskPassports = maskAllPersonalData;

/**
 * The classes the role may never see in clear masked; own-unit classes of the role left for the caller that
 * knows the case unit (the interceptor). A first pass for services; idempotent with `maskForViewer`.
 */
export function maskFor<T>(role: string, value: T): T {
  return walk(value, (cls) => mayEverSeeInClear(cls, role), undefined, false, undefined, false) as T;
}

/** Masks the personal-number shapes (passport, PRC ID; in a log line also PERSONAL_LOG_PATTERNS) in one free-text string. */
export function maskFreeText(text: string, clear: ClearFn = () => false, unit?: string, log = false): string {
  let out = text;
  // A log line's shapes first (they are not gated: a card number need not hold six digits in a row).
  if (log) {
    for (const [cls, re] of PERSONAL_LOG_PATTERNS) out = out.replace(re, (m) => maskPersonalValue(cls, m) ?? '');
    if (out.includes('Key (')) out = out.replace(LOG_WITHHELD_KEY_VALUES, `$1${LOG_WITHHELD}$2`);
  }
  if (!PERSONAL_NUMBER_GATE.test(out)) return out; // no pattern can match: skip them (10 % of the API's CPU)
  for (const cls of PERSONAL_DATA_CLASSES) {
    const spec = PERSONAL_DATA[cls];
    if (spec.patterns.length === 0 || clear(cls, unit)) continue;
    for (const re of spec.patterns) out = out.replace(re, (m) => maskPersonalValue(cls, m) ?? '');
  }
  return out;
}

/** Keys whose string value is a credential, not text: accessToken, refreshToken, token. */
const OPAQUE_KEY = /^(access|refresh|id)?_?token$/i;

function walk(
  value: unknown,
  clear: ClearFn,
  unit: string | undefined,
  pinned: boolean,
  container: PersonalDataClass | undefined,
  log: boolean,
): unknown {
  if (typeof value === 'string') return maskFreeText(value, clear, unit, log);
  // An ID number sent as a JSON number (15 digits; 18 lose precision but keep the shape).
  if (typeof value === 'number')
    return Number.isInteger(value) && maskFreeText(String(value), clear, unit) !== String(value)
      ? maskFreeText(String(value), clear, unit)
      : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, clear, unit, pinned, container, log));
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (log && isError(value)) return maskedError(value, (v) => walk(v, clear, unit, pinned, container, log));
  const obj = value as Record<string, unknown>;
  const here = !pinned && typeof obj.unit === 'string' ? obj.unit : unit;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    // Credentials (the sign-in's accessToken) are opaque: a passport shape inside a JWT is not a passport.
    if (typeof v === 'string' && OPAQUE_KEY.test(k)) {
      out[k] = v;
      continue;
    }
    // Keys can be typed values too (step data keyed by a passport number).
    const key = maskFreeText(k, clear, here, log);
    const cls =
      personalClassOfKey(k) ?? personalClassOfTaggedKey(k, obj) ?? (container && isContainerValueKey(container, k) ? container : undefined);
    if (cls) {
      out[key] = clear(cls, here) ? v : maskAll(cls, v);
      continue;
    }
    const inner = personalContainerOfKey(k);
    // A container given as a plain value or a list of them (`passport: 'SE1234567'`, `passport: ['SE1234567']`).
    if (inner && !clear(inner, here) && isScalarOrScalars(v)) out[key] = maskAll(inner, v);
    else out[key] = walk(v, clear, here, pinned, inner, log);
  }
  return out;
}

/** An Error, of this realm or another (a Jest test's, a vm sandbox's: `instanceof` fails across them). */
const isError = (v: object): v is Error => v instanceof Error || Object.prototype.toString.call(v) === '[object Error]';

/**
 * An Error as a log line may carry it: of the same class (a logger prints its name and stack), its message, stack,
 * cause and own fields (an ApplicationFailure's type and details, a driver error's detail) masked, the values of a
 * failed statement withheld (LOG_WITHHELD_ERROR_FIELDS). The original is never modified.
 */
function maskedError(err: Error, mask: (v: unknown) => unknown): Error {
  // A native error (loggers print a native one's stack) of the original's class.
  const out = new Error();
  Object.setPrototypeOf(out, Object.getPrototypeOf(err) as object);
  for (const k of Object.getOwnPropertyNames(err)) {
    const d = Object.getOwnPropertyDescriptor(err, k)!;
    const withheld = LOG_WITHHELD_ERROR_FIELDS.includes(k);
    Object.defineProperty(out, k, 'value' in d ? { ...d, value: withheld ? LOG_WITHHELD : mask(d.value) } : d);
  }
  return out;
}

/** Every scalar in `value` withheld as class `cls` (a classified key holding an object or a list). */
function maskAll(cls: PersonalDataClass, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => maskAll(cls, v));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return maskPersonalValue(cls, value);
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskAll(cls, v)]));
  return value;
}

/**
 * A container's own value that is a number of its class: a string with a digit, or a list of them. Not a count
 * (`byPhase: { passport: 3 }`) nor a label (`passport: '护照办理'`).
 */
function isScalarOrScalars(v: unknown): boolean {
  if (typeof v === 'string') return /\d/.test(v);
  return Array.isArray(v) && v.length > 0 && v.every((x) => (typeof x === 'string' && /\d/.test(x)) || Array.isArray(x));
}
