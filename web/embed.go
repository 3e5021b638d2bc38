// Package web holds hob's console front-end: the Vite + TypeScript app in
// this directory, built by `make web` (npm ci && npm run build) into dist/,
// which this package embeds. On a fresh clone dist holds only .gitkeep, so
// the build still compiles and the console serves its "not built yet" page.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built front-end, rooted at dist: index.html and assets/...
// (or only .gitkeep when it has not been built). It is console.Config's
// Assets.
var Dist fs.FS = mustSub(dist, "dist")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a constant embedded directory; cannot happen
	}
	return sub
}
