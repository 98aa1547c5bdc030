import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { annualPlanFinding, planReasonsMissing } from '../check-plan';
import type { Progress } from '../api';
import type { useT } from '../i18n';
import { joinNames } from '../lists';

/**
 * A trip's annual plan lines for a summary (the case page's overview, a decision dialog's): what the plan check found,
 * and the approvals a later check finds without the unit's written reason (trial 66: neither was shown anywhere). None
 * for another process, or before the check is done. `testId` prefixes the lines' test ids (`case`, `dialog`); the
 * page's translator says them.
 */
export function planCheckItems(
  p: Progress,
  trip: boolean,
  testId: 'case' | 'dialog',
  { t, pick, lang }: Pick<ReturnType<typeof useT>, 't' | 'pick' | 'lang'>,
): Array<{ label: string; children: ReactNode }> {
  const finding = trip ? annualPlanFinding(p) : undefined;
  const missing = trip ? planReasonsMissing(p, lang) : [];
  return [
    ...(finding ? [{ label: t('planCheckFinding'), children: <span data-testid={`${testId}-plan-check`}>{pick(finding)}</span> }] : []),
    ...(missing.length > 0
      ? [
          {
            label: t('planReasonMissing'),
            children: (
              <Typography.Text type="danger" data-testid={`${testId}-plan-reason-missing`}>
                {joinNames(missing, lang)}
              </Typography.Text>
            ),
          },
        ]
      : []),
  ];
}
