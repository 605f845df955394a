import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROOT } from './agent-function.ts';
import { suppress } from './nag.ts';

export interface FeatureFlagsProps {
  /**
   * Alarms AppConfig watches while it deploys a change of the flags: one going off rolls the
   * deployment back to the previous flags (AppConfig automatic rollback).
   * @default - none
   */
  rollbackAlarms?: cloudwatch.IAlarm[];
  /**
   * How a change of the flags reaches the Lambdas.
   * @default linear, 20% of the Lambdas' polls every 4 minutes, then 10 minutes of bake time
   */
  rolloutStrategy?: appconfig.RolloutStrategy;
}

/**
 * The feature flags in AWS AppConfig: an application, its environment (watching the rollback alarms),
 * a feature-flag configuration profile whose first version is `registry-data/flags.json`, and a
 * gradual deployment strategy. The Lambdas read it with the AppConfig data API (lambdas/core).
 */
export class FeatureFlags extends Construct {
  public readonly application: appconfig.Application;
  public readonly environment: appconfig.Environment;
  public readonly profile: appconfig.HostedConfiguration;
  public readonly deploymentStrategy: appconfig.DeploymentStrategy;

  constructor(scope: Construct, id: string, props: FeatureFlagsProps = {}) {
    super(scope, id);
    this.application = new appconfig.Application(this, 'Application', {
      description: 'Agent Builder Platform feature flags',
    });
    // The role AppConfig reads the alarms' states with during a deployment.
    const alarmRole = new iam.Role(this, 'RollbackAlarmsRole', {
      assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com'),
      description: 'AppConfig reads the rollback alarms while it deploys a change of the flags',
      inlinePolicies: {
        DescribeAlarms: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] })],
        }),
      },
    });
    suppress(alarmRole, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'cloudwatch:DescribeAlarms has no resource-level permissions; AppConfig needs it to watch the rollback alarms (AppConfig user guide, "Configuring permissions for automatic rollback").',
        appliesTo: ['Resource::*'],
      },
    ]);
    this.environment = new appconfig.Environment(this, 'Environment', {
      application: this.application,
      description: 'The platform’s flags; a rollback alarm going off during a deployment rolls it back',
      monitors: (props.rollbackAlarms ?? []).map((alarm) =>
        appconfig.Monitor.fromCloudWatchAlarm(alarm, alarmRole),
      ),
    });
    this.deploymentStrategy = new appconfig.DeploymentStrategy(this, 'GradualRollout', {
      description: 'Flags reach the Lambdas gradually, watched by the rollback alarms, then bake',
      rolloutStrategy:
        props.rolloutStrategy ??
        appconfig.RolloutStrategy.linear({
          growthFactor: 20,
          deploymentDuration: Duration.minutes(20),
          finalBakeTime: Duration.minutes(10),
        }),
    });
    this.profile = new appconfig.HostedConfiguration(this, 'Flags', {
      application: this.application,
      type: appconfig.ConfigurationType.FEATURE_FLAGS,
      description: 'Rollout of new or risky capabilities: enabled, percentage (sticky per user), allow, deny',
      content: appconfig.ConfigurationContent.fromInlineJson(
        readFileSync(join(ROOT, 'registry-data', 'flags.json'), 'utf8'),
      ),
      deploymentStrategy: this.deploymentStrategy,
      deployTo: [this.environment],
    });
  }

  /** Lets `fn` read the flags (this profile in this environment only) and tells it where they are. */
  bind(fn: lambda.Function): void {
    const stack = Stack.of(this);
    fn.addEnvironment('APPCONFIG_APPLICATION', this.application.applicationId);
    fn.addEnvironment('APPCONFIG_ENVIRONMENT', this.environment.environmentId);
    fn.addEnvironment('APPCONFIG_FLAGS_PROFILE', this.profile.configurationProfileId);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadFeatureFlags',
        actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
        resources: [
          stack.formatArn({
            service: 'appconfig',
            resource: 'application',
            resourceName: `${this.application.applicationId}/environment/${this.environment.environmentId}/configuration/${this.profile.configurationProfileId}`,
          }),
        ],
      }),
    );
  }
}
