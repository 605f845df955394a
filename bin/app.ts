import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EdgeSecurityStack } from '../lib/edge-security-stack.ts';
import { PlatformStack } from '../lib/platform-stack.ts';

// `cdk synth` / `cdk deploy --all` entry (cdk.json). Works offline: no lookups, no account needed to
// synthesise. When the target account and Region are known (a deploy), the web app's WAF web ACL is
// deployed in us-east-1 (CloudFront's Region) and referenced across Regions.
const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const edge =
  account && region
    ? new EdgeSecurityStack(app, 'AgentBuilderEdge', {
        env: { account, region: 'us-east-1' },
        crossRegionReferences: true,
        description: 'Agent Builder Platform: the web app firewall (AWS WAF for CloudFront)',
      })
    : undefined;
// A custom domain for the web app: `-c domainName=agents.example.com -c certificateArn=arn:…` (us-east-1).
const domainName = app.node.tryGetContext('domainName') as string | undefined;
const certificateArn = app.node.tryGetContext('certificateArn') as string | undefined;
if (Boolean(domainName) !== Boolean(certificateArn))
  throw new Error(
    'a custom domain needs both -c domainName=… and -c certificateArn=… (an ACM certificate in us-east-1)',
  );
new PlatformStack(app, 'AgentBuilderPlatform', {
  env: { account, region },
  crossRegionReferences: edge !== undefined,
  description: 'Agent Builder Platform: API, sessions, code generation, cost estimates',
  ...(edge ? { webAclArn: edge.webAclArn } : {}),
  ...(domainName && certificateArn ? { domain: { names: [domainName], certificateArn } } : {}),
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
