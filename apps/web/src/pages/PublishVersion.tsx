import { Alert, App as AntApp, Button, Input, Popconfirm, Space, Typography, type ButtonProps } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api';
import { useErrorText } from '../common';
import { useT } from '../i18n';
import { jsonErrorAt } from '../json-error';
import { ChangesTable, type VersionChange } from './VersionChanges';

const enc = encodeURIComponent;

/**
 * 发布新版本 (the FAO director): a version as JSON (`{definition, settings}`, started from a copy of the current one),
 * checked first (POST process-versions/check: what would change, or every problem at its field, nothing stored) and
 * published only as checked (POST process-versions): the text changed after the check is checked again.
 */
export default function PublishVersion({ current, onPublished }: { current: string; onPublished: () => void }) {
  const { t, pick } = useT();
  const errText = useErrorText();
  const { message } = AntApp.useApp();
  const [text, setText] = useState('');
  const [checked, setChecked] = useState<{ text: string; version: string; changes: VersionChange[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The body the refusal is about: a step's error names the step's code beside its index (steps[56] is P04).
  const [sent, setSent] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const copyCurrent = async () => {
    setError(null);
    try {
      const v = await api<{ definition: unknown; settings: unknown }>('GET', `/api/registries/process-versions/${enc(current)}`);
      setText(JSON.stringify({ definition: v.definition, settings: v.settings }, null, 2));
      setChecked(null);
    } catch (e) {
      setError(e);
    }
  };
  const send = async (publish: boolean) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
      setSent(body);
    } catch (e) {
      // Said in the page's language at its line and column, not the parser's English (thirty-fourth trial).
      const place = jsonErrorAt(text, e instanceof Error ? e.message : '');
      const said = place ? t(place.end ? 'versionJsonInvalidEnd' : 'versionJsonInvalidAt') : t('versionJsonInvalid');
      setChecked(null);
      setError(new Error(place ? said.replace('{line}', String(place.line)).replace('{column}', String(place.column)) : said));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (publish) {
        const done = await api<{ version: string }>('POST', '/api/registries/process-versions', body);
        void message.success(`${t('versionPublishedNow')}: ${done.version}`);
        setText('');
        setChecked(null);
        onPublished();
      } else {
        const dry = await api<{ version: string; changes: VersionChange[] }>('POST', '/api/registries/process-versions/check', body);
        setChecked({ text, version: dry.version, changes: dry.changes });
      }
    } catch (e) {
      setChecked(null);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fieldErrors = error instanceof ApiError ? error.errors : [];
  const stepOf = (field: string): string | null => {
    const at = /^definition\.steps\[(\d+)\]/.exec(field);
    const steps = (sent as { definition?: { steps?: Array<{ code?: unknown }> } } | null)?.definition?.steps;
    const code = at && Array.isArray(steps) ? steps[Number(at[1])]?.code : undefined;
    return typeof code === 'string' ? code : null;
  };
  return (
    <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }} data-testid="publish-version">
      <Typography.Text strong>{t('versionPublishTitle')}</Typography.Text>
      <Typography.Text type="secondary">{t('versionPublishHelp')}</Typography.Text>
      <Input.TextArea
        aria-label={t('versionJson')}
        data-testid="version-json"
        rows={8}
        value={text}
        onChange={(e) => setText(e.target.value)}
        style={{ fontFamily: 'monospace' }}
      />
      <Space wrap>
        <Button onClick={() => void copyCurrent()} data-testid="version-copy">
          {t('versionCopyCurrent')}
        </Button>
        <Button onClick={() => void send(false)} loading={busy} disabled={!text.trim()} data-testid="version-check">
          {t('versionCheck')}
        </Button>
        {/* Publishing makes the version the one every new case takes: asked once more, naming it. */}
        <Popconfirm
          title={t('versionPublishConfirm').replace('{version}', checked?.version ?? '')}
          description={t('versionPublishConfirmHelp')}
          okText={t('versionPublish')}
          cancelText={t('cancel')}
          okButtonProps={{ 'data-testid': 'version-publish-confirm' } as ButtonProps}
          onConfirm={() => void send(true)}
          disabled={checked?.text !== text}
        >
          <Button type="primary" loading={busy} disabled={checked?.text !== text} data-testid="version-publish">
            {t('versionPublish')}
          </Button>
        </Popconfirm>
      </Space>
      {error ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="version-errors"
          title={errText(error)}
          description={
            fieldErrors.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {fieldErrors.map((e) => (
                  <li key={`${e.field}-${e.rule}`}>
                    <code>{e.field}</code>
                    {stepOf(e.field) ? ` [${stepOf(e.field)}]` : ''} ({e.rule}): {pick(e.message)}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
      ) : null}
      {checked ? (
        <Alert
          type="success"
          showIcon
          data-testid="version-checked"
          title={checked.changes.length > 0 ? t('versionCheckedChanges') : t('versionCheckedNoChange')}
          description={checked.changes.length > 0 ? <ChangesTable changes={checked.changes} /> : undefined}
        />
      ) : null}
    </Space>
  );
}
