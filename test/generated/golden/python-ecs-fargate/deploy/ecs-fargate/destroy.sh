#!/usr/bin/env bash
# Deletes the ECS stack (service, load balancer, roles, logs). Add --delete-images to delete the ECR repository too.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require aws

aws cloudformation delete-stack --stack-name "$STACK_NAME"
aws cloudformation wait stack-delete-complete --stack-name "$STACK_NAME"
if [[ "${1:-}" == "--delete-images" ]]; then
  aws ecr delete-repository --repository-name "$ECR_REPOSITORY" --force >/dev/null
  rm -f "$IMAGE_URI_FILE"
fi
echo "Removed."
