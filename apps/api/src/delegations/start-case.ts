import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { EntityManager } from 'typeorm';
import { DELEGATION_WORKFLOW_TYPE, type DelegationInput } from '@df/contracts';
import { CalendarSpanError } from '@df/domain';
import { writeProgressSnapshots } from '@df/persistence';
import { firstTurn } from '../../../../workflows/engine/first-turn';
import { startInputProblems } from '../../../../workflows/engine/input';
import type { ServiceConfig } from '@df/runtime';
import type { JsonLogger } from '../common/json-logger';
import type { TemporalClientService } from '../temporal/temporal-client.provider';
import { domainError } from '../common/errors';
import { echo } from '../common/echo';
import { NotSent } from './temporal-errors';

/**
 * A submission's first turn (firstTurn: its plan for the 201, the page's first answer), or a definite refusal. It is a
 * pure computation on the submission and the stored process version, before anything is sent: a failure fails the same
 * way on every retry, so it is never an unknown outcome (new-user trial: a version published with US processingWd 1e9
 * planned the visa step past the working-day calendar's span, and every US-bound submission answered 503
 * OUTCOME_UNKNOWN, "retry with the same Idempotency-Key", with no cause logged). 409 ACTION_NOT_ALLOWED (the office's
 * process version, not the submission, is at fault: nothing the organizer can change), its cause logged for operators.
 */
export function submissionFirstTurn(input: DelegationInput, at: number, logger: JsonLogger): ReturnType<typeof firstTurn> {
  try {
    return firstTurn(input, at, randomUUID);
  } catch (err) {
    const version = echo(input.definition?.version ?? '');
    logger.event('error', 'submission not planned', {
      caseId: input.caseId,
      definitionVersion: input.definition?.version,
      error: err instanceof Error ? err.message : String(err),
      ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
    });
    const [zh, en] =
      err instanceof CalendarSpanError
        ? [
            `无法为本案排期：现行流程版本 ${version} 的设置使办理期限超出工作日历的范围，请外办发布更正后的流程版本`,
            `The case cannot be planned: the settings of the current process version ${version} put its steps beyond the working-day calendar's span; the FAO must publish a corrected version`,
          ]
        : [
            `无法为本案排期（现行流程版本 ${version}），请联系外办`,
            `The case cannot be planned under the current process version ${version}: contact the FAO`,
          ];
    throw domainError('ACTION_NOT_ALLOWED', zh, en, {
      errors: [{ field: '(request)', rule: 'plannable', message: { zh, en } }],
    });
  }
}

/**
 * Starts a case: the one `delegation` workflow, whatever the process (the definition is in `input`), on `taskQueue`
 * with `workflowId` (derived from the case id). Returns the client for what the caller sends next, and whether this
 * call started the workflow (false: a keyed retry met the one it started before).
 * Errors: NotSent when Temporal could not be reached (nothing was sent: a definite refusal); any other failure
 * leaves the outcome unknown (the caller answers 503). With an Idempotency-Key (`keyed`) the id was derived from
 * the key, so a retry meeting its own running workflow is that case, started before; without one it is an error.
 * An input the workflow would refuse at its start (startInputProblems: it fails the case at once with INVALID_INPUT)
 * is never sent: 422 INVALID_REQUEST naming each problem, a definite refusal, so the caller releases what it
 * claimed (new-user trial: an APEC application needed by 2099 started a case that failed at once and held its
 * applicants for good). Each entry point refuses its own fields first; this is the one backstop for all of them.
 */
export async function startCaseWorkflow(
  temporal: TemporalClientService,
  taskQueue: string,
  workflowId: string,
  input: DelegationInput,
  keyed: boolean,
): Promise<{ client: Client; started: boolean }> {
  const problems = startInputProblems(input);
  if (problems.length > 0)
    throw domainError(
      'INVALID_REQUEST',
      '案件无法办理：其数据不符合流程引擎的要求',
      "The case cannot be run: its data breaks the engine's rules",
      {
        errors: problems.map((p) => {
          const [field = '(request)', ...rule] = p.split(': ');
          return { field, rule: 'engine-input', message: { zh: rule.join(': ') || p, en: rule.join(': ') || p } };
        }),
      },
    );
  let client;
  try {
    client = await temporal.client();
  } catch (err) {
    throw new NotSent(err);
  }
  try {
    await client.workflow.start(DELEGATION_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
  } catch (err) {
    if (!(keyed && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { client, started: false };
  }
  return { client, started: true };
}

/**
 * The case page's first answer for a case this call started, stored as the workflow's first turn will publish it
 * (firstTurn, at `at`: the submission instant, epoch ms; `turn` when the caller already ran it for the
 * submission's plan), so the page answers at once instead of waiting
 * for that turn's workflow task (seconds behind other cases' tasks under load: docs/benchmarks.md). Served by
 * the rules of any published answer (DelegationsService.currentProgress); the workflow's own answer, at a later
 * case time, replaces it. Nothing when published answers are off (API_PROGRESS_SNAPSHOT_MAX_AGE_MS 0) or the
 * workflow would refuse the input (INVALID_INPUT: no first turn to show). Best effort: the case is started
 * either way, so a failure is logged (warn), never thrown.
 */
export async function storeFirstAnswer(
  manager: EntityManager,
  config: Pick<ServiceConfig, 'apiProgressSnapshotMaxAgeMs'>,
  logger: JsonLogger,
  input: DelegationInput,
  at: number,
  turn?: Pick<ReturnType<typeof firstTurn>, 'answer' | 'lastSeq'>,
): Promise<void> {
  if (config.apiProgressSnapshotMaxAgeMs === 0 || startInputProblems(input).length > 0) return;
  try {
    const { answer, lastSeq } = turn ?? firstTurn(input, at, randomUUID);
    await writeProgressSnapshots(manager, [{ caseId: input.caseId, lastSeq, caseNow: at, answer }]);
  } catch (err) {
    logger.event('warn', 'first progress answer not stored', {
      caseId: input.caseId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
