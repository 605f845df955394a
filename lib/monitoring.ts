import { CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lambdas/core/adapters/metrics.ts';
import { OUTCOMES } from '../lambdas/core/flags/exposure.ts';
import { FLAG_KEYS } from '../lambdas/core/flags/features.ts';
import { routeList } from '../lambdas/routes.ts';

/**
 * A dashboard of what matters (generation success rate, API latency and errors per route), and alarms
 * that reach someone: every alarm notifies one SNS topic, with an email subscription when the operator
 * gives an address.
 */
export class Monitoring extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  /**
   * The alarms that say a rollout hurts builders, for AppConfig to roll a flag deployment back on
   * (an AppConfig environment takes at most five): API 5xx, generation success, and one composite
   * alarm over every flag's `on` variant failing.
   */
  public readonly rollbackAlarms: cloudwatch.IAlarm[] = [];
  /** One alarm per flag: builders with it on get 5xx on more than 5% of their requests. */
  public readonly flagAlarms: cloudwatch.Alarm[] = [];
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
    this.flagAlarms.push(...this.rollout(period));
    this.rollbackAlarms.push(
      ...this.alarms.slice(0, 2),
      new cloudwatch.CompositeAlarm(this, 'RolloutErrors', {
        alarmRule: cloudwatch.AlarmRule.anyOf(...this.flagAlarms),
        alarmDescription: 'Builders with some flag on get 5xx on more than 5% of their requests',
      }),
    );
    this.alarms.push(...this.flagAlarms);
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

  /**
   * The rollout section: the platform's own metrics (EMF, lambdas/core/adapters/metrics.ts) per route,
   * and per flag side by side for its `on` and `off` variants: latency, server errors, generation,
   * test-run and evaluation success, builder satisfaction. Answers one alarm per flag (its `on`
   * variant failing), for AppConfig to roll a flag deployment back on.
   */
  private rollout(period: Duration): cloudwatch.Alarm[] {
    const service = 'agent-builder';
    const metric = (
      metricName: string,
      dimensionsMap: Record<string, string>,
      statistic: string,
      label: string,
    ) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service, ...dimensionsMap },
        statistic,
        period,
        label,
      });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '## Rollout\nPer route, then per feature flag: each capability’s `on` and `off` variants side by side. A flag’s error alarm rolls its AppConfig deployment back.',
        width: 24,
        height: 2,
      }),
      ...(['p50', 'p95', 'p99'] as const).map(
        (statistic) =>
          new cloudwatch.GraphWidget({
            title: `API latency ${statistic} per route (ms)`,
            left: routeList.map((route) => metric('Latency', { route: route.id }, statistic, route.id)),
            width: 8,
            legendPosition: cloudwatch.LegendPosition.HIDDEN,
          }),
      ),
    );
    const variants = ['on', 'off'] as const;
    const alarms: cloudwatch.Alarm[] = [];
    for (const flag of FLAG_KEYS) {
      const errorRate = (variant: string) =>
        new cloudwatch.MathExpression({
          // Ids are per variant: both variants' expressions share one graph.
          expression: `IF(requests_${variant} >= 10, 100 * errors_${variant} / requests_${variant}, 0)`,
          usingMetrics: {
            [`requests_${variant}`]: metric('Requests', { flag, variant }, 'Sum', 'requests'),
            [`errors_${variant}`]: metric('ServerErrors', { flag, variant }, 'Sum', 'errors'),
          },
          label: `${variant}: 5xx %`,
          period,
        });
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${flag}: latency by variant (ms)`,
          left: variants.flatMap((variant) =>
            (['p50', 'p95', 'p99'] as const).map((p) =>
              metric('Latency', { flag, variant }, p, `${variant} ${p}`),
            ),
          ),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${flag}: 5xx rate by variant (%)`,
          left: variants.map(errorRate),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${flag}: generations, test runs, evaluations by variant`,
          left: variants.flatMap((variant) =>
            (['Generation', 'TestRun', 'Evaluation'] as const).flatMap((kind) =>
              OUTCOMES[kind].map((name) => metric(name, { flag, variant }, 'Sum', `${variant} ${name}`)),
            ),
          ),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${flag}: builder satisfaction by variant`,
          left: variants.flatMap((variant) =>
            OUTCOMES.Feedback.map((name) => metric(name, { flag, variant }, 'Sum', `${variant} ${name}`)),
          ),
          width: 6,
        }),
      );
      alarms.push(
        new cloudwatch.Alarm(
          this,
          `Rollout${flag.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Errors`,
          {
            metric: errorRate('on'),
            threshold: 5,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            alarmDescription: `Builders with ${flag} on got 5xx on more than 5% of their requests: roll the flag back`,
          },
        ),
      );
    }
    return alarms;
  }
}
