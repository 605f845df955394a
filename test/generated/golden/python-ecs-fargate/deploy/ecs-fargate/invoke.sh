#!/usr/bin/env bash
# Sends a prompt to the agent through its load balancer and prints the answer.
# Usage: deploy/ecs-fargate/invoke.sh "your prompt" [session-id]
# The load balancer is internal by default: run this from inside the VPC, or see README.md.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws curl jq

prompt="${1:?usage: deploy/ecs-fargate/invoke.sh \"your prompt\" [session-id]}"
session_id="${2:-$(new_session_id)}"
[[ "$CREATE_LOAD_BALANCER" == "true" ]] || { echo "error: no load balancer (CREATE_LOAD_BALANCER=false); call a task on port 8080 directly" >&2; exit 1; }
url="$(stack_output "$STACK_NAME" ServiceUrl)"
curl --fail-with-body --silent --show-error "$url/invocations" \
  -H 'content-type: application/json' \
  -H "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: $session_id" \
  --data "$(json_prompt "$prompt")" | jq -r '.response // .'
echo "session: $session_id" >&2
