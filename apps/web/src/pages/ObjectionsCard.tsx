import { accountName } from '../accounts';
import { Alert, App, Button, Card, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, type Progress, type Session } from '../api';
import { fmtDateTime, reasonRules, textLimit, useErrorText } from '../common';
import { useT } from '../i18n';
import { mayRecordObjection, type Objection } from '../objections';

/**
 * 公示异议: the objections recorded during the pre-trip public notice (A13), each with when, what and who (the API
 * leaves `by` null for a role that may not see who: 不公开), and, while the notice runs, 登记异议 for the roles the
 * access table's `objection` row names (POST /api/delegations/:id/notice-objections). The API's refusals show at the
 * text: 422 `duplicate` (the same text again from the same person), 409 once the notice is over.
 */
export function ObjectionsCard({
  caseId,
  progress: p,
  session,
  paused,
  onRecorded,
}: {
  caseId: string;
  progress: Progress;
  session: Session;
  paused: boolean;
  onRecorded(): void;
}) {
  const { t, pick, lang } = useT();
  const errText = useErrorText();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ objection: string }>();
  const may = mayRecordObjection(session.user.role, p);
  const items: Objection[] = p.objections ?? [];

  const send = (v: { objection: string }) => {
    setBusy(true);
    api('POST', `/api/delegations/${caseId}/notice-objections`, { objection: v.objection }).then(
      () => {
        setBusy(false);
        setOpen(false);
        form.resetFields();
        void message.success(t('saved'));
        onRecorded();
      },
      (e: unknown) => {
        setBusy(false);
        // At the text: the field's own error (duplicate, blank, too long) or the refusal itself (409: the notice is over).
        const own = e instanceof ApiError ? e.errors.find((x) => x.field === 'objection') : undefined;
        form.setFields([{ name: 'objection', errors: [own ? pick(own.message) : errText(e)] }]);
      },
    );
  };

  return (
    <Card
      title={t('objections')}
      size="small"
      data-testid="objections"
      extra={
        may ? (
          <Button
            disabled={paused}
            onClick={() => {
              form.resetFields();
              setOpen(true);
            }}
            data-testid="record-objection"
          >
            {t('recordObjection')}
          </Button>
        ) : null
      }
    >
      <Table<Objection>
        size="small"
        rowKey={(o) => `${o.at}|${o.text}`}
        pagination={false}
        dataSource={items}
        // A case past the workflow's retention answers without its objections: the timeline still lists them.
        locale={{ emptyText: t(p.source === 'read-model' ? 'objectionsInTimeline' : 'objectionsEmpty') }}
        columns={[
          { title: t('objectionAt'), dataIndex: 'at', width: 170, render: (v: string) => fmtDateTime(v) },
          { title: t('objectionText'), dataIndex: 'text', render: (v: string) => <Typography.Text>{v}</Typography.Text> },
          {
            title: t('objectionBy'),
            dataIndex: 'by',
            width: 160,
            render: (v: string | null) =>
              v !== null ? accountName(v, p.actorNames, lang) : <Typography.Text type="secondary">— {t('withheld')}</Typography.Text>,
          },
        ]}
      />
      <Modal
        open={open}
        title={t('recordObjection')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        okButtonProps={{ 'data-testid': 'objection-submit' } as Record<`data-${string}`, string>}
        destroyOnHidden
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon title={t('objectionNotice')} />
          <Form form={form} layout="vertical" onFinish={send}>
            <Form.Item
              label={t('objectionText')}
              name="objection"
              rules={[...reasonRules(lang, true, t('required')), textLimit(2000, lang).rule]}
            >
              <Input.TextArea rows={3} count={textLimit(2000, lang).count} data-testid="objection-text" />
            </Form.Item>
          </Form>
        </Space>
      </Modal>
    </Card>
  );
}
