#!/usr/bin/env bash
# Removes the agent runtime and its execution role. Add --delete-images to delete the ECR repository too.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws

runtime_id="$(aws bedrock-agentcore-control list-agent-runtimes \
  --query "agentRuntimes[?agentRuntimeName=='$RUNTIME_NAME'].agentRuntimeId | [0]" --output text)"
if [[ -n "$runtime_id" && "$runtime_id" != "None" ]]; then
  aws bedrock-agentcore-control delete-agent-runtime --agent-runtime-id "$runtime_id" >/dev/null
  echo "Deleted agent runtime $runtime_id"
fi
aws cloudformation delete-stack --stack-name "$ROLE_STACK_NAME"
aws cloudformation wait stack-delete-complete --stack-name "$ROLE_STACK_NAME"
rm -f "$DEPLOY_DIR/.agent-runtime-arn"
if [[ "${1:-}" == "--delete-images" ]]; then
  aws ecr delete-repository --repository-name "$ECR_REPOSITORY" --force >/dev/null
  rm -f "$IMAGE_URI_FILE"
  echo "Deleted ECR repository $ECR_REPOSITORY"
fi
echo "Removed."
