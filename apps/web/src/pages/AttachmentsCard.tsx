import { accountName } from '../accounts';
import { Alert, App, Button, Card, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, download, uploadAttachment, type Progress } from '../api';
import { fmtDateTime, TAG, useErrorText, useLoad } from '../common';
import { useT, type Lang } from '../i18n';
import { codeLabel } from '../labels';
import { ATTACHMENT_KINDS_BY_PROCESS } from '../../../../libs/domain/src/attachments';
import { processOfVersion } from '../../../../libs/domain/src/definition/apec-whitelist';
import { attachmentHeldOnCase, type AttachmentKind } from '../../../../libs/domain/src/attachments';
import { fileSizeText } from '../attachment-kinds';

interface Attachment {
  id: string;
  kind: string;
  stepKey: string | null;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  /** This file may be removed by the signed-in user (the API's answer: the FAO's files are the FAO's). */
  mayRemove?: boolean;
  /** What keeps it on the case as the API's last published answer shows it (attachmentHeldOnCase). */
  heldBy?: { rule: 'step-done' | 'supplied-document'; message: { zh: string; en: string } } | null;
}

/** GET /api/delegations/:id/attachments: the items and what the access table lets the signed-in user do. */
interface AttachmentList {
  items: Attachment[];
  /** Who uploaded each file, by display name (accountName). */
  actorNames?: Record<string, string>;
  mayUpload: boolean;
  mayRemove: boolean;
}

const kindLabel = (lang: Lang, kind: string): string => codeLabel(lang, 'ak_', kind);

/**
 * 附件: the case's documents (issue 15 item 3): what each step still needs, the list with download, and an upload
 * (antd Upload) for the case or one of its open steps. Whether the buttons show is the API's answer (mayUpload,
 * mayRemove: the access table), not decided here.
 */
