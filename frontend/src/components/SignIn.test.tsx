import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SignIn } from './SignIn.tsx';

const cognito = { region: 'eu-west-1', userPoolId: 'eu-west-1_abc', clientId: 'client123' };

/** Cognito's public API as the browser sees it: one JSON answer per call, recorded. */
function fakeCognito(answers: { status?: number; body: unknown }[]) {
  const calls: { target: string | null; body: Record<string, unknown>; url: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({
        url,
        target: new Headers(init.headers).get('x-amz-target'),
        body: JSON.parse(String(init.body)),
      });
      const answer = answers.shift() ?? { status: 500, body: {} };
      return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
    }),
  );
  return calls;
}

describe('SignIn', () => {
  it('signs in with email and password (USER_PASSWORD_AUTH) and hands over the access token', async () => {
    const calls = fakeCognito([
      { body: { AuthenticationResult: { AccessToken: 'token-1', ExpiresIn: 3600 } } },
    ]);
    const onSignedIn = vi.fn();
    render(<SignIn cognito={cognito} onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ana@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('token-1', 3600));
    expect(calls[0]).toEqual({
      url: 'https://cognito-idp.eu-west-1.amazonaws.com/',
      target: 'AWSCognitoIdentityProviderService.InitiateAuth',
      body: {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: 'client123',
        AuthParameters: { USERNAME: 'ana@example.com', PASSWORD: 'correct horse' },
      },
    });
  });

  it('asks an invited user for a new password, then signs in', async () => {
    const calls = fakeCognito([
      { body: { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'challenge-session' } },
      { body: { AuthenticationResult: { AccessToken: 'token-2', ExpiresIn: 1800 } } },
    ]);
    const onSignedIn = vi.fn();
    render(<SignIn cognito={cognito} onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Email'), 'new@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'Temporary#1');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await userEvent.type(await screen.findByLabelText('Choose a new password'), 'A-much-better-pass1');
    await userEvent.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('token-2', 1800));
    expect(calls[1]?.body).toEqual({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: 'client123',
      Session: 'challenge-session',
      ChallengeResponses: { USERNAME: 'new@example.com', NEW_PASSWORD: 'A-much-better-pass1' },
    });
  });

  it('says plainly when the password is wrong, without saying whether the account exists', async () => {
    fakeCognito([
      { status: 400, body: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' } },
    ]);
    render(<SignIn cognito={cognito} onSignedIn={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ana@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The email or password is not right.');
  });

  it('asks for the authenticator code when the user has MFA (SOFTWARE_TOKEN_MFA)', async () => {
    const calls = fakeCognito([
      { body: { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'mfa-session' } },
      { status: 400, body: { __type: 'CodeMismatchException', message: 'Invalid code' } },
      { body: { AuthenticationResult: { AccessToken: 'token-3', ExpiresIn: 3600 } } },
    ]);
    const onSignedIn = vi.fn();
    render(<SignIn cognito={cognito} onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ana@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await userEvent.type(await screen.findByLabelText('Code from your authenticator app'), '111111');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right');
    await userEvent.clear(screen.getByLabelText('Code from your authenticator app'));
    await userEvent.type(screen.getByLabelText('Code from your authenticator app'), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('token-3', 3600));
    expect(calls[2]?.body).toEqual({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: 'client123',
      Session: 'mfa-session',
      ChallengeResponses: { USERNAME: 'ana@example.com', SOFTWARE_TOKEN_MFA_CODE: '123456' },
    });
  });

  it('sets up an authenticator app when the pool requires MFA (MFA_SETUP), then signs in', async () => {
    const calls = fakeCognito([
      { body: { ChallengeName: 'MFA_SETUP', Session: 'setup-1' } },
      { body: { SecretCode: 'JBSWY3DPEHPK3PXP', Session: 'setup-2' } },
      { body: { Status: 'SUCCESS', Session: 'setup-3' } },
      { body: { AuthenticationResult: { AccessToken: 'token-4', ExpiresIn: 3600 } } },
    ]);
    const onSignedIn = vi.fn();
    render(<SignIn cognito={cognito} onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ana@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('JBSWY3DPEHPK3PXP')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Add to authenticator app' })).toHaveAttribute(
      'href',
      'otpauth://totp/Agent%20Builder%3Aana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Agent%20Builder',
    );
    await userEvent.type(screen.getByLabelText('Code from your authenticator app'), '654321');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('token-4', 3600));
    expect(calls.map((c) => c.target?.split('.').at(-1))).toEqual([
      'InitiateAuth',
      'AssociateSoftwareToken',
      'VerifySoftwareToken',
      'RespondToAuthChallenge',
    ]);
    expect(calls[2]?.body).toMatchObject({ Session: 'setup-2', UserCode: '654321' });
    expect(calls[3]?.body).toEqual({
      ChallengeName: 'MFA_SETUP',
      ClientId: 'client123',
      Session: 'setup-3',
      ChallengeResponses: { USERNAME: 'ana@example.com' },
    });
  });
});
