import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { ERROR_STATUS } from './common/errors';
import { MAX_JSON_DEPTH } from './common/text-rule';
import {
  BLANK_MESSAGE,
  FORMAT_ZH,
  NONBLANK_LINE_PATTERN,
  NONBLANK_TEXT_PATTERN,
  SINGLE_LINE_MESSAGE,
  TEXT_PATTERN,
} from './common/zod-text';
import { textError } from './common/text-rule';
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyKeyFormat } from './delegations/idempotency.service';

/**
 * OpenAPI from the zod schemas that validate the requests: every schema with a `.meta({ id })` becomes
 * components.schemas[id] (JSON Schema in the OpenAPI 3.0 dialect), and routes point at it with $ref.
 */
const COMPONENTS = '#/components/schemas/';

/**
 * A pattern's refusal in words, beside the pattern (`x-message`, {zh, en}): the web's form validation (Ajv over
 * components.schemas) says what the API says rather than show the regular expression (new-user trial: a lower-case
 * passport number read 格式不正确（须符合 ^[A-Z0-9]{5,20}$）). From the zod check's own message (formatMessage) or, for
 * the text rule's patterns, the text rule's.
 */
export const PATTERN_MESSAGE = 'x-message';
const joined = (...labels: Array<{ zh: string; en: string }>) => ({
  zh: labels.map((l) => l.zh).join('；'),
  en: labels.map((l) => l.en).join('; '),
});
/** The text rule's pattern: no control characters, no direction-changing ones (text-control, text-bidi). */
const TEXT_RULE_MESSAGE = joined(textError('', 'text-control').message, textError('', 'text-bidi').message);
/** Required text's pattern: the text rule, and not blank (only invisible characters). */
const NONBLANK_TEXT_MESSAGE = joined(BLANK_MESSAGE, TEXT_RULE_MESSAGE);
const NONBLANK_LINE_MESSAGE = joined(NONBLANK_TEXT_MESSAGE, SINGLE_LINE_MESSAGE);

export const ErrorSchema = z
  .looseObject({
    statusCode: z.number().int(),
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...Array<keyof typeof ERROR_STATUS>]),
    message: z.looseObject({ zh: z.string(), en: z.string() }),
    requestId: z.string().optional(),
    stepKey: z.string().optional(),
    errors: z
      .array(z.looseObject({ field: z.string(), rule: z.string(), message: z.looseObject({ zh: z.string(), en: z.string() }) }))
      .optional()
      .meta({ description: 'Every field at fault, by JSON path (e.g. members[0].rank), with the rule it breaks' }),
    violations: z
      .array(z.looseObject({ code: z.string(), message: z.looseObject({ zh: z.string(), en: z.string() }), field: z.string().optional() }))
      .optional()
      .meta({ description: 'Rule violations of the trip (checkTripRules), with codes' }),
  })
  .meta({
    id: 'Error',
    example: {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: { zh: '请求有1处错误', en: 'The request has 1 error(s)' },
      requestId: '3b1f7c7e-5a1d-4a55-9a57-0b4b2f6f9d10',
      errors: [
        {
          field: 'members[0].rank',
          rule: 'enum',
          message: {
            zh: '取值须为：provincial（省部级）、bureau（厅局级）、division（县处级）、section（乡科级）、staff（一般工作人员）',
            en: 'Must be one of: provincial (Provincial/ministerial), bureau (Bureau), division (Division), section (Section), staff (Staff)',
          },
        },
      ],
    },
  });

const idOf = (schema: z.ZodType): string => {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('schemaRef needs a schema with .meta({ id })');
  return id;
};

export const schemaRef = (schema: z.ZodType): { $ref: string } => ({ $ref: `${COMPONENTS}${idOf(schema)}` });

