import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeSecurityStack } from '../../lib/edge-security-stack.ts';
import { PlatformStack } from '../../lib/platform-stack.ts';

// The platform as bin/app.ts deploys it to a known account and Region: the firewall in us-east-1,
// the platform in eu-west-1, with a custom domain.
let edge: EdgeSecurityStack;
let platform: PlatformStack;
let edgeTemplate: Template;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  edge = new EdgeSecurityStack(app, 'Edge', {
    env: { account: '123456789012', region: 'us-east-1' },
    crossRegionReferences: true,
  });
  platform = new PlatformStack(app, 'Platform', {
    env: { account: '123456789012', region: 'eu-west-1' },
    crossRegionReferences: true,
    webAclArn: edge.webAclArn,
    domain: {
      names: ['agents.example.com'],
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    },
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  edgeTemplate = Template.fromStack(edge);
  template = Template.fromStack(platform);
}, 180_000);

describe('safe to leave running', () => {
  it('passes cdk-nag in both stacks without the WAF and TLS suppressions', () => {
    for (const stack of [edge, platform]) {
      const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
      expect(errors.map((e) => e.entry.data)).toEqual([]);
    }
    // Every suppression sits on the resource it is about: none for a whole stack.
    for (const stack of [edge, platform]) expect(stack.templateOptions.metadata?.cdk_nag).toBeUndefined();
    const suppressed = JSON.stringify(template.findResources('AWS::CloudFront::Distribution'));
    expect(suppressed).not.toContain('AwsSolutions-CFR2');
    expect(suppressed).not.toContain('AwsSolutions-CFR4');
  });

  it('puts a WAF web ACL with AWS managed rule groups and a per-IP rate rule in front of the web app', () => {
    edgeTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
          },
        }),
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 2000 }) },
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: Match.anyValue(),
        Aliases: ['agents.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
  });

  it('makes MFA and Cognito threat protection stack parameters', () => {
    template.hasParameter('MfaMode', { AllowedValues: ['OFF', 'OPTIONAL', 'ON'], Default: 'OPTIONAL' });
    template.hasParameter('ThreatProtection', {
      AllowedValues: ['OFF', 'AUDIT', 'ENFORCED'],
      Default: 'OFF',
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: { Ref: 'MfaMode' },
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolAddOns: { AdvancedSecurityMode: { Ref: 'ThreatProtection' } },
      UserPoolTier: { 'Fn::If': [Match.anyValue(), 'PLUS', 'ESSENTIALS'] },
    });
  });

  it('sends every alarm to one SNS topic, emailed when the operator gives an address', () => {
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    const topic = Object.keys(topics)[0] as string;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmActions?: unknown[] };
    }[];
    expect(alarms.length).toBeGreaterThanOrEqual(9);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    template.hasResource('AWS::SNS::Subscription', {
      Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' }, TopicArn: { Ref: topic } },
      Condition: Match.anyValue(),
    });
  });

  it('has an AWS Budgets alarm on the monthly cost, to the same topic', () => {
    template.hasParameter('MonthlyBudgetUsd', { Type: 'Number', Default: 100 });
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: { Ref: 'MonthlyBudgetUsd' }, Unit: 'USD' },
      },
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({
          Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 80 }),
          Subscribers: [{ SubscriptionType: 'SNS', Address: Match.anyValue() }],
        }),
      ]),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'budgets.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  it('caps what builders may ask of the runner, per builder and in total, in the testing function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TEST_BACKEND: 'ecs',
          TEST_MAX_RUN_MS: '300000',
          TEST_MAX_BUILD_MS: '900000',
          TEST_MAX_MEMORY_MB: '2048',
          TEST_MAX_CONCURRENT_PER_USER: '3',
          TEST_MAX_CONCURRENT_TOTAL: '50',
        }),
      },
    });
  });

  it('alarms on the stream and task-stopped functions, and keeps failed task-stopped events in a dead-letter queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmDescription: string };
    }[];
    const descriptions = alarms.map((a) => a.Properties.AlarmDescription);
    expect(descriptions).toEqual(
      expect.arrayContaining([
        'The testStream Lambda failed more than 5 times in 5 minutes',
        'The runnerStopped Lambda failed more than 5 times in 5 minutes',
        'RunnerStopped: an event failed every retry and waits in its dead-letter queue',
      ]),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
  });
});
