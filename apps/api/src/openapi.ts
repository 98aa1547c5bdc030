import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { ERROR_STATUS } from './common/errors';

/**
 * OpenAPI from the zod schemas that validate the requests: every schema with a `.meta({ id })` becomes
 * components.schemas[id] (JSON Schema in the OpenAPI 3.0 dialect), and routes point at it with $ref.
 */
const COMPONENTS = '#/components/schemas/';

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
      errors: [{ field: 'members[0].rank', rule: 'enum', message: { zh: '取值须为：provincial、bureau、division、section、staff', en: 'Invalid option' } }],
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
    extra: { errors: [{ field: 'members[0].rank', rule: 'enum', message: { zh: '取值须为：provincial、bureau、division、section、staff', en: 'Invalid option' } }] },
  },
  401: { code: 'UNAUTHENTICATED', zh: '请先登录（缺少 Bearer 访问令牌）', en: 'Sign in first: a Bearer access token is required' },
  403: { code: 'WRONG_ROLE', zh: '此步骤由审批领导办理', en: 'This step is for the approving leader (leader)', extra: { stepKey: 'B07' } },
  404: { code: 'CASE_NOT_FOUND', zh: '没有这个案件', en: 'No such case' },
  409: { code: 'STEP_NOT_AWAITING', zh: '步骤 B07 当前状态为 pending，不在待办理状态', en: 'Step B07 is pending, not awaiting an action', extra: { stepKey: 'B07' } },
  422: {
    code: 'RULE_VIOLATION',
    zh: '出访申请不符合规定',
    en: 'The trip breaks the rules',
    extra: { violations: [{ code: 'SIZE_EXCEEDED', field: 'members', message: { zh: '团组人数7人，超过6人的上限', en: 'Delegation of 7 exceeds the limit of 6 members' } }] },
  },
  503: { code: 'TEMPORAL_UNAVAILABLE', zh: '流程引擎暂不可用，请稍后重试', en: 'The workflow engine is unavailable: try again later' },
};

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: every field at fault named by its path',
  401: 'No valid access token',
  403: "The caller's role or unit may not do this",
  404: 'No such case or step',
  409: 'Not possible in the current state (e.g. the step is not awaiting this action)',
  422: 'Well-formed but refused by the rules',
  503: 'Temporal is unavailable',
};

/** Documents the error responses a route can give, each with the Error schema and an example. */
export const errorResponses = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) => {
      const ex = EXAMPLES[status]!;
      return ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content: {
          'application/json': {
            schema: schemaRef(ErrorSchema),
            example: { statusCode: status, code: ex.code, message: { zh: ex.zh, en: ex.en }, requestId: '3b1f7c7e-5a1d-4a55-9a57-0b4b2f6f9d10', ...ex.extra },
          },
        },
      });
    }),
  );

/** Query parameters documented from the zod object that parses them. */
export const queryParams = (schema: z.ZodObject) =>
  applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) => {
      const json = z.toJSONSchema(field as z.ZodType, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      delete json.$schema;
      const description = typeof json.description === 'string' ? json.description : undefined;
      return ApiQuery({ name, required: false, schema: json, ...(description ? { description } : {}) });
    }),
  );

export const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key returns the first response instead of acting twice (1-200 characters, e.g. a UUID)',
    schema: { type: 'string', maxLength: 200, example: '0b9f2f7e-8c1a-4f0e-b8e3-0d8e2a6f4c11' },
  });

/** Adds every zod schema with an id to components.schemas (refs between them kept). */
export function addZodComponents(document: OpenAPIObject): OpenAPIObject {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENTS}${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  document.components ??= {};
  document.components.schemas ??= {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema;
    document.components.schemas[id] = rest as never;
  }
  return document;
}
