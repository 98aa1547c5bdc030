/**
 * An instant as the office writes it, whatever the language or the browser's locale: `YYYY-MM-DD HH:mm` in Beijing
 * time (Asia/Shanghai, UTC+8 all year since 1991), as the dates beside it are written (new-user trial: the English
 * pages mixed "02/12/2026, 09:00", day first, with ISO days in one table). '—' when there is none.
 */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
