package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hob-iot/hob/"

// layerOf gives each hob package its layer (STYLE.md "Dependency
// direction"); a package may import packages of lower layers only, and
// packages of its own layer only where allowedSameLayer says so.
var layerOf = map[string]int{
	"internal/iot": 0, "internal/topic": 0, "internal/mqtt/packet": 0, "internal/policy": 0,
	"internal/sigv4": 0, "internal/pki": 0, "internal/rules/sql": 0, "internal/atomicfile": 0, "web": 0,
	"internal/store": 1, "internal/store/engine": 1, "internal/store/sqlite": 1, "internal/store/postgres": 1,
	"internal/store/storetest": 1, "internal/bus": 1, "internal/telemetry": 1,
	"internal/registry": 2, "internal/auth": 2, "internal/shadow": 2,
	"internal/rules/eval": 2, "internal/rules/action": 2,
	"internal/broker": 3, "internal/rules": 3, "internal/api": 3, "internal/console": 3,
	"internal/app": 4, "internal/config": 4,
	"cmd/hob": 5, "cmd/elf": 5,
}

// allowedSameLayer lists imports within one layer that are obviously
// downward: the shared vocabulary, and engines importing their interface.
var allowedSameLayer = map[string][]string{
	"internal/policy":          {"internal/iot"},
	"internal/sigv4":           {"internal/iot"},
	"internal/pki":             {"internal/iot", "internal/atomicfile"},
	"internal/store/engine":    {"internal/store"},
	"internal/store/sqlite":    {"internal/store", "internal/store/engine"},
	"internal/store/postgres":  {"internal/store", "internal/store/engine"},
	"internal/store/storetest": {"internal/store"},
	"internal/app":             {"internal/config"},
}

// sidePackages may import only what is listed: elf sees hob through the
// wire, and so does loadgen (`hob bench`), which measures any broker;
// testutil is for tests only and checked by TestTestutilOnlyInTests.
var sidePackages = map[string]int{"internal/elf": 0, "cmd/elf": 0, "internal/loadgen": 0}

func TestImportLayers(t *testing.T) {
	for pkg, imports := range listImports(t, "{{.ImportPath}} {{join .Imports \" \"}}") {
		layer, known := layerOf[pkg]
		if side, ok := sidePackages[pkg]; ok {
			layer, known = side+1, true
			for _, imp := range imports {
				if l, ok := layerOf[imp]; ok && l > side {
					t.Errorf("%s sees hob only through the wire, but imports %s (layer %d)", pkg, imp, l)
				}
			}
			continue
		}
		if !known {
			if !strings.HasPrefix(pkg, "internal/testutil") && pkg != "internal/layers" && !strings.HasPrefix(pkg, "tools/") {
				t.Errorf("package %s has no layer: add it to layerOf (and STYLE.md)", pkg)
			}
			continue
		}
		for _, imp := range imports {
			checkImport(t, pkg, layer, imp)
		}
	}
}

func checkImport(t *testing.T, pkg string, layer int, imp string) {
	t.Helper()
	if strings.HasPrefix(imp, "internal/testutil") {
		t.Errorf("%s imports %s, which only tests may import", pkg, imp)
		return
	}
	l, ok := layerOf[imp]
	if !ok {
		if _, side := sidePackages[imp]; side && strings.HasPrefix(pkg, "cmd/") {
			return
		}
		if strings.HasPrefix(imp, "internal/") || strings.HasPrefix(imp, "cmd/") {
			t.Errorf("%s imports %s, which has no layer", pkg, imp)
		}
		return
	}
	switch {
	case l < layer:
	case l == layer && contains(allowedSameLayer[pkg], imp):
	default:
		t.Errorf("%s (layer %d) imports %s (layer %d): imports must point to lower layers", pkg, layer, imp, l)
	}
}

// TestTestutilOnlyInTests checks that no non-test file imports testutil.
func TestTestutilOnlyInTests(t *testing.T) {
	for pkg, imports := range listImports(t, "{{.ImportPath}} {{join .Imports \" \"}}") {
		if strings.HasPrefix(pkg, "internal/testutil") {
			continue
		}
		for _, imp := range imports {
			if strings.HasPrefix(imp, "internal/testutil") {
				t.Errorf("%s imports %s outside a _test.go file", pkg, imp)
			}
		}
	}
}

// listImports runs go list over the module and returns each package's
// direct imports of module packages, both relative to the module root.
func listImports(t *testing.T, format string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", format, module+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		var imps []string
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, module) {
				imps = append(imps, strings.TrimPrefix(imp, module))
			}
		}
		m[pkg] = imps
	}
	if len(m) == 0 {
		t.Fatal("go list found no packages")
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
