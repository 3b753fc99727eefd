import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { Field, FormError } from '../components/field';
import { fieldError, formError } from '../api/errors';

export function LoginScreen({ langButton }: { langButton: ReactNode }) {
  const { t } = useI18n();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form onSubmit={submit} className="card" aria-labelledby="login-title">
        <div className="row spread">
          <h1 id="login-title">{t('app.title')}</h1>
          {langButton}
        </div>
        <h2>{t('login.title')}</h2>
        <Field label={t('login.username')} error={fieldError(t, error, 'username')}>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </Field>
        <Field label={t('login.password')} error={fieldError(t, error, 'password')}>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <FormError message={formError(t, error, ['username', 'password'])} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
