#!/usr/bin/env bash
# Shared by the deploy scripts: strict mode, the settings in config.env, and small helpers.
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034  # PROJECT_DIR and IMAGE_URI_FILE are used by the scripts that source this file
PROJECT_DIR="$(dirname "$DEPLOY_DIR")"
# shellcheck disable=SC2034
IMAGE_URI_FILE="$DEPLOY_DIR/.image-uri"
# shellcheck source=config.env
source "$DEPLOY_DIR/config.env"
export AWS_REGION
export AWS_DEFAULT_REGION="$AWS_REGION"

# Fails with a clear message when a command the scripts need is missing.
require() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "error: '$cmd' is required; see README.md, section Deploy" >&2; exit 1; }
  done
}

account_id() {
  aws sts get-caller-identity --query Account --output text
}

ecr_registry() {
  echo "$(account_id).dkr.ecr.${AWS_REGION}.amazonaws.com"
}

# Creates the ECR repository on first use (scan on push, encrypted); does nothing when it exists.
ensure_ecr_repository() {
  if ! aws ecr describe-repositories --repository-names "$ECR_REPOSITORY" >/dev/null 2>&1; then
    aws ecr create-repository --repository-name "$ECR_REPOSITORY" \
      --image-scanning-configuration scanOnPush=true --encryption-configuration encryptionType=AES256 >/dev/null
    echo "Created ECR repository $ECR_REPOSITORY"
  fi
}

stack_output() {
  aws cloudformation describe-stacks --stack-name "$1" --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text
}

# A runtime session id: 'session-' and a UUID, 44 characters (AgentCore needs 33 or more).
new_session_id() {
  local uuid
  uuid="$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)"
  printf 'session-%s' "$(printf '%s' "$uuid" | tr '[:upper:]' '[:lower:]')"
}

# The invocation payload {"prompt": ...} for any text, quotes and newlines included.
json_prompt() {
  jq -cn --arg prompt "$1" '{prompt: $prompt}'
}
