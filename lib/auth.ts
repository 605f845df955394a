import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** Builders sign in with a Cognito user pool; the API verifies their JWTs. */
export class Auth extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('WebApp', {
      // USER_PASSWORD_AUTH: the web app signs in through Cognito's public API over TLS, with no SDK.
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
    NagSuppressions.addResourceSuppressions(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is offered (TOTP) and can be made required per deployment; required MFA would block the first sign-in of invited users.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason: 'Threat protection is a paid Cognito feature tier; operators enable it per account.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'The Plus feature plan is a paid tier; operators choose it per account.',
      },
    ]);
  }
}