const EXAMPLES: Record<number, { code: string; zh: string; en: string; extra?: Record<string, unknown> }> = {
  400: {
    code: 'VALIDATION_FAILED',
    zh: '请求有1处错误',
    en: 'The request has 1 error(s)',
    extra: {
      errors: [
        {
          field: 'members[0].rank',
          rule: 'enum',
          message: {
            zh: '取值须为：provincial（省部级）、bureau（厅局级）、division（县处级）、section（乡科级）、staff（一般工作人员）',
            en: 'Must be one of: provincial (Provincial/ministerial), bureau (Bureau), division (Division), section (Section), staff (Staff)',
          },
        },
      ],
    },
  },
  401: { code: 'UNAUTHENTICATED', zh: '请先登录（缺少 Bearer 访问令牌）', en: 'Sign in first: a Bearer access token is required' },
  403: { code: 'WRONG_ROLE', zh: '此步骤由审批领导办理', en: 'This step is for: Approving leader', extra: { stepKey: 'B07' } },
  404: { code: 'CASE_NOT_FOUND', zh: '没有这个案件', en: 'No such case' },
  409: {
    code: 'STEP_NOT_AWAITING',
    zh: '步骤 B07 当前状态为未开始，不在待办理状态',
    en: 'Step B07 is pending, not awaiting an action',
    extra: { stepKey: 'B07' },
  },
  422: {
    code: 'RULE_VIOLATION',
    zh: '出访申请不符合规定',
    en: 'The trip breaks the rules',
    extra: {
      violations: [
        {
          code: 'SIZE_EXCEEDED',
          field: 'members',
          message: { zh: '团组人数7人，超过6人的上限', en: 'Delegation of 7 exceeds the limit of 6 members' },
        },
      ],
    },
  },
  413: { code: 'PAYLOAD_TOO_LARGE', zh: '请求内容过大', en: 'The request body is too large' },
  415: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    zh: '请求体须为 JSON（Content-Type: application/json）',
    en: 'The request body must be JSON (Content-Type: application/json)',
  },
  429: { code: 'VALIDATION_FAILED', zh: '请求过于频繁，请稍后重试', en: 'Too many requests: try again after Retry-After seconds' },
  503: { code: 'TEMPORAL_UNAVAILABLE', zh: '流程引擎暂不可用，请稍后重试', en: 'The workflow engine is unavailable: try again later' },
};

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: every field at fault named by its path',
  401: 'No valid access token',
  403: "The caller's role or unit may not do this",
  404: 'No such case or step (said before the role, separation of duties and the state)',
  409: 'Not possible in the current state (e.g. the step is not awaiting this action; CASE_INCIDENT: the case is paused by an incident, and an action taken as it stopped is held, recorded once the incident is resolved)',
  413: 'The body is larger than 100 KiB',
  415: 'The body is not JSON (Content-Type must be application/json)',
  422: 'Well-formed but refused by the rules',
  429: 'Too many requests: wait Retry-After seconds',
  431: 'Request headers too large (answered by the HTTP server, no JSON body)',
  503: 'PostgreSQL or Temporal is unavailable, or the outcome is unknown: wait Retry-After seconds and retry (actions: with the same Idempotency-Key)',
};

/** Documents the error responses a route can give, each with the Error schema and an example. */
export const errorResponses = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, ...errorResponse(status) })));

/**
 * A path parameter documented as the service parses it (parsePathParam with the same zod schema): a contract fuzzer's
 * valid value is then valid here, and what the document refuses is 400 `path.<name>` (test/e2e/api-input-lows.test.ts
 * walks every such parameter of the document).
 */
export const pathParam = (name: string, schema: z.ZodType, description: string) =>
  ApiParam({ name, description, schema: z.toJSONSchema(schema, { target: 'openapi-3.0' }) as Record<string, unknown> });

/** Query parameters documented from the zod object that parses them. */
export const queryParams = (schema: z.ZodObject) =>
  applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) => {
      const json = z.toJSONSchema(field as z.ZodType, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >;
      delete json.$schema;
      const description = typeof json.description === 'string' ? json.description : undefined;
      return ApiQuery({ name, required: false, schema: json, ...(description ? { description } : {}) });
    }),
  );

export const IdempotencyKeyHeader = (
  description = 'A retry with the same key returns the first response instead of acting twice (1-200 characters, e.g. a UUID)',
) =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description,
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        pattern: IDEMPOTENCY_KEY_PATTERN,
        example: '0b9f2f7e-8c1a-4f0e-b8e3-0d8e2a6f4c11',
      },
    }),
    // The key's format wherever the header is documented, in one place (IdempotencyKeyFormat), not per handler.
    UseInterceptors(IdempotencyKeyFormat),
  );

/** A multipart operation's (the upload's) own 413 and 415: its size limit is the file's, its media type multipart. */
const MULTIPART: Record<number, { description: string; example: (typeof EXAMPLES)[number] }> = {
  413: {
    description: 'The file is larger than ATTACHMENT_MAX_BYTES (10 MiB by default)',
    example: { code: 'PAYLOAD_TOO_LARGE', zh: '文件过大', en: 'The file is too large' },
  },
  415: {
    description: 'The body is not multipart/form-data with a boundary',
    example: {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      zh: '请求体须为 multipart/form-data（带 boundary）',
      en: 'The request body must be multipart/form-data (with a boundary)',
    },
  },
};

const errorResponse = (status: number, multipart = false) => {
  if (status === 431) return { description: DESCRIPTIONS[431]! };
  const own = multipart ? MULTIPART[status] : undefined;
  const ex = own?.example ?? EXAMPLES[status] ?? { code: 'VALIDATION_FAILED', zh: '请求无法处理', en: 'The request cannot be processed' };
  return {
    description: own?.description ?? DESCRIPTIONS[status] ?? 'Error',
    content: {
      'application/json': {
        schema: schemaRef(ErrorSchema),
        example: {
          statusCode: status,
          code: ex.code,
          message: { zh: ex.zh, en: ex.en },
          requestId: '3b1f7c7e-5a1d-4a55-9a57-0b4b2f6f9d10',
          ...ex.extra,
        },
      },
    },
  };
};

