import type { DefinitionChange, Gender, PassportType, UnitStatus } from './registries';
import type { Label } from './roles';

/**
 * The registries' codes as pages and messages name them (the code stays in the data): a unit's status, a person's
 * gender, a passport's type and a calendar year's source. The person's status and the passport's custody state are
 * registries.ts's (PERSON_STATUS_LABELS, PASSPORT_STATE_LABELS), the rank facts.ts's (RANK_LABELS).
 */
export const UNIT_STATUS_LABELS: Record<UnitStatus, Label> = {
  active: { zh: '正常', en: 'Active' },
  suspended: { zh: '已暂停申报', en: 'Suspended' },
};

export const GENDER_LABELS: Record<Gender, Label> = {
  male: { zh: '男', en: 'Male' },
  female: { zh: '女', en: 'Female' },
};

export const PASSPORT_TYPE_LABELS: Record<PassportType, Label> = {
  official: { zh: '公务护照', en: 'Official' },
  diplomatic: { zh: '外交护照', en: 'Diplomatic' },
  service: { zh: '公务普通护照', en: 'Service' },
};

/** GET /api/registries/calendars: where a year's days off come from. */
export const CALENDAR_SOURCE_LABELS: Record<'loaded' | 'package' | 'provisional', Label> = {
  loaded: { zh: '外办载入', en: 'Loaded by the office' },
  package: { zh: '内置数据', en: 'Built-in data' },
  provisional: { zh: '暂排（仅法定节假日）', en: 'Provisional (statutory holidays only)' },
};

/** GET /api/registries/process-versions: what changed in a version against the one before. */
export const DEFINITION_CHANGE_LABELS: Record<DefinitionChange['kind'], Label> = {
  'step-added': { zh: '新增步骤', en: 'Step added' },
  'step-removed': { zh: '删除步骤', en: 'Step removed' },
  'step-changed': { zh: '步骤变更', en: 'Step changed' },
  'setting-changed': { zh: '参数变更', en: 'Setting changed' },
};
