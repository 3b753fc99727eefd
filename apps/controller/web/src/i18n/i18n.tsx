import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale, MessageKey } from './messages';
import { formatDateTime, formatNumber, translate } from './format';

interface I18n {
  locale: Locale;
  setLocale(l: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  dateTime(instant: string | number | null): string;
  number(n: number, maxFractionDigits?: number): string;
}

const I18nContext = createContext<I18n | null>(null);
const STORAGE_KEY = 'bangtin.locale';

function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(fixed ?? initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this page only.
    }
  }, []);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, params) => translate(locale, key, params),
      dateTime: (instant) => formatDateTime(locale, instant),
      number: (n, d) => formatNumber(locale, n, d),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
