// Copies the screenshots the Chromium e2e tests took (test-artifacts/e2e/) into docs/images/, where the
// user guide shows them. `npm run docs:screenshots` runs the e2e tests first, so the pictures are the
// web app as it is now.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SHOTS = 'test-artifacts/e2e';
const IMAGES = 'docs/images';
/** docs/images name → the e2e test's screenshot. */
const PICTURES = {
  'requirements.png': '02-requirements.png',
  'models.png': 'journey-1366-1-model.png',
  'diff.png': 'journey-1366-2-diff.png',
  'chat.png': 'chat-02-conversation-1366.png',
  'evaluations.png': 'evaluations-1366.png',
  'deploy.png': 'journey-1366-3-deploy.png',
};

mkdirSync(IMAGES, { recursive: true });
const missing = Object.values(PICTURES).filter((shot) => !existsSync(join(SHOTS, shot)));
if (missing.length > 0) {
  console.error(
    `No screenshot ${missing.join(', ')} in ${SHOTS}: run the e2e tests (npx vitest run test/e2e).`,
  );
  process.exit(1);
}
for (const [image, shot] of Object.entries(PICTURES)) {
  copyFileSync(join(SHOTS, shot), join(IMAGES, image));
  console.log(`${IMAGES}/${image} ← ${SHOTS}/${shot}`);
}
