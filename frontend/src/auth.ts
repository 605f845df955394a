import type { AppConfig } from './config.ts';

/**
 * Sign-in against the Cognito user pool (AWS only; locally the platform signs you in), through the
 * Cognito Identity Provider API's public, unsigned calls: InitiateAuth with USER_PASSWORD_AUTH (over
 * TLS), the new-password challenge of users an operator invited, and MFA: a code from an
 * authenticator app (SOFTWARE_TOKEN_MFA), or setting one up when the pool requires MFA (MFA_SETUP).
 */
export type SignInResult =
  | { kind: 'signed-in'; token: string; expiresInSeconds: number }
  | { kind: 'new-password-required'; session: string }
  | { kind: 'mfa-code'; session: string }
  | { kind: 'mfa-setup'; session: string; secret: string };

export class SignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, string> = {
  NotAuthorizedException: 'The email or password is not right.',
  UserNotFoundException: 'The email or password is not right.',
  PasswordResetRequiredException: 'Your password must be reset; ask your operator.',
  UserNotConfirmedException: 'Your account is not confirmed yet; ask your operator.',
  InvalidPasswordException:
    'The new password does not meet the policy: 12+ characters with upper and lower case, a digit and a symbol.',
  TooManyRequestsException: 'Too many attempts; wait a minute and try again.',
  CodeMismatchException: 'That code is not right; enter the current code from your authenticator app.',
  ExpiredCodeException: 'That code has expired; enter the current one.',
  EnableSoftwareTokenMFAException:
    'That code is not right; enter the current code from your authenticator app.',
  LimitExceededException: 'Too many attempts; wait a minute and try again.',
};

async function call(
  cognito: NonNullable<AppConfig['cognito']>,
  target: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`https://cognito-idp.${cognito.region}.amazonaws.com/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
    },
    body: JSON.stringify(body),
  });
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code =
      String(data.__type ?? 'Unknown')
        .split('#')
        .at(-1) ?? 'Unknown';
    throw new SignInError(code, MESSAGES[code] ?? String(data.message ?? 'Sign-in failed; try again.'));
  }
  return data;
}

async function result(
  cognito: NonNullable<AppConfig['cognito']>,
  data: Record<string, unknown>,
): Promise<SignInResult> {
  const auth = data.AuthenticationResult as { AccessToken?: string; ExpiresIn?: number } | undefined;
  if (auth?.AccessToken)
    return { kind: 'signed-in', token: auth.AccessToken, expiresInSeconds: auth.ExpiresIn ?? 3600 };
  if (typeof data.Session === 'string') {
    if (data.ChallengeName === 'NEW_PASSWORD_REQUIRED')
      return { kind: 'new-password-required', session: data.Session };
    if (data.ChallengeName === 'SOFTWARE_TOKEN_MFA') return { kind: 'mfa-code', session: data.Session };
    if (data.ChallengeName === 'MFA_SETUP') {
      // The pool requires MFA and this user has none yet: get a secret for their authenticator app.
      const associated = await call(cognito, 'AssociateSoftwareToken', { Session: data.Session });
      return {
        kind: 'mfa-setup',
        session: String(associated.Session),
        secret: String(associated.SecretCode),
      };
    }
  }
  throw new SignInError(
    String(data.ChallengeName ?? 'UnsupportedChallenge'),
    'This sign-in step is not supported here; ask your operator.',
  );
}

export async function signIn(
  cognito: NonNullable<AppConfig['cognito']>,
  email: string,
  password: string,
): Promise<SignInResult> {
  return result(
    cognito,
    await call(cognito, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
}

export async function completeNewPassword(
  cognito: NonNullable<AppConfig['cognito']>,
  email: string,
  newPassword: string,
  session: string,
): Promise<SignInResult> {
  return result(
    cognito,
    await call(cognito, 'RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: cognito.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
    }),
  );
}

/** The six-digit code from the builder's authenticator app (SOFTWARE_TOKEN_MFA). */
export async function answerMfa(
  cognito: NonNullable<AppConfig['cognito']>,
  email: string,
  code: string,
  session: string,
): Promise<SignInResult> {
  return result(
    cognito,
    await call(cognito, 'RespondToAuthChallenge', {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: cognito.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
    }),
  );
}

/** Confirms the authenticator app set up in MFA_SETUP with its first code, then finishes signing in. */
export async function completeMfaSetup(
  cognito: NonNullable<AppConfig['cognito']>,
  email: string,
  code: string,
  session: string,
): Promise<SignInResult> {
  const verified = await call(cognito, 'VerifySoftwareToken', {
    Session: session,
    UserCode: code,
    FriendlyDeviceName: 'Agent Builder',
  });
  return result(
    cognito,
    await call(cognito, 'RespondToAuthChallenge', {
      ChallengeName: 'MFA_SETUP',
      ClientId: cognito.clientId,
      Session: String(verified.Session),
      ChallengeResponses: { USERNAME: email },
    }),
  );
}

/** The otpauth:// URI an authenticator app reads for this secret. */
export function otpauthUri(issuer: string, email: string, secret: string): string {
  return `otpauth://totp/${encodeURIComponent(`${issuer}:${email}`)}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}`;
}
