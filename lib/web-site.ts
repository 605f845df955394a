import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deployment from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ROOT } from './agent-function.ts';
import { LAMBDA_BASICS } from './nag.ts';

export interface WebSiteProps {
  /** The HTTP API's base URL (without `/api`). */
  apiUrl: string;
  /** The test-run stream's WebSocket URL. */
  streamUrl: string;
  cognito: { userPoolId: string; clientId: string };
  /** The AWS WAF web ACL (scope CLOUDFRONT, in us-east-1) in front of the site. */
  webAclArn?: string;
  /**
   * A custom domain and its ACM certificate (in us-east-1). Without one the site is served on its
   * *.cloudfront.net name, whose default certificate lets CloudFront accept TLS 1.0 and 1.1 too.
   */
  domain?: { names: string[]; certificateArn: string };
}

/**
 * The web app on S3 + CloudFront: a private bucket read only through Origin Access Control, SPA
 * routing (unknown paths answer index.html), security headers on every response, and `/config.json`
 * written at deploy time with the API URL, the stream URL and the Cognito ids, so one build serves
 * every stage. The app is built with Vite during synthesis (`npm run build -w frontend`).
 */
export class WebSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'assets/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const api = `https://*.execute-api.${region}.amazonaws.com`;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Agent Builder web app: CSP, HSTS, no sniffing, no framing, strict referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            // CodeMirror styles its editor with inline style elements.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            `connect-src 'self' ${api} wss://*.execute-api.${region}.amazonaws.com https://cognito-idp.${region}.amazonaws.com`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Agent Builder web app',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      // Client-side routes (/sessions/…) are the app's: S3 answers 403 for them, CloudFront the app.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      // Applies with a custom certificate; the default *.cloudfront.net certificate cannot enforce it.
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(props.domain
        ? {
            domainNames: props.domain.names,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
          }
        : {}),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });

    const deploy = new deployment.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      sources: [
        deployment.Source.asset(join(ROOT, 'frontend'), {
          bundling: {
            // Used only where npm cannot build locally.
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
            local: {
              tryBundle: (outputDir: string) => {
                execFileSync(
                  'npm',
                  ['run', 'build', '-w', 'frontend', '--', '--outDir', outputDir, '--emptyOutDir'],
                  {
                    cwd: ROOT,
                    stdio: 'inherit',
                  },
                );
                return true;
              },
            },
          },
        }),
        deployment.Source.jsonData('config.json', {
          apiUrl: props.apiUrl,
          streamUrl: props.streamUrl,
          cognito: { region, userPoolId: props.cognito.userPoolId, clientId: props.cognito.clientId },
        }),
      ],
    });

    // CDK's own deployment Lambda (one per stack): it copies the built app from CDK's asset bucket into
    // the site bucket and invalidates the distribution.
    const deployer = Stack.of(this).node.tryFindChild(deploy.handlerRole.node.scope?.node.id ?? '');
    if (deployer)
      NagSuppressions.addResourceSuppressions(
        deployer,
        [
          ...LAMBDA_BASICS,
          {
            id: 'AwsSolutions-IAM5',
            reason:
              "CDK's BucketDeployment: read CDK's asset bucket, write the site bucket, and create CloudFront invalidations (which have no resource-level permissions).",
            appliesTo: [
              { regex: '/^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\\*$/g' },
              {
                regex:
                  '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):s3:::cdk-[a-z0-9]+-assets-(<AWS::AccountId>|[0-9]{12})-(<AWS::Region>|[a-z0-9-]+)\\/\\*$/g',
              },
              { regex: '/^Resource::<WebSiteAssets[0-9A-F]+\\.Arn>\\/\\*$/g' },
              'Resource::*',
            ],
          },
        ],
        true,
      );
    NagSuppressions.addResourceSuppressions(logs, [
      { id: 'AwsSolutions-S1', reason: 'This is the access-log bucket; logging it to itself would loop.' },
    ]);
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Builders may work from anywhere; the API behind the app requires Cognito sign-in.',
      },
      ...(props.webAclArn
        ? []
        : [
            {
              id: 'AwsSolutions-CFR2',
              reason:
                'Synthesised without a Region (offline): bin/app.ts attaches the AgentBuilderEdge web ACL whenever the target Region is known.',
            },
          ]),
      ...(props.domain
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'No custom domain was given (context domainName + certificateArn): the default *.cloudfront.net certificate cannot enforce TLS 1.2; with one, TLSv1.2_2021 applies.',
            },
          ]),
    ]);
  }
}
