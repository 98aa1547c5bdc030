import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { annualPlanFinding, planReasonsMissing, planReasonsStated } from '../check-plan';
import type { Progress } from '../api';
import type { useT } from '../i18n';
import { joinNames } from '../lists';

/**
 * A trip's annual plan lines for a summary (the case page's overview, a decision dialog's): what the plan check found,
 * the unit's written reason an approval stated (trial 67), and the approvals a later check finds without it (trial 66:
 * neither was shown anywhere). None
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
  const stated = trip ? planReasonsStated(p, lang) : [];
  return [
    ...(finding ? [{ label: t('planCheckFinding'), children: <span data-testid={`${testId}-plan-check`}>{pick(finding)}</span> }] : []),
    ...(stated.length > 0
      ? [
          {
            label: t('planReasonStated'),
            children: (
              <span data-testid={`${testId}-plan-reason-stated`} style={{ whiteSpace: 'pre-wrap' }}>
                {stated.join('\n')}
              </span>
            ),
          },
        ]
      : []),
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
