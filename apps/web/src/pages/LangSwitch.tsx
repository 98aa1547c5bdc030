import { Button } from 'antd';
import { useContext } from 'react';
import { LangContext, useT } from '../i18n';

export function LangSwitch() {
  const { t, lang } = useT();
  const { setLang } = useContext(LangContext);
  return (
    <Button data-testid="lang" aria-label={t('languageLabel')} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
      {t('language')}
    </Button>
  );
}
