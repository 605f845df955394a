#!/usr/bin/env bash
# Invokes the agent function with a prompt and prints the answer.
# Usage: deploy/lambda/invoke.sh "your prompt"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws jq

prompt="${1:?usage: deploy/lambda/invoke.sh \"your prompt\"}"
response="$(mktemp)"
trap 'rm -f "$response"' EXIT
aws lambda invoke --function-name "$(stack_output "$STACK_NAME" FunctionName)" \
  --cli-binary-format raw-in-base64-out \
  --payload "$(jq -cn --arg body "$(json_prompt "$prompt")" '{body: $body, headers: {"content-type": "application/json"}}')" \
  "$response" >/dev/null
jq -r '(.body | fromjson | .response) // .' "$response"
