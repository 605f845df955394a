#!/usr/bin/env bash
# Builds the agent image for $PLATFORM with docker buildx and pushes it to ECR.
# Safe to run again: the repository is created once, and every run pushes a new, dated tag.
# No Docker that builds linux/arm64 here? Use deploy/build-with-codebuild.sh instead.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require aws docker

ensure_ecr_repository
registry="$(ecr_registry)"
aws ecr get-login-password | docker login --username AWS --password-stdin "$registry"

uri="$registry/$ECR_REPOSITORY:$(date -u +%Y%m%d%H%M%S)"
docker buildx build --platform "$PLATFORM" --tag "$uri" --push "$PROJECT_DIR"
echo "$uri" >"$IMAGE_URI_FILE"
echo "Pushed $uri"
