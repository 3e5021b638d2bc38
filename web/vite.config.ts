import { defineConfig } from 'vite'

// The console is served by hob from web/dist, embedded in the binary
// (web/embed.go): / is index.html and /assets/... the hashed files, under
// a CSP of default-src 'self', so nothing may be inlined or fetched from
// elsewhere.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Clear stale hashed files; the build script writes dist/.gitkeep back,
    // which keeps `//go:embed all:dist` compiling on a fresh clone.
    emptyOutDir: true,
    // Never inline assets as data: URLs; the CSP allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
})
