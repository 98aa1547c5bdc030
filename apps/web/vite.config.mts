import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { bundleBudget } from './bundle-budget.mts';

// The web app: built into dist/web, which the API serves at `/` (apps/api/src/web). JSX goes through
// Vite's own oxc transform (React's automatic runtime); no React plugin is needed for a production build.
const here = dirname(fileURLToPath(import.meta.url));
const apiOrigin = `http://localhost:${process.env.PORT || 3000}`;

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // Fails the build when a chunk outgrows its budget (bundle-budget.mts; docs/web.md "Bundle budget").
  plugins: [bundleBudget()],
  build: {
    outDir: resolve(here, '../../dist/web'),
    emptyOutDir: true,
    // Bundle budget (docs/web.md): no chunk over 1,500 kB minified (Ant Design's is the largest);
    // ECharts is its own lazily loaded chunk, fetched only by the case page and the board.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // antd marks its modules "use client" (for React Server Components); meaningless in a client bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            // Ant Design but Upload and the Progress its list draws, and the DatePicker: those go with the lazily
            // loaded attachments card and day fields (the groups below, after this one, take what this one left), not
            // in the first load.
            {
              name: 'antd',
              test: /node_modules[\\/](antd(?![\\/]es[\\/](upload|progress|date-picker)[\\/])|@ant-design|rc-[^\\/]+|@rc-component(?![\\/](upload|picker)[\\/]))[\\/]/,
            },
            { name: 'antd-upload', test: /node_modules[\\/](antd[\\/]es[\\/](upload|progress)|@rc-component[\\/]upload)[\\/]/ },
            // Every day field's picker (Ant Design's DatePicker, its rc-component and dayjs): loaded with the first day
            // field a page shows (DayField.tsx imports DayPicker.tsx lazily), not in the first load.
            { name: 'antd-picker', test: /node_modules[\\/](antd[\\/]es[\\/]date-picker|@rc-component[\\/]picker|dayjs)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
  // The API of `npm start` on this machine: its PORT (3000 by default), as the README's configuration says.
  server: { proxy: { '/api': apiOrigin, '/health': apiOrigin } },
});
