#!/usr/bin/env bash
# Builds and pushes the agent image in AWS CodeBuild on $PLATFORM hardware, for machines that cannot
# build it (no Docker, or no linux/arm64 emulation). The CodeBuild project is a CloudFormation stack.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require aws zip

ensure_ecr_repository
aws cloudformation deploy --stack-name "$CODEBUILD_STACK_NAME" \
  --template-file "$DEPLOY_DIR/cloudformation/codebuild.yaml" \
  --parameter-overrides RepositoryName="$ECR_REPOSITORY" \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset
bucket="$(stack_output "$CODEBUILD_STACK_NAME" SourceBucket)"
project="$(stack_output "$CODEBUILD_STACK_NAME" ProjectName)"

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
(cd "$PROJECT_DIR" && zip -qr "$workdir/source.zip" . -x 'node_modules/*' '.venv/*' 'dist/*' '.git/*' 'infra/node_modules/*' 'infra/cdk.out/*' '.env' 'deploy/.*')
aws s3 cp "$workdir/source.zip" "s3://$bucket/source.zip"

tag="$(date -u +%Y%m%d%H%M%S)"
build_id="$(aws codebuild start-build --project-name "$project" \
  --environment-variables-override "name=IMAGE_TAG,value=$tag,type=PLAINTEXT" --query build.id --output text)"
echo "Started CodeBuild build $build_id"
while true; do
  status="$(aws codebuild batch-get-builds --ids "$build_id" --query 'builds[0].buildStatus' --output text)"
  case "$status" in
    IN_PROGRESS) sleep 15 ;;
    SUCCEEDED) break ;;
    *) echo "error: the build ended with status $status; see its logs in the CodeBuild console" >&2; exit 1 ;;
  esac
done
uri="$(ecr_registry)/$ECR_REPOSITORY:$tag"
echo "$uri" >"$IMAGE_URI_FILE"
echo "Pushed $uri"
