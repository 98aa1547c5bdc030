import { DECISION_KIND_LABELS, STEP_STATUS_LABELS } from '@df/contracts';
import {
  ATTACHMENT_KIND_LABELS,
  CARD_STATUS_LABELS,
  CASE_STATUS_LABELS,
  ENTERPRISE_SIZE_LABELS,
  EXIT_REASON_LABELS,
  NOT_LISTED_LABEL,
  OWNERSHIP_LABELS,
  PASSPORT_STATE_LABELS,
  PERSON_STATUS_LABELS,
  PHASE_LABELS,
  PROCESS_LABELS,
  PURPOSE_LABELS,
  RANK_LABELS,
  ROLE_LABELS,
  STEP_KIND_LABELS,
  WHITELIST_MOVE_LABELS,
  WHITELIST_STATE_LABELS,
  labelledCodes,
  type Label,
} from '@df/domain';

/**
 * The label tables an enum's accepted values are named from (their one home each), most specific first: the
 * first table that holds every value names them (card statuses before passport states: both have lost and
 * cancelled). An enum no table covers (true/false, csv/xlsx…) is listed by its codes alone.
 */
const TABLES: ReadonlyArray<Readonly<Record<string, Label>>> = [
  ROLE_LABELS,
  PHASE_LABELS,
  CASE_STATUS_LABELS,
  STEP_STATUS_LABELS,
  RANK_LABELS,
  PURPOSE_LABELS,
  DECISION_KIND_LABELS,
  PROCESS_LABELS,
  ATTACHMENT_KIND_LABELS,
  STEP_KIND_LABELS,
  ENTERPRISE_SIZE_LABELS,
  OWNERSHIP_LABELS,
  { ...WHITELIST_STATE_LABELS, 'not-listed': NOT_LISTED_LABEL },
  EXIT_REASON_LABELS,
  CARD_STATUS_LABELS,
  PERSON_STATUS_LABELS,
  PASSPORT_STATE_LABELS,
  WHITELIST_MOVE_LABELS,
];

/**
 * The values a field accepts, for an `enum` refusal: each code (what a client sends) with its label beside it,
 * `provincial（省部级）、bureau（厅局级）…` / `provincial (Provincial), bureau (Bureau), …`.
 */
export function enumChoices(values: readonly unknown[]): Label {
  const codes = values.map(String);
  const table = TABLES.find((t) => codes.every((c) => Object.prototype.hasOwnProperty.call(t, c)));
  return labelledCodes(codes, table ?? {});
}
