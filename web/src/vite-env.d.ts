// Page modules import their own stylesheet for its side effect
// (`import './things.css'`), which Vite bundles; this tells TypeScript
// such imports exist.
declare module '*.css' {}
