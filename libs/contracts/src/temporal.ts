import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Task queue every delegation worker polls; several workers may share it. */
export const DEFAULT_TASK_QUEUE = 'delegations';

/** Workflow id of a case: stable, so the Temporal CLI and the API find the same run. */
export const delegationWorkflowId = (caseId: string): string => `delegation-${caseId}`;

/**
 * Custom search attributes, registered on the dev server by the launcher and the test setup and
 * kept current by the workflow. No personal data here: these are visible to anyone with namespace read access.
 */
export const SearchAttributes = {
  DelegationUnit: defineSearchAttributeKey('DelegationUnit', SearchAttributeType.KEYWORD),
  DepartureDate: defineSearchAttributeKey('DepartureDate', SearchAttributeType.DATETIME),
  Phase: defineSearchAttributeKey('Phase', SearchAttributeType.KEYWORD),
  Countries: defineSearchAttributeKey('Countries', SearchAttributeType.KEYWORD_LIST),
  AtRisk: defineSearchAttributeKey('AtRisk', SearchAttributeType.BOOL),
  ForecastReadyDate: defineSearchAttributeKey('ForecastReadyDate', SearchAttributeType.DATETIME),
  /** The case is stopped by an incident (issue 12 item 2): `temporal workflow list --query "Incident=true"`. */
  Incident: defineSearchAttributeKey('Incident', SearchAttributeType.BOOL),
} as const;

/** The CLI's `--search-attribute Name=Type` spelling of each attribute type. */
const CLI_TYPE_NAMES: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export const searchAttributeCliArgs = (): string[] =>
  Object.values(SearchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
