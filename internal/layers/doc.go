// Package layers holds TestImportLayers, which keeps the dependency
// direction of ../../shared/design/STYLE.md true: a package imports only
// from lower layers. It has no code of its own.
package layers