/**
 * Any JSON value whose strings and keys follow the text rule: the contract of free-form `data`. The server
 * also refuses nesting deeper than MAX_JSON_DEPTH (not expressible in JSON Schema).
 */
const JSON_VALUE = {
  description: `Any JSON value; strings and keys without control characters (text rule); at most ${MAX_JSON_DEPTH} levels deep`,
  nullable: true,
  anyOf: [
    { type: 'string', pattern: TEXT_PATTERN, [PATTERN_MESSAGE]: TEXT_RULE_MESSAGE },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: { $ref: `${COMPONENTS}JsonValue` } },
    { type: 'object', additionalProperties: { $ref: `${COMPONENTS}JsonValue` } },
  ],
};

/**
 * Makes the contract state the edge rules every operation shares, so fuzzers read what the server does:
 * the statuses any operation can give (400 query/headers, 429 rate limits, 431 header size, 503 outages;
 * 413/415 with a body; 401/403 behind sign-in; 404 with a path id), the text rule as a `pattern` on every
 * request string that has none, and free-form objects as JsonValue.
 */
export function addEdgeContract(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components!.schemas ??= {}) as Record<string, Record<string, unknown>>;
  schemas.JsonValue = JSON_VALUE;
  const requestIds = new Set<string>();
  const patchStrings = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(patchStrings);
    const n = node as Record<string, unknown>;
    if (typeof n.$ref === 'string') {
      const id = n.$ref.slice(COMPONENTS.length);
      if (id !== 'JsonValue' && !requestIds.has(id)) {
        requestIds.add(id);
        patchStrings(schemas[id]);
      }
      return;
    }
    if (n.type === 'string' && !n.enum && !n.pattern && !n.format && !('const' in n)) {
      n.pattern = TEXT_PATTERN;
      n[PATTERN_MESSAGE] = TEXT_RULE_MESSAGE;
    }
    if (
      n.type === 'object' &&
      n.additionalProperties &&
      typeof n.additionalProperties === 'object' &&
      Object.keys(n.additionalProperties).length === 0
    )
      n.additionalProperties = { $ref: `${COMPONENTS}JsonValue` };
    for (const [k, v] of Object.entries(n)) if (k !== 'example' && k !== 'examples') patchStrings(v);
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const responses = (op.responses ??= {}) as Record<string, unknown>;
      const body = op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined;
      const secured = Array.isArray(op.security) && op.security.length > 0;
      const statuses = [400, 431, 503];
      if (path.startsWith('/api/')) statuses.push(429);
      if (body) statuses.push(413, 415);
      if (secured) statuses.push(401, 403);
      if (path.includes('{')) statuses.push(404);
      const multipart = !!body?.content?.['multipart/form-data'] && !body.content['application/json'];
      for (const status of statuses) responses[String(status)] ??= errorResponse(status);
      // A multipart body's limits are its own, whatever the route's decorators declared.
      if (multipart) for (const status of [413, 415]) responses[String(status)] = errorResponse(status, true);
      patchStrings(body?.content?.['application/json']?.schema);
      for (const p of (op.parameters as Array<{ in: string; schema?: unknown }> | undefined) ?? [])
        if (p.in === 'query' || p.in === 'header' || p.in === 'path') patchStrings(p.schema); // path: the auth guard's text rule
    }
  }
  return document;
}

function patternMessage(zodSchema: z.core.$ZodType, pattern: string): { zh: string; en: string } | undefined {
  if (pattern === TEXT_PATTERN) return TEXT_RULE_MESSAGE;
  if (pattern === NONBLANK_TEXT_PATTERN) return NONBLANK_TEXT_MESSAGE;
  if (pattern === NONBLANK_LINE_PATTERN) return NONBLANK_LINE_MESSAGE;
  const checks = (zodSchema._zod.def as { checks?: Array<{ _zod: { def: { format?: string; error?: (issue: unknown) => unknown } } }> })
    .checks;
  for (const check of checks ?? []) {
    const def = check._zod.def;
    if (def.format !== 'regex' || !def.error) continue;
    const en = def.error({});
    if (typeof en === 'string') return { zh: FORMAT_ZH.get(en) ?? en, en };
  }
  return undefined;
}

/** Adds every zod schema with an id to components.schemas (refs between them kept). */
export function addZodComponents(document: OpenAPIObject): OpenAPIObject {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENTS}${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      const message = typeof jsonSchema.pattern === 'string' ? patternMessage(zodSchema, jsonSchema.pattern) : undefined;
      if (message) (jsonSchema as Record<string, unknown>)[PATTERN_MESSAGE] = message;
    },
  }) as { schemas: Record<string, Record<string, unknown>> };
  document.components ??= {};
  document.components.schemas ??= {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema;
    document.components.schemas[id] = rest as never;
  }
  return document;
}
