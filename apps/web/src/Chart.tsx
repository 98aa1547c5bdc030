import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';
import { useT } from './i18n';

/**
 * An ECharts chart. ECharts is imported on first use only, so it sits in its own chunk that the
 * sign-in page, the inbox and the forms never download (bundle budget: docs/web.md).
 */
export function Chart({ option, height = 320, label }: { option: EChartsOption; height?: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // ECharts' own words (a time axis's months: 3月 or Mar) in the user's language (forty-seventh trial: 3月 in English).
  const { lang } = useT();
  useEffect(() => {
    let chart: { setOption(o: EChartsOption, notMerge?: boolean): void; dispose(): void; resize(): void } | null = null;
    let disposed = false;
    const onResize = () => chart?.resize();
    void import('./echarts-setup').then((echarts) => {
      if (disposed || !ref.current) return;
      chart = echarts.init(ref.current, undefined, { renderer: 'svg', locale: lang === 'zh' ? 'ZH' : 'EN' });
      chart.setOption(option, true);
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [option, lang]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
