import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { startEarlyRequests } from './src/api/early.ts';

/**
 * Inlines `startEarlyRequests` in index.html in place of its marker comment (before the style
 * sheet, which would hold a script back until it loads), so the first screen's requests leave
 * while the app's script downloads. web/src/api/early.ts says what it asks for and how the app
 * takes the answers.
 */
function earlyRequests(): Plugin {
  const script = `<script>(${startEarlyRequests.toString()})(window);</script>`;
  return {
    name: 'rapport-early-requests',
    transformIndexHtml(html) {
      const marker = /<!-- rapport:early-requests[^>]*-->/;
      if (!marker.test(html)) throw new Error('index.html lost its <!-- rapport:early-requests --> marker');
      return html.replace(marker, () => script);
    },
  };
}

/** Files worth compressing ahead: text over 1 kB. */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside each built text file, at the highest
 * levels since this runs once per build; the server sends the copy the browser accepts.
 */
function precompress(outDir: string): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  return {
    name: 'rapport-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file) || statSync(file).size < 1024) continue;
        const data = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

const outDir = 'dist';

// `npm run dev -w web` serves the app with hot reload and sends /api to a Rapport server
// (RAPPORT_API_URL, default http://localhost:3000), so the session cookie stays same-origin.
export default defineConfig({
  plugins: [react(), earlyRequests(), precompress(path.resolve(import.meta.dirname, outDir))],
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.RAPPORT_API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
  build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
});
