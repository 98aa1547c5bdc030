import { Button } from 'antd';
import { useContext } from 'react';
import { LangContext, useT } from '../i18n';

/**
 * The language switch: its visible text is the other language's name (English / 中文), and its accessible name
 * begins with that text (WCAG 2.5.3 label in name: a speech user says what they see), the purpose beside it in the
 * language the page shows now: “English（切换语言）”, “中文 (Switch language)”. No space is put into 中文.
 */
export function LangSwitch() {
  const { t, lang } = useT();
  const { setLang } = useContext(LangContext);
  const purpose = lang === 'zh' ? `（${t('languageLabel')}）` : ` (${t('languageLabel')})`;
  return (
    <Button
      data-testid="lang"
      autoInsertSpace={false}
      aria-label={`${t('language')}${purpose}`}
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {t('language')}
    </Button>
  );
}
