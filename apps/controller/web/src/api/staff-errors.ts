import type { ApiError } from './client';
import type { MessageKey } from '../i18n/messages';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Password-policy and account errors (issue 10) in the UI language; the API's English says which rule. */
export function staffErrorText(t: T, err: ApiError): string {
  switch (err.code) {
    case 'weak-password':
      if (/at least/.test(err.message)) return t('error.password.short');
      if (/too common/.test(err.message)) return t('error.password.common');
      if (/username/.test(err.message)) return t('error.password.username');
      return t('error.password.same');
    case 'wrong-password':
      return t('error.password.wrong');
    case 'account-disabled':
      return t('error.account-disabled');
    case 'last-admin':
      return t('error.last-admin');
    default:
      return t('error.self');
  }
}
