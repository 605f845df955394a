#!/usr/bin/env bash
# Sends a prompt to the deployed agent runtime and prints the answer.
# Usage: deploy/agentcore/invoke.sh "your prompt" [session-id]   (reuse a session id to continue a conversation)
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws jq

prompt="${1:?usage: deploy/agentcore/invoke.sh \"your prompt\" [session-id]}"
session_id="${2:-$(new_session_id)}"
[[ -s "$DEPLOY_DIR/.agent-runtime-arn" ]] || { echo "error: not deployed yet; run deploy/agentcore/deploy.sh" >&2; exit 1; }
arn="$(cat "$DEPLOY_DIR/.agent-runtime-arn")"

response="$(mktemp)"
trap 'rm -f "$response"' EXIT
aws bedrock-agentcore invoke-agent-runtime --agent-runtime-arn "$arn" --runtime-session-id "$session_id" \
  --payload "$(json_prompt "$prompt")" --cli-binary-format raw-in-base64-out "$response" >/dev/null
jq -r '.response // .' "$response"
echo "session: $session_id" >&2
