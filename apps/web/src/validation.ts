import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldError } from './api';

/**
 * Validation as the user types, with the API's own rules: the request schemas of the OpenAPI document
 * (GET /api/docs-json, generated from the same zod schemas that validate the requests), compiled with
 * Ajv in the browser. Nothing is re-written here; only the messages of Ajv's keywords are put into words.
 */
let compiled: Promise<(component: string) => ValidateFunction> | null = null;

function load(): Promise<(component: string) => ValidateFunction> {
  return (compiled ??= fetch('/api/docs-json')
    .then((r) => r.json() as Promise<{ components: { schemas: Record<string, unknown> } }>)
    .then((doc) => {
      // OpenAPI 3.0 dialect: `nullable` is understood by Ajv; formats are backed by patterns in the schemas.
      const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
      ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
      const cache = new Map<string, ValidateFunction>();
      return (component: string) => {
        let fn = cache.get(component);
        if (!fn) cache.set(component, (fn = ajv.compile({ $ref: `openapi#/components/schemas/${component}` })));
        return fn;
      };
    })
    .catch((e: unknown) => {
      compiled = null;
      throw e;
    }));
}

/** `/members/0/rank` → `members[0].rank` (the API's field paths). */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function message(e: ErrorObject): FieldError['message'] {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { zh: '必填', en: 'Required' };
    case 'pattern':
      return { zh: `格式不正确（${String(p.pattern)}）`, en: `Wrong format (${String(p.pattern)})` };
    case 'enum':
      return {
        zh: `取值须为：${(p.allowedValues as unknown[]).join('、')}`,
        en: `Must be one of: ${(p.allowedValues as unknown[]).join(', ')}`,
      };
    case 'minLength':
      return { zh: `至少 ${String(p.limit)} 个字符`, en: `At least ${String(p.limit)} characters` };
    case 'maxLength':
      return { zh: `最多 ${String(p.limit)} 个字符`, en: `At most ${String(p.limit)} characters` };
    case 'minItems':
      return { zh: `至少 ${String(p.limit)} 项`, en: `At least ${String(p.limit)} items` };
    case 'maxItems':
      return { zh: `最多 ${String(p.limit)} 项`, en: `At most ${String(p.limit)} items` };
    case 'type':
      return { zh: `类型须为 ${String(p.type)}`, en: `Must be ${String(p.type)}` };
    case 'additionalProperties':
      return { zh: '不允许的字段', en: 'Field not allowed' };
    default:
      return { zh: `不符合规则 ${e.keyword}`, en: `Breaks the rule ${e.keyword}` };
  }
}

/** Validates `value` against the OpenAPI component `component`; every error with its field path. */
export async function validate(component: string, value: unknown): Promise<FieldError[]> {
  const fn = (await load())(component);
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => ({
    field: fieldPath(
      e.instancePath,
      e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : undefined,
    ),
    rule: e.keyword,
    message: message(e),
  }));
}
