/** The text rule lives in the domain (libs/domain/src/text-rule.ts): the API's edge and the workflow's validators share it. */
export { MAX_JSON_DEPTH, textError, textRuleBroken, textRuleErrors, type TextRule } from '@df/domain';
