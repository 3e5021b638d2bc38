// Package testutil starts real hob servers for tests: in-process, on
// 127.0.0.1 with ephemeral ports and temporary data folders, torn down by
// t.Cleanup. It is imported only from _test.go files.
package testutil
