#!/usr/bin/env bash
# Deploys the agent to Amazon Bedrock AgentCore Runtime: builds and pushes the image (unless
# --skip-build), creates or updates the execution role stack, then creates the agent runtime or
# updates it in place, and waits until it is READY. Safe to run again.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws jq

if [[ "${1:-}" != "--skip-build" ]]; then
  "$DEPLOY_DIR/build-and-push.sh"
fi
[[ -s "$IMAGE_URI_FILE" ]] || { echo "error: no image yet; run deploy/build-and-push.sh or deploy/build-with-codebuild.sh" >&2; exit 1; }
image_uri="$(cat "$IMAGE_URI_FILE")"

parameters=("RepositoryName=$ECR_REPOSITORY")
[[ -n "$SECRET_ARNS" ]] || { echo "error: set SECRET_ARNS in deploy/config.env (TAVILY_API_KEY)" >&2; exit 1; }
parameters+=("SecretArns=$SECRET_ARNS")
aws cloudformation deploy --stack-name "$ROLE_STACK_NAME" \
  --template-file "$DEPLOY_DIR/cloudformation/agentcore-role.yaml" \
  --parameter-overrides "${parameters[@]}" \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset
role_arn="$(stack_output "$ROLE_STACK_NAME" RuntimeRoleArn)"

environment="$(jq -cn --arg region "$AWS_REGION" --arg model "$MODEL_ID" '{AWS_REGION: $region, MODEL_ID: $model, LOG_LEVEL: "INFO"}')"
environment="$(jq -c --arg id "$(cut -d, -f1 <<<"$SECRET_ARNS")" '. + {"TAVILY_API_KEY_SECRET_ID": $id}' <<<"$environment")"
runtime_args=(
  --agent-runtime-artifact "containerConfiguration={containerUri=$image_uri}"
  --role-arn "$role_arn"
  --network-configuration networkMode=PUBLIC
  --protocol-configuration serverProtocol=HTTP
  --environment-variables "$environment"
)

runtime_id="$(aws bedrock-agentcore-control list-agent-runtimes \
  --query "agentRuntimes[?agentRuntimeName=='$RUNTIME_NAME'].agentRuntimeId | [0]" --output text)"
if [[ -z "$runtime_id" || "$runtime_id" == "None" ]]; then
  runtime_id="$(aws bedrock-agentcore-control create-agent-runtime --agent-runtime-name "$RUNTIME_NAME" \
    "${runtime_args[@]}" --query agentRuntimeId --output text)"
  echo "Created agent runtime $runtime_id"
else
  aws bedrock-agentcore-control update-agent-runtime --agent-runtime-id "$runtime_id" "${runtime_args[@]}" >/dev/null
  echo "Updated agent runtime $runtime_id"
fi

for _ in $(seq 1 60); do
  status="$(aws bedrock-agentcore-control get-agent-runtime --agent-runtime-id "$runtime_id" --query status --output text)"
  case "$status" in
    READY) break ;;
    *FAILED) echo "error: the runtime is $status; see: aws bedrock-agentcore-control get-agent-runtime --agent-runtime-id $runtime_id" >&2; exit 1 ;;
    *) sleep 10 ;;
  esac
done
[[ "$status" == "READY" ]] || { echo "error: the runtime is still $status after 10 minutes" >&2; exit 1; }
arn="$(aws bedrock-agentcore-control get-agent-runtime --agent-runtime-id "$runtime_id" --query agentRuntimeArn --output text)"
echo "$arn" >"$DEPLOY_DIR/.agent-runtime-arn"
echo "Ready: $arn"
echo "Try it: deploy/agentcore/invoke.sh \"Hello! What can you do?\""
