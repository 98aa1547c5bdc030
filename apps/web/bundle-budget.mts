import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * The bundle budget (docs/web.md), enforced by every `vite build`: a chunk over its budget fails the build,
 * naming the chunk, its size and the budget. Sizes are minified bytes (kB = 1,000 bytes), as Vite reports them.
 * Chunks are matched by name: `index` is the entry (React and the app's eagerly loaded pages).
 */
export const BUDGETS_KB: Record<string, number> = {
  index: 250,
  antd: 1500,
  echarts: 700,
  CasePage: 30,
  Board: 30,
  // The registries (登记簿): units, people, passports, calendar, process versions; loaded when opened.
  Registries: 30,
  // Its annual plans tab (年度出访计划): loaded when that tab is opened.
  PlansTab: 15,
  // The FAO director's form to check and publish a process version: loaded with the versions tab for that role only.
  PublishVersion: 10,
  // The attachments card and Ant Design's Upload it alone uses: loaded with the case page's card, not the first load.
  AttachmentsCard: 30,
  // The documents block of a step's dialog (A03, A05: RequiredDocuments.tsx), with Upload: loaded when such a step opens.
  RequiredDocuments: 5,
  'antd-upload': 60,
  // Ant Design's DatePicker (rc-picker, dayjs) and the app's picker around it (DayPicker.tsx): loaded with the first
  // day field a page shows (DayField.tsx, every date field of the app), not the first load.
  'antd-picker': 150,
  DayPicker: 5,
};
/** Chunks loaded when a page needs them, never by the first load: a static import that pulls one in fails the build. */
export const LAZY_CHUNKS = ['echarts', 'antd-upload', 'antd-picker', 'DayPicker'];
/** Every JavaScript chunk the first load of any page downloads (entry and its static imports), together. */
export const FIRST_LOAD_BUDGET_KB = 1800;

export function bundleBudget(): Plugin {
  return {
    name: 'bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o) => o.type === 'chunk');
      const over: string[] = [];
      const report: Array<{ name: string; file: string; kB: number; gzipKB: number; budgetKB: number | null }> = [];
      for (const c of chunks) {
        const bytes = Buffer.byteLength(c.code);
        const budget = BUDGETS_KB[c.name] ?? null;
        report.push({
          name: c.name,
          file: c.fileName,
          kB: Math.round(bytes / 100) / 10,
          gzipKB: Math.round(gzipSync(c.code).length / 100) / 10,
          budgetKB: budget,
        });
        if (budget !== null && bytes > budget * 1000)
          over.push(`${c.name} (${c.fileName}): ${(bytes / 1000).toFixed(1)} kB > ${budget} kB`);
      }
      // First load: the entry chunk and what it imports statically (not the lazily loaded pages and ECharts).
      const entry = chunks.find((c) => c.isEntry);
      const firstLoad = new Set<string>();
      const visit = (file: string) => {
        if (firstLoad.has(file)) return;
        firstLoad.add(file);
        const c = chunks.find((x) => x.fileName === file);
        for (const dep of c?.imports ?? []) visit(dep);
      };
      if (entry) visit(entry.fileName);
      const firstLoadBytes = chunks.filter((c) => firstLoad.has(c.fileName)).reduce((n, c) => n + Buffer.byteLength(c.code), 0);
      for (const c of chunks)
        if (LAZY_CHUNKS.includes(c.name) && firstLoad.has(c.fileName))
          over.push(`${c.name} (${c.fileName}) is in the first load: it is loaded lazily (LAZY_CHUNKS)`);
      if (firstLoadBytes > FIRST_LOAD_BUDGET_KB * 1000)
        over.push(`first load (${[...firstLoad].join(', ')}): ${(firstLoadBytes / 1000).toFixed(1)} kB > ${FIRST_LOAD_BUDGET_KB} kB`);
      this.emitFile({
        type: 'asset',
        fileName: 'bundle-report.json',
        source: JSON.stringify(
          { firstLoadKB: Math.round(firstLoadBytes / 100) / 10, firstLoadFiles: [...firstLoad], chunks: report },
          null,
          2,
        ),
      });
      if (over.length > 0) this.error(`bundle budget exceeded (docs/web.md "Bundle budget"):\n  ${over.join('\n  ')}`);
    },
  };
}
