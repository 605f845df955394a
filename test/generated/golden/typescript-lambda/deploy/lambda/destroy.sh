#!/usr/bin/env bash
# Deletes the Lambda stack (function, URL, role, logs). Add --delete-artifacts to delete the artifacts bucket too.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws

aws cloudformation delete-stack --stack-name "$STACK_NAME"
aws cloudformation wait stack-delete-complete --stack-name "$STACK_NAME"
if [[ "${1:-}" == "--delete-artifacts" ]]; then
  aws s3 rb "s3://$AGENT_NAME-artifacts-$(account_id)-$AWS_REGION" --force
fi
echo "Removed."
