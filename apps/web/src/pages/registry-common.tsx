import { Typography } from 'antd';
import { ApiError } from '../api';
import { useErrorText } from '../common';
import { REGISTRY_WRITERS, unitReach } from '../../../../libs/domain/src/access';
import type { RegisteredUnit } from '../../../../libs/domain/src/registries';

// What the registries' tabs share (Registries.tsx, and PlansTab.tsx, loaded apart: the bundle budget, docs/web.md).

/** The registries this page writes, by the one table the API's guards read (libs/domain/src/access.ts). */
export const WRITERS = {
  units: REGISTRY_WRITERS.units,
  people: REGISTRY_WRITERS.people,
  passports: REGISTRY_WRITERS.passports,
  calendar: REGISTRY_WRITERS.calendar,
  plans: REGISTRY_WRITERS.plans,
  planApproval: REGISTRY_WRITERS.planApproval,
  processVersions: REGISTRY_WRITERS.processVersions,
};
export const mayWrite = (registry: keyof typeof WRITERS, role: string) => (WRITERS[registry] as readonly string[]).includes(role);
/** Roles that read every unit's entries (FAO roles, the leader, the manager): they get the API's `?unit=` filter. */
export const readsAll = (role: string) => unitReach(role as never) === 'any';

/** GET /api/registries/units: a registered unit and the API's effective suspension of it. */
export type UnitRow = RegisteredUnit & {
  suspension: { suspended: boolean; reasons: Array<{ code: string; message: { zh: string; en: string } }> };
};
/**
 * A unit of the list whose records the reader does not read (the API's mayReadUnitRecords: a government unit, for the
 * APEC desk and the enterprise clerk): its code and names only, the other columns blank.
 */
export type UnitListRow = UnitRow | Pick<RegisteredUnit, 'code' | 'nameZh' | 'nameEn'>;

export const enc = encodeURIComponent;
export const trimmed = (s: string | null | undefined) => (s ?? '').trim();
export const orNull = (s: string | null | undefined) => trimmed(s) || null;

/**
 * A form's refusal from the API, under the form: its top-level message, unless a field already shows the same words
 * (a 409 naming its field says it once, at the field: trial, the passport refusal read twice).
 */
export function ServerNote({ error }: { error: unknown }) {
  const errText = useErrorText();
  if (!error) return null;
  if (error instanceof ApiError && error.errors.some((e) => e.message.zh === error.bilingual.zh)) return null;
  return (
    <Typography.Paragraph type="danger" role="alert">
      {errText(error)}
    </Typography.Paragraph>
  );
}
