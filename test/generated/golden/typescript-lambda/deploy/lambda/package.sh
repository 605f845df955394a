#!/usr/bin/env bash
# Builds the Lambda deployment package deploy/lambda/function.zip: compiled code and production
# dependencies for arm64 Linux.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require npm zip

cd "$PROJECT_DIR"
npm install --no-audit --no-fund
npm run build
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -r dist package.json "$stage/"
[[ -f package-lock.json ]] && cp package-lock.json "$stage/"
(cd "$stage" && npm install --omit=dev --no-audit --no-fund --os=linux --cpu=arm64)
rm -f "$DEPLOY_DIR/lambda/function.zip"
(cd "$stage" && zip -qr "$DEPLOY_DIR/lambda/function.zip" .)
echo "Packaged deploy/lambda/function.zip"
