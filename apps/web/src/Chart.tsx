import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

/**
 * An ECharts chart. ECharts is imported on first use only, so it sits in its own chunk that the
 * sign-in page, the inbox and the forms never download (bundle budget: docs/web.md).
 */
export function Chart({ option, height = 320, label }: { option: EChartsOption; height?: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let chart: { setOption(o: EChartsOption, notMerge?: boolean): void; dispose(): void; resize(): void } | null = null;
    let disposed = false;
    const onResize = () => chart?.resize();
    void import('./echarts-setup').then((echarts) => {
      if (disposed || !ref.current) return;
      chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
      chart.setOption(option, true);
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [option]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
