#!/usr/bin/env bash
# Deploys the agent to ECS Fargate behind an Application Load Balancer: builds and pushes the image
# (unless --skip-build), then creates or updates the CloudFormation stack. Safe to run again.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws

if [[ "${1:-}" != "--skip-build" ]]; then
  "$DEPLOY_DIR/build-and-push.sh"
fi
[[ -s "$IMAGE_URI_FILE" ]] || { echo "error: no image yet; run deploy/build-and-push.sh or deploy/build-with-codebuild.sh" >&2; exit 1; }

# shellcheck disable=SC2153  # VPC_ID and SUBNET_IDS come from config.env
vpc_id="$VPC_ID" subnet_ids="$SUBNET_IDS"
if [[ -z "$vpc_id" ]]; then
  vpc_id="$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)"
  [[ "$vpc_id" != "None" ]] || { echo "error: no default VPC; set VPC_ID and SUBNET_IDS in deploy/config.env" >&2; exit 1; }
fi
if [[ -z "$subnet_ids" ]]; then
  subnet_ids="$(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc_id" --query 'Subnets[].SubnetId' --output text | tr '\t' ',')"
fi

parameters=(
  "ImageUri=$(cat "$IMAGE_URI_FILE")"
  "RepositoryName=$ECR_REPOSITORY"
  "VpcId=$vpc_id"
  "SubnetIds=$subnet_ids"
  "CreateLoadBalancer=$CREATE_LOAD_BALANCER"
  "LoadBalancerScheme=$LOAD_BALANCER_SCHEME"
  "AllowedCidr=$ALLOWED_CIDR"
)
[[ -n "$SECRET_ARNS" ]] || { echo "error: set SECRET_ARNS in deploy/config.env (TAVILY_API_KEY)" >&2; exit 1; }
parameters+=("SecretArns=$SECRET_ARNS")
aws cloudformation deploy --stack-name "$STACK_NAME" \
  --template-file "$DEPLOY_DIR/cloudformation/ecs-fargate.yaml" \
  --parameter-overrides "${parameters[@]}" \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset
if [[ "$CREATE_LOAD_BALANCER" == "true" ]]; then
  echo "Ready: $(stack_output "$STACK_NAME" ServiceUrl)"
else
  echo "Ready: tasks of cluster $(stack_output "$STACK_NAME" ClusterName) listen on port 8080 (no load balancer)"
fi
echo "Try it: deploy/ecs-fargate/invoke.sh \"Hello! What can you do?\""
