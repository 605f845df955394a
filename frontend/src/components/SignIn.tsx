import { type FormEvent, useState } from 'react';
import { completeNewPassword, SignInError, signIn } from '../auth.ts';
import type { AppConfig } from '../config.ts';

/** Sign-in (deployed platform): email and password, then a new password for invited users. */
export function SignIn({
  cognito,
  onSignedIn,
}: {
  cognito: NonNullable<AppConfig['cognito']>;
  onSignedIn(token: string, expiresInSeconds: number): void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [session, setSession] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = session
        ? await completeNewPassword(cognito, email, newPassword, session)
        : await signIn(cognito, email, password);
      if (result.kind === 'signed-in') onSignedIn(result.token, result.expiresInSeconds);
      else setSession(result.session);
    } catch (e) {
      setError(
        e instanceof SignInError ? e.message : 'Sign-in failed: the sign-in service cannot be reached.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page" id="main">
      <form className="card stack sign-in" onSubmit={submit}>
        <h1>Sign in</h1>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            disabled={Boolean(session)}
          />
        </label>
        {!session ? (
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
        ) : (
          <label>
            Choose a new password
            <input
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
              required
              minLength={12}
            />
          </label>
        )}
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : session ? 'Set password and sign in' : 'Sign in'}
          </button>
        </div>
      </form>
    </main>
  );
}
