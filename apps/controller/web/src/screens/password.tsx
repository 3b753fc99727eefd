import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { staffApi } from '../api/staff';
import { fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';

/** "Đổi mật khẩu": everyone changes their own password; their other sessions end. */
export default function PasswordScreen() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () => staffApi.changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
      setNotice(t('password.done'));
    },
    onError: () => setNotice(null),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== repeat);
    if (next !== repeat) return;
    change.mutate();
  };
  return (
    <section aria-labelledby="password-title">
      <h1 id="password-title">{t('password.title')}</h1>
      <form className="card" onSubmit={submit} aria-labelledby="password-title">
        <Field label={t('password.current')} error={fieldError(t, change.error, 'current')}>
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </Field>
        <Field label={t('password.next')} hint={t('password.hint')} error={fieldError(t, change.error, 'next')}>
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </Field>
        <Field label={t('password.repeat')} error={mismatch ? t('password.mismatch') : null}>
          <input
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            required
          />
        </Field>
        <FormError message={formError(t, change.error, ['current', 'next'])} />
        <button type="submit" className="primary" disabled={change.isPending}>
          {change.isPending ? t('common.saving') : t('password.save')}
        </button>
        <Notice message={notice} />
      </form>
    </section>
  );
}
