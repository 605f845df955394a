import { CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { routeList } from '../lambdas/routes.ts';

/**
 * A dashboard of what matters (generation success rate, API latency and errors per route), and alarms
 * that reach someone: every alarm notifies one SNS topic, with an email subscription when the operator
 * gives an address.
 */
export class Monitoring extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The alarms that say a rollout hurts builders: AppConfig rolls a flag deployment back on them. */
  public readonly rollbackAlarms: cloudwatch.Alarm[] = [];
  /** Where every alarm (and the budget) sends its notification. */
  public readonly topic: sns.Topic;

  constructor(
    scope: Construct,
    id: string,
    props: {
      api: apigw.HttpApi;
      functions: Record<string, lambda.IFunction>;
      stateMachine: sfn.StateMachine;
      /** An email address for the alarms (a CloudFormation value; empty: no subscription). */
      alarmEmail?: string;
      /** Queues whose every message is a failure someone must look at (dead-letter queues). */
      deadLetterQueues?: Record<string, sqs.IQueue>;
    },
  ) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: 'Agent Builder Platform alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) {
      const subscription = new sns.CfnSubscription(this, 'AlarmEmail', {
        topicArn: this.topic.topicArn,
        protocol: 'email',
        endpoint: props.alarmEmail,
      });
      subscription.cfnOptions.condition = new CfnCondition(this, 'HasAlarmEmail', {
        expression: Fn.conditionNot(Fn.conditionEquals(props.alarmEmail, '')),
      });
    }
    const period = Duration.minutes(5);
    const succeeded = props.stateMachine.metricSucceeded({ period, statistic: 'Sum' });
    const started = props.stateMachine.metricStarted({ period, statistic: 'Sum' });
    const successRate = new cloudwatch.MathExpression({
      expression: 'IF(started > 0, 100 * succeeded / started, 100)',
      usingMetrics: { succeeded, started },
      label: 'generation success %',
      period,
    });
    const perRoute = (metricName: string, statistic: string) =>
      routeList.map(
        (route) =>
          new cloudwatch.Metric({
            namespace: 'AWS/ApiGateway',
            metricName,
            dimensionsMap: {
              ApiId: props.api.apiId,
              Stage: '$default',
              Resource: route.path,
              Method: route.method,
            },
            statistic,
            period,
            label: `${route.method} ${route.path}`,
          }),
      );
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Generation success rate (%)', left: [successRate], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Generations',
        left: [started, succeeded, props.stateMachine.metricFailed({ period, statistic: 'Sum' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API errors',
        left: [props.api.metricClientError({ period }), props.api.metricServerError({ period })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency p90 per route (ms)',
        left: perRoute('Latency', 'p90'),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: '5xx per route', left: perRoute('5xx', 'Sum'), width: 12 }),
    );
    this.alarms.push(
      new cloudwatch.Alarm(this, 'ApiServerErrors', {
        metric: props.api.metricServerError({ period, statistic: 'Sum' }),
        threshold: 5,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: 'The API answered 5xx more than 5 times in 5 minutes',
      }),
      new cloudwatch.Alarm(this, 'GenerationSuccessRate', {
        metric: successRate,
        threshold: 90,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: 'Fewer than 90% of generations succeeded for 15 minutes',
      }),
      ...Object.entries(props.functions).map(
        ([name, fn]) =>
          new cloudwatch.Alarm(this, `${name}Errors`, {
            metric: fn.metricErrors({ period, statistic: 'Sum' }),
            threshold: 5,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            alarmDescription: `The ${name} Lambda failed more than 5 times in 5 minutes`,
          }),
      ),
    );
    this.rollbackAlarms.push(...this.alarms.slice(0, 2));
    for (const [name, queue] of Object.entries(props.deadLetterQueues ?? {}))
      this.alarms.push(
        new cloudwatch.Alarm(this, `${name}DeadLetters`, {
          metric: queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: `${name}: an event failed every retry and waits in its dead-letter queue`,
        }),
      );
    const action = new actions.SnsAction(this.topic);
    for (const alarm of this.alarms) alarm.addAlarmAction(action);
  }
}
