#!/usr/bin/env bash
# Builds the Lambda deployment package deploy/lambda/function.zip: the app and its dependencies as
# wheels for Python 3.12 on arm64 Linux.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require python3 zip

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
python3 -m pip install --quiet --requirement "$PROJECT_DIR/requirements.txt" --target "$stage" \
  --platform manylinux2014_aarch64 --implementation cp --python-version 3.12 --only-binary=:all:
cp -r "$PROJECT_DIR/app" "$stage/"
rm -f "$DEPLOY_DIR/lambda/function.zip"
(cd "$stage" && zip -qr "$DEPLOY_DIR/lambda/function.zip" . -x '*/__pycache__/*')
echo "Packaged deploy/lambda/function.zip"
