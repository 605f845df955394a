import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

// jsdom lays nothing out: give elements a viewport-sized box so virtualised lists render their rows.
for (const [property, size] of [
  ['offsetHeight', 640],
  ['offsetWidth', 900],
  ['clientHeight', 640],
  ['clientWidth', 900],
] as const) {
  Object.defineProperty(HTMLElement.prototype, property, { configurable: true, get: () => size });
}
