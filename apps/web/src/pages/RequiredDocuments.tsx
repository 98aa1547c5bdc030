import { Alert, Button, Space, Tag, Typography, Upload } from 'antd';
import { useT } from '../i18n';

/**
 * The documents a step is done with (its definition's behaviour.requiresAttachments; 2027.10: A03 the invitation letter
 * and its translation, A05 the itinerary), in the step's dialog: each kind green once a live file of it serves the step
 * (the API's `missingAttachments`), else red with an upload for this step instance. `asked`: the user confirmed with some
 * missing, so what to upload first is said (the API would refuse the completion, 409 MISSING_ATTACHMENTS).
 */
export default function RequiredDocuments({
  required,
  missing,
  asked,
  uploading,
  onUpload,
}: {
  required: readonly string[];
  missing: readonly string[];
  asked: boolean;
  /** The kind being uploaded, if any. */
  uploading: string | null;
  onUpload(kind: string, file: File): void;
}) {
  const { t, code, lang } = useT();
  const kindName = (k: string) => code('ak_', k);
  return (
    <Space orientation="vertical" style={{ marginBottom: 12, width: '100%' }} data-testid="required-documents">
      <Typography.Text strong>{t('attachmentsNeeded')}</Typography.Text>
      {required.map((k) =>
        missing.includes(k) ? (
          <Space key={k} wrap>
            <Tag color="red">
              {kindName(k)}（{t('attachmentMissing')}）
            </Tag>
            <Upload
              accept="application/pdf,image/png,image/jpeg"
              showUploadList={false}
              customRequest={({ file }) => onUpload(k, file as File)}
            >
              <Button size="small" loading={uploading === k} data-testid={`upload-${k}`}>
                {t('uploadAttachment')}
              </Button>
            </Upload>
          </Space>
        ) : (
          <Tag key={k} color="green" data-testid={`uploaded-${k}`}>
            {kindName(k)} ✓
          </Tag>
        ),
      )}
      <Typography.Text type="secondary">{t('attachmentRules')}</Typography.Text>
      {asked && missing.length > 0 ? (
        <Alert
          type="error"
          showIcon
          data-testid="documents-missing"
          title={`${t('documentsFirst')}${lang === 'zh' ? '：' : ': '}${missing.map(kindName).join(lang === 'zh' ? '、' : ', ')}`}
        />
      ) : null}
    </Space>
  );
}