export function AttachmentsCard({
  caseId,
  progress,
  paused = false,
  onChanged,
}: {
  caseId: string;
  progress: Progress;
  /** An incident stops the case: uploads and removals would be refused (409 CASE_INCIDENT), so none is offered. */
  paused?: boolean;
  /**
   * A file added or removed: the page reloads the case, whose steps say what is still missing (trial 65: 办结前须上传
   * read （缺） for a file the list below already showed).
   */
  onChanged?: () => void;
}) {
  const { t, lang } = useT();
  const errText = useErrorText();
  const { message } = App.useApp();
  const kinds = ATTACHMENT_KINDS_BY_PROCESS[processOfVersion(progress.definitionVersion)];
  const [kind, setKind] = useState<string>(kinds[0]!);
  const [stepKey, setStepKey] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  // A new 容缺 supply (the file it was supplied as stays) reloads the list.
  const suppliedKey = (progress.deficiencies ?? [])
    .flatMap((d) => (d.fileRef && d.status === 'supplied' ? [d.fileRef] : []))
    .sort()
    .join(',');
  // What holds a file on the case (its finished step required it, a 容缺 document was supplied as it), as the engine
  // refuses its removal: said instead of a Remove button (forty-seventh trial: Remove offered, then refused). The page's
  // own answer first (it may be newer than the one the list was derived from), then the list's.
  const heldBy = (a: Attachment) => attachmentHeldOnCase({ ...a, kind: a.kind as AttachmentKind }, progress) ?? a.heldBy ?? undefined;
  const state = useLoad(() => api<AttachmentList>('GET', `/api/delegations/${caseId}/attachments`), [caseId, suppliedKey]);
  // A step still to be done: not done, skipped, or withdrawn with its case or member (trial 82: a withdrawn case still
  // listed A03 and A05 in red, 办结前须上传…（缺）).
  const needing = progress.steps.filter(
    (s) => (s.requiresAttachments ?? []).length > 0 && s.status !== 'done' && s.status !== 'skipped' && s.status !== 'withdrawn',
  );
  const openSteps = progress.steps.filter((s) => s.status === 'awaiting' || s.status === 'overdue' || s.status === 'pending');

  const send = (file: File): Promise<unknown> => uploadAttachment(caseId, { kind, stepKey }, file);

  return (
    <Card title={t('attachments')} size="small" data-testid="attachments">
      {error ? <Alert type="error" showIcon role="alert" title={errText(error)} closable onClose={() => setError(null)} /> : null}
      {needing.length > 0 ? (
        <Space orientation="vertical" style={{ marginBottom: 12 }}>
          {needing.map((s) => (
            <Typography.Text key={s.key} data-testid={`needs-${s.key}`}>
              {s.key} {t('attachmentsNeeded')}:{' '}
              {(s.requiresAttachments ?? []).map((k) => (
                <Tag key={k} color={(s.missingAttachments ?? []).includes(k) ? TAG.red : TAG.green}>
                  {/* Each language's own brackets: 邀请函译文（缺）, Translation (missing) (trial: （missing） in English). */}
                  {(s.missingAttachments ?? []).includes(k)
                    ? lang === 'zh'
                      ? `${kindLabel(lang, k)}（${t('attachmentMissing')}）`
                      : `${kindLabel(lang, k)} (${t('attachmentMissing')})`
                    : `${kindLabel(lang, k)} ✓`}
                </Tag>
              ))}
            </Typography.Text>
          ))}
        </Space>
      ) : null}
      {state.data?.mayUpload && !paused ? (
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            aria-label={t('attachmentKind')}
            style={{ minWidth: 200 }}
            value={kind}
            onChange={setKind}
            options={kinds.map((k) => ({ value: k, label: kindLabel(lang, k) }))}
          />
          <Select
            aria-label={t('attachmentStep')}
            style={{ minWidth: 200 }}
            allowClear
            placeholder={t('attachmentWholeCase')}
            value={stepKey}
            onChange={(v) => setStepKey(v ?? undefined)}
            options={openSteps.map((s) => ({ value: s.key, label: `${s.key} ${lang === 'zh' ? s.name.zh : s.name.en}` }))}
          />
          <Upload
            accept="application/pdf,image/png,image/jpeg"
            showUploadList={false}
            customRequest={({ file, onSuccess, onError }) => {
              send(file as File).then(
                () => {
                  onSuccess?.({});
                  void message.success(`${t('fileUploaded')}${lang === 'zh' ? '：' : ': '}${kindLabel(lang, kind)}`);
                  state.reload();
                  onChanged?.();
                },
                (e: unknown) => {
                  onError?.(e as Error);
                  setError(e);
                },
              );
            }}
          >
            <Button type="primary" data-testid="attachment-upload">
              {t('uploadAttachment')}
            </Button>
          </Upload>
          <Typography.Text type="secondary">{t('attachmentRules')}</Typography.Text>
        </Space>
      ) : null}
      <Table<Attachment>
        size="small"
        rowKey="id"
        pagination={false}
        loading={state.loading}
        locale={{ emptyText: t('noAttachments') }}
        dataSource={state.data?.items ?? []}
        columns={[
          { title: t('attachmentKind'), dataIndex: 'kind', render: (k: string) => kindLabel(lang, k) },
          { title: t('attachmentStep'), dataIndex: 'stepKey', render: (k: string | null) => k ?? t('attachmentWholeCase') },
          {
            title: t('fileName'),
            dataIndex: 'fileName',
            render: (name: string, a) => (
              <Button type="link" onClick={() => void download(`/api/delegations/${caseId}/attachments/${a.id}`, name).catch(setError)}>
                {name}
              </Button>
            ),
          },
          { title: t('fileSize'), dataIndex: 'size', render: fileSizeText },
          {
            title: 'SHA-256',
            dataIndex: 'sha256',
            render: (h: string) => (
              <Typography.Text code title={h}>
                {h.slice(0, 12)}…
              </Typography.Text>
            ),
          },
          { title: t('uploadedBy'), dataIndex: 'uploadedBy', render: (v: string) => accountName(v, state.data?.actorNames, lang) },
          { title: t('uploadedAt'), dataIndex: 'uploadedAt', render: (v: string) => fmtDateTime(v) },
          ...(state.data?.mayRemove && !paused
            ? [
                {
                  title: t('act'),
                  key: 'remove',
                  render: (_: unknown, a: Attachment) => {
                    const held = heldBy(a);
                    return held ? (
                      <Typography.Text
                        type="secondary"
                        data-testid={held.rule === 'supplied-document' ? `supplied-as-${a.id}` : `kept-${a.id}`}
                      >
                        {held.message[lang]}
                      </Typography.Text>
                    ) : a.mayRemove === false ? (
                      <Typography.Text type="secondary" data-testid={`fao-file-${a.id}`}>
                        {t('faoFileKept')}
                      </Typography.Text>
                    ) : (
                      <Button
                        size="small"
                        danger
                        onClick={() =>
                          void api('DELETE', `/api/delegations/${caseId}/attachments/${a.id}`).then(() => {
                            state.reload();
                            onChanged?.();
                          }, setError)
                        }
                      >
                        {t('removeAttachment')}
                      </Button>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}
