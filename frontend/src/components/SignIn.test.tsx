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
});
