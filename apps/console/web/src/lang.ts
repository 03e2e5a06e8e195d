import { useEffect, useState } from 'react';
import type { Lang } from './types.js';

const KEY = 'mesh-console-lang';

/** The language of event sentences, kept for the browser (Persian or English). */
export function useLang(): [Lang, (lang: Lang) => void] {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(KEY) === 'fa' ? 'fa' : 'en'));
  useEffect(() => localStorage.setItem(KEY, lang), [lang]);
  return [lang, setLang];
}
