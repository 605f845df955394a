import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The rendered API reference at `/api/docs`: a page that loads Scalar's standalone bundle from this
 * API (`/api/docs/scalar.js`) and renders `/api/openapi.json`. Nothing is fetched from another
 * origin: Scalar's fonts, client button and hosted services are turned off.
 */
export function apiReferencePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agent Builder Platform API reference</title>
<link rel="icon" href="data:,">
<style>body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}</style>
</head>
<body>
<noscript>This reference needs JavaScript. The OpenAPI document itself is at <a href="openapi.json">/api/openapi.json</a>.</noscript>
<div id="app"></div>
<script src="docs/scalar.js"></script>
<script>
Scalar.createApiReference('#app', {
  url: 'openapi.json',
  withDefaultFonts: false,
  hideClientButton: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
  telemetry: false,
});
</script>
</body>
</html>
`;
}

/** Where the bundle is: beside the Lambda bundle (copied at synth) or in node_modules (source). */
const SCRIPT_CANDIDATES = [
  new URL('./api-reference/standalone.js', import.meta.url),
  new URL('../../node_modules/@scalar/api-reference/dist/browser/standalone.js', import.meta.url),
];

let script: Uint8Array | undefined;

/** Scalar's standalone bundle, gzipped once per process (about 1.4 MB instead of 4.8 MB). */
export function apiReferenceScript(): Uint8Array {
  if (!script) {
    const file = SCRIPT_CANDIDATES.find((url) => existsSync(url));
    if (!file) throw new Error('the Scalar bundle is missing; run npm ci');
    script = gzipSync(readFileSync(fileURLToPath(file)));
  }
  return script;
}
