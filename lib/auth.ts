import { CfnCondition, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface AuthProps {
  /**
   * MFA for builders: OFF, OPTIONAL (each builder may add an authenticator app) or ON (required; the
   * web app walks each builder through setting it up at first sign-in).
   * @default 'OPTIONAL'
   */
  mfa?: string;
  /**
   * Cognito threat protection: OFF, AUDIT or ENFORCED. Anything but OFF puts the pool on Cognito's
   * Plus feature plan (billed per monthly active user).
   * @default 'OFF'
   */
  threatProtection?: string;
}

/** Builders sign in with a Cognito user pool; the API verifies their JWTs. */
export class Auth extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
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
    // Operator choices, given as stack parameters: MFA and threat protection (CloudFormation values).
    const pool = this.userPool.node.defaultChild as cognito.CfnUserPool;
    pool.mfaConfiguration = props.mfa ?? 'OPTIONAL';
    const threat = props.threatProtection ?? 'OFF';
    const protectedPool = new CfnCondition(this, 'ThreatProtectionOn', {
      expression: Fn.conditionNot(Fn.conditionEquals(threat, 'OFF')),
    });
    pool.userPoolAddOns = { advancedSecurityMode: threat };
    pool.userPoolTier = Fn.conditionIf(protectedPool.logicalId, 'PLUS', 'ESSENTIALS').toString();
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
          'MFA (TOTP) is the MfaMode stack parameter: OPTIONAL by default, ON requires it (the web app sets it up at first sign-in).',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection is the ThreatProtection stack parameter (AUDIT or ENFORCED); OFF by default because it needs the paid Plus plan.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'The Plus feature plan is chosen with the ThreatProtection parameter; Essentials otherwise.',
      },
    ]);
  }
}
