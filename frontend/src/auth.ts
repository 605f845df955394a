import type { AppConfig } from './config.ts';

/**
 * Sign-in against the Cognito user pool (AWS only; locally the platform signs you in), through the
 * Cognito Identity Provider API's public, unsigned calls: InitiateAuth with USER_PASSWORD_AUTH (over
 * TLS), and the new-password challenge of users an operator invited.
 */
export type SignInResult =
  | { kind: 'signed-in'; token: string; expiresInSeconds: number }
  | { kind: 'new-password-required'; session: string };

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

function result(data: Record<string, unknown>): SignInResult {
  const auth = data.AuthenticationResult as { AccessToken?: string; ExpiresIn?: number } | undefined;
  if (auth?.AccessToken)
    return { kind: 'signed-in', token: auth.AccessToken, expiresInSeconds: auth.ExpiresIn ?? 3600 };
  if (data.ChallengeName === 'NEW_PASSWORD_REQUIRED' && typeof data.Session === 'string')
    return { kind: 'new-password-required', session: data.Session };
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
    await call(cognito, 'RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: cognito.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
    }),
  );
}
