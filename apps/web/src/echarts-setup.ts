// Only the parts of ECharts the app draws (graph, bar, custom Gantt bars, SVG), so its chunk stays small.
import { BarChart, CustomChart, GraphChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, CustomChart, GraphChart, GridComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export { init };
