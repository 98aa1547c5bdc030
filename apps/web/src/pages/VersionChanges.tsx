import { Table } from 'antd';
import { useT } from '../i18n';

/** One change of a process version against the one before it (GET process-versions/{version}, the dry run's). */
export interface VersionChange {
  kind: string;
  step?: string;
  field?: string;
  from?: unknown;
  to?: unknown;
}

/** What a version changes against the one before it: each step added or removed, each field and setting from/to. */
export function ChangesTable({ changes }: { changes: VersionChange[] }) {
  const { t, code } = useT();
  const shown = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <Table<VersionChange>
      size="small"
      rowKey={(c) => `${c.kind}-${c.step ?? ''}-${c.field ?? ''}`}
      pagination={false}
      dataSource={changes}
      columns={[
        { title: t('changeKind'), render: (_, c) => code('defChg_', c.kind) },
        { title: t('step'), render: (_, c) => c.step ?? '—' },
        { title: t('changeField'), render: (_, c) => c.field ?? '—' },
        { title: t('apecFrom'), render: (_, c) => shown(c.from) },
        { title: t('apecTo'), render: (_, c) => shown(c.to) },
      ]}
    />
  );
}
