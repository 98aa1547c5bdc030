import { Tag } from 'antd';
import { TAG } from '../common';
import { tenths } from '../case-figures';
import { useT } from '../i18n';

/**
 * The slack column of the case tables (board and case list): working days of slack to departure, red when the
 * case is at risk, green when on track, and 暂排 when the plan counts on a provisional holiday schedule.
 * A case with no slack, or with no time to departure left to count (`closed`: departed or closed), shows a dash.
 */
export function SlackCell({
  slackWd,
  atRisk,
  provisionalCalendar,
  closed = false,
}: {
  slackWd: number | null;
  atRisk: boolean;
  provisionalCalendar?: boolean | undefined;
  closed?: boolean;
}) {
  const { t } = useT();
  if (slackWd === null || closed) return <>—</>;
  return (
    <>
      <Tag color={atRisk ? TAG.red : TAG.green} data-testid={atRisk ? 'at-risk' : undefined}>
        {tenths(slackWd).toFixed(1)} {atRisk ? t('atRisk') : t('onTrack')}
      </Tag>
      {provisionalCalendar ? <Tag title={t('provisionalHint')}>{t('provisional')}</Tag> : null}
    </>
  );
}
