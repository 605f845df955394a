import { type FormEvent, useState } from 'react';
import {
  answerMfa,
  completeMfaSetup,
  completeNewPassword,
  otpauthUri,
  SignInError,
  type SignInResult,
  signIn,
} from '../auth.ts';
import type { AppConfig } from '../config.ts';

type Step = Exclude<SignInResult, { kind: 'signed-in' }> | { kind: 'password' };

/**
 * Sign-in (deployed platform): email and password; then, as Cognito asks, a new password for invited
 * users, a code from their authenticator app, or setting one up when the pool requires MFA.
 */
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
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result =
        step.kind === 'new-password-required'
          ? await completeNewPassword(cognito, email, newPassword, step.session)
          : step.kind === 'mfa-code'
            ? await answerMfa(cognito, email, code.trim(), step.session)
            : step.kind === 'mfa-setup'
              ? await completeMfaSetup(cognito, email, code.trim(), step.session)
              : await signIn(cognito, email, password);
      if (result.kind === 'signed-in') onSignedIn(result.token, result.expiresInSeconds);
      else {
        setCode('');
        setStep(result);
      }
    } catch (e) {
      setError(
        e instanceof SignInError ? e.message : 'Sign-in failed: the sign-in service cannot be reached.',
      );
    } finally {
      setBusy(false);
    }
  };

  const codeField = (
    <label>
      Code from your authenticator app
      <input
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        required
      />
    </label>
  );

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
            disabled={step.kind !== 'password'}
          />
        </label>
        {step.kind === 'password' && (
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
        )}
        {step.kind === 'new-password-required' && (
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
        {step.kind === 'mfa-code' && codeField}
        {step.kind === 'mfa-setup' && (
          <>
            <p>
              This platform requires a second factor. Add an account to your authenticator app with this key,
              or open the link on the device that has the app:
            </p>
            <p>
              <code className="mfa-secret">{step.secret}</code>
            </p>
            <p>
              <a href={otpauthUri('Agent Builder', email, step.secret)}>Add to authenticator app</a>
            </p>
            {codeField}
          </>
        )}
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={busy}>
            {busy
              ? 'Signing in…'
              : step.kind === 'new-password-required'
                ? 'Set password and sign in'
                : step.kind === 'mfa-setup'
                  ? 'Verify and sign in'
                  : step.kind === 'mfa-code'
                    ? 'Verify'
                    : 'Sign in'}
          </button>
        </div>
      </form>
    </main>
  );
}
