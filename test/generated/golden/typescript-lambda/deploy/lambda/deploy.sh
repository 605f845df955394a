#!/usr/bin/env bash
# Deploys the agent to AWS Lambda: packages it (unless --skip-package), uploads the package to an
# artifacts bucket (created once, private and encrypted), then creates or updates the stack.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws

if [[ "${1:-}" != "--skip-package" ]]; then
  "$DEPLOY_DIR/lambda/package.sh"
fi
package="$DEPLOY_DIR/lambda/function.zip"
[[ -s "$package" ]] || { echo "error: no package; run deploy/lambda/package.sh" >&2; exit 1; }

bucket="$AGENT_NAME-artifacts-$(account_id)-$AWS_REGION"
if ! aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
  if [[ "$AWS_REGION" == "us-east-1" ]]; then
    aws s3api create-bucket --bucket "$bucket" >/dev/null
  else
    aws s3api create-bucket --bucket "$bucket" --create-bucket-configuration "LocationConstraint=$AWS_REGION" >/dev/null
  fi
  aws s3api put-public-access-block --bucket "$bucket" \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  echo "Created artifacts bucket $bucket"
fi
key="lambda/$(sha256sum "$package" | cut -c1-16).zip"
aws s3 cp "$package" "s3://$bucket/$key"

parameters=("CodeBucket=$bucket" "CodeKey=$key" "AgentName=$AGENT_NAME")
[[ -n "$SECRET_ARNS" ]] || { echo "error: set SECRET_ARNS in deploy/config.env (TAVILY_API_KEY)" >&2; exit 1; }
parameters+=("SecretArns=$SECRET_ARNS")
aws cloudformation deploy --stack-name "$STACK_NAME" \
  --template-file "$DEPLOY_DIR/cloudformation/lambda.yaml" \
  --parameter-overrides "${parameters[@]}" \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset
echo "Ready: function $(stack_output "$STACK_NAME" FunctionName), URL $(stack_output "$STACK_NAME" FunctionUrl) (IAM-signed requests only)"
echo "Try it: deploy/lambda/invoke.sh \"Hello! What can you do?\""
