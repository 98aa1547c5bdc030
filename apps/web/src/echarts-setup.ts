// Only the parts of ECharts the app draws (graph, bar, custom Gantt bars, SVG), so its chunk stays small.
import { BarChart, CustomChart, GraphChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

// The legend: the board's cases by phase, one bar segment per process (trial 71: configured, never drawn).
use([BarChart, CustomChart, GraphChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export { init };
