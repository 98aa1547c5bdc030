/**
 * The dialog's field of an API field error (`data.returnedOn` → returnedOn, `data.<figure>` → figures.<figure> at
 * W01, `data.outcomes.x` → outcomes.x and `data.summary` → summary at P03, `data.outcome` → outcome on a step whose data `schema` is 'written-outcome' (externalOutcome and `data.members` → refusedMembers on an 'external-outcome' one: D12, K05), `data.route` → route on an 'entry-route' one (D01), K06's `data.cardNumber` → card.cardNumber (and its dates), `data.number` → newPassport.number on one whose schema is 'new-passport' (C05), `data.validFrom` → visa.validFrom on a 'visa-issued' one (D13), `data.budget.lodgingYuan` → budget.lodgingYuan on a 'budget-estimate' one (A09), `missingDocuments[0].id` → missingDocuments.0.id), so a refusal naming a
 * field is shown at it. null: no field of the dialog (the refusal's text says it).
 */
export function dialogFieldOf(code: string, field: string, schema?: string | null): Array<string | number> | null {
  const parts = field
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts[0] !== 'data')
    return ['comment', 'onBehalfOf', 'returnTo', 'missingDocuments', 'decision'].includes(String(parts[0])) ? parts : null;
  const rest = parts.slice(1);
  if (code === 'W01' && rest.length > 0) return ['figures', ...rest];
  if (code === 'P01' && rest[0] === 'returnedOn') return ['returnedOn'];
  if (code === 'P03' && rest[0] === 'outcomes' && rest.length > 1) return rest;
  if (code === 'P03' && rest[0] === 'summary' && rest.length === 1) return ['summary'];
  if (schema === 'written-outcome' && rest[0] === 'outcome' && rest.length === 1) return ['outcome'];
  if (schema === 'external-outcome' && rest[0] === 'outcome' && rest.length === 1) return ['externalOutcome'];
  if (schema === 'external-outcome' && rest[0] === 'members') return ['refusedMembers'];
  if (schema === 'entry-route' && rest[0] === 'route' && rest.length === 1) return ['route'];
  if (code === 'K06' && rest.length === 1 && ['cardNumber', 'issuedOn', 'validUntil'].includes(String(rest[0]))) return ['card', rest[0]!];
  if (schema === 'budget-estimate' && rest[0] === 'budget' && rest.length === 2) return ['budget', rest[1]!];
  if (schema === 'visa-issued' && rest.length === 1 && ['validFrom', 'validUntil', 'entries'].includes(String(rest[0])))
    return ['visa', rest[0]!];
  if (schema === 'new-passport' && rest.length === 1 && ['number', 'issuedOn', 'expiresOn'].includes(String(rest[0])))
    return ['newPassport', rest[0]!];
  return null;
}

/**
 * An amount box's text as the number it says, when it says one: full-width digits and points as typed with a Chinese
 * input method made ASCII (NFKC: ３８０００．５ → 38000.5, and 。 a point), spaces and a yuan sign dropped, thousands
 * separators dropped where they group thousands (12,600.50; trial 50: full-width digits were dropped, the figure lost
 * without a word). Commas elsewhere stay (1,2 is no figure, not 12).
 */
export function parseAmount(display: string | undefined): string {
  const text = (display ?? '')
    .normalize('NFKC')
    .replace(/[\s元¥]/g, '')
    .replace(/。/g, '.');
  return /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/.test(text) ? text.replace(/,/g, '') : text;
}

/**
 * A figure as typed, once parseAmount has read it: digits with at most one decimal point, and a sign (which the domain's
 * rules refuse as typed where a figure may not be negative). Not an exponent (1e3), not a word, not two points.
 */
const TYPED_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/**
 * An amount box's form value for its text: null when empty, the number when the text is one (full-width digits,
 * separators and a yuan sign read by parseAmount: ３８，０００ 元 = 38000), otherwise the text as typed, for amountRule or
 * the API (rule `type`) to refuse at the field. Antd's InputNumber kept the last number it could read instead
 * (12O00, a letter O, left 12 in the box and the form; 1e3 was 1000): a figure changed without a word.
 */
export function amountOfText(text: string): number | string | null {
  const plain = parseAmount(text);
  if (plain === '') return null;
  return TYPED_NUMBER.test(plain) ? Number(plain) : text;
}

/** What a figure box says of a text that is no figure (amountRule; a schema form's `type` refusal of one). */
export const NOT_A_FIGURE_WORDS = {
  zh: '须为数字（只用数字和小数点，如 12600.50）',
  en: 'Must be a number (digits and a decimal point only, e.g. 12600.50)',
} as const;

/** The same of a count (a schema's `integer`: the plan's sizes, the trip report's events). */
export const NOT_A_WHOLE_NUMBER_WORDS = {
  zh: '须为整数（只用数字，如 12）',
  en: 'Must be a whole number (digits only, e.g. 12)',
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a step's last completion recorded (the progress answer's `lastData`, for a step opened again), as the step
 * dialog's values: the inverse of what the dialog sends, for the steps whose figures or text are corrected rather than
 * retyped (A09's budget, a written outcome, P03's trip report, W01's figures; trial 52: a budget returned for one item
 * came back blank). Nothing for the others: a decision, a route or a passport is given anew.
 */
export function valuesOfData(
  code: string,
  data: Record<string, unknown>,
  schema?: string | null,
): {
  budget?: Record<string, unknown>;
  outcome?: string;
  summary?: string;
  outcomes?: Record<string, unknown>;
  figures?: Record<string, unknown>;
  visa?: Record<string, unknown>;
} {
  if (schema === 'budget-estimate') return isObject(data.budget) ? { budget: data.budget } : {};
  if (schema === 'visa-issued') return { visa: data };
  if (schema === 'written-outcome') return typeof data.outcome === 'string' ? { outcome: data.outcome } : {};
  if (code === 'P03')
    return {
      ...(typeof data.summary === 'string' ? { summary: data.summary } : {}),
      ...(isObject(data.outcomes) ? { outcomes: data.outcomes } : {}),
    };
  if (code === 'W01') return { figures: data };
  return {};
}
