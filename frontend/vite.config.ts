import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app: built to dist/, served by the local gateway (npm start) and by S3 + CloudFront in AWS.
// `npm run dev -w frontend` proxies the API and the stream to a platform on :3000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 700 },
  server: {
    // The platform serves requests from its own origin only (DNS rebinding, other sites): the dev
    // server passes them on as the platform's own.
    proxy: {
      '/api': {
        target: 'http://localhost:3000',
        changeOrigin: true,
        headers: { origin: 'http://localhost:3000' },
      },
      '/ws': {
        target: 'ws://localhost:3000',
        ws: true,
        changeOrigin: true,
        headers: { origin: 'http://localhost:3000' },
      },
    },
  },
});
