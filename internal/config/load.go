package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// envConfigFile names the configuration file when --config is not given.
const envConfigFile = "HOB_CONFIG"

// Load builds the configuration of `hob serve` from defaults, the file
// named by --config or HOB_CONFIG, HOB_* variables in environ and the flags
// in args, then validates it. Every problem found is reported, each naming
// its key and source. flag.ErrHelp is returned as is for -h/--help.
func Load(args, environ []string, usage io.Writer) (Config, error) {
	c := Default()
	fs, flagValues, configFile := newFlagSet(usage)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (options start with --)", fs.Arg(0))
	}
	env := envMap(environ)
	if *configFile == "" {
		*configFile = env[envConfigFile]
	}
	var problems []string
	if *configFile != "" {
		problems = append(problems, applyFile(&c, *configFile)...)
	}
	problems = append(problems, applyEnv(&c, env)...)
	for _, fv := range *flagValues {
		if err := fv.opt.set(&c, fv.value); err != nil {
			problems = append(problems, fmt.Sprintf("flag --%s: %v", fv.opt.name, err))
		}
	}
	problems = append(problems, c.Validate()...)
	if len(problems) > 0 {
		return c, &Error{Problems: problems}
	}
	c.bindLoopbackInDev()
	return c, nil
}

// Error lists every problem found in a configuration.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

type flagValue struct {
	opt   option
	value string
}

// newFlagSet declares one flag per option; values are recorded in order
// and applied after the file and the environment.
func newFlagSet(usage io.Writer) (*flag.FlagSet, *[]flagValue, *string) {
	fs := flag.NewFlagSet("hob serve", flag.ContinueOnError)
	fs.SetOutput(usage)
	values := &[]flagValue{}
	configFile := fs.String("config", "", "optional YAML (.yaml, .yml) or TOML (.toml) configuration file (env "+envConfigFile+")")
	def := Default()
	for _, o := range options {
		record := func(v string) error { *values = append(*values, flagValue{o, v}); return nil }
		help := fmt.Sprintf("%s (env %s)", o.usage, o.env())
		if o.isBool {
			fs.BoolFunc(o.name, help, record)
			continue
		}
		if d := o.get(&def); d != "" {
			help += fmt.Sprintf(" (default %q)", d)
		}
		fs.Func(o.name, help, record)
	}
	fs.Usage = func() { printUsage(fs) }
	return fs, values, configFile
}

// printUsage lists the options in GNU style (--name), each with its
// environment variable and default.
func printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, "Usage: hob serve [options]\n\n"+
		"Starts hob: the AWS IoT control plane on HTTPS (and, as hob grows, the\n"+
		"broker, shadows and rules). Every option can also be set in the\n"+
		"environment (HOB_...) or as a key (data_dir: ...) in a YAML or TOML file\n"+
		"given with --config; flags win over the environment, which wins over the file.\n\nOptions:\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg := " VALUE"
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			arg = ""
		}
		fmt.Fprintf(w, "  --%s%s\n      %s\n", f.Name, arg, f.Usage)
	})
}

func envMap(environ []string) map[string]string {
	m := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "HOB_") {
			m[k] = v
		}
	}
	return m
}

// applyEnv applies HOB_* variables; an unknown HOB_ variable is a problem,
// since it is most likely a typo that would otherwise be ignored.
func applyEnv(c *Config, env map[string]string) []string {
	var problems []string
	for k, v := range env {
		if k == envConfigFile {
			continue
		}
		o, ok := lookupEnv(k)
		if !ok {
			problems = append(problems, fmt.Sprintf("environment: unknown variable %s", k))
			continue
		}
		if err := o.set(c, v); err != nil {
			problems = append(problems, fmt.Sprintf("environment %s: %v", k, err))
		}
	}
	return problems
}

func lookupEnv(name string) (option, bool) {
	for _, o := range options {
		if o.env() == name {
			return o, true
		}
	}
	return option{}, false
}

// applyFile applies a YAML or TOML file, chosen by its extension.
func applyFile(c *Config, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("config file: %v", err)}
	}
	var entries []fileEntry
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		entries, err = yamlEntries(data)
	case ".toml":
		entries, err = tomlEntries(data)
	default:
		return []string{fmt.Sprintf("config file %s: extension must be .yaml, .yml or .toml", path)}
	}
	if err != nil {
		return []string{fmt.Sprintf("config file %s: %v", path, err)}
	}
	var problems []string
	for _, e := range entries {
		where := fmt.Sprintf("config file %s", path)
		if e.line > 0 {
			where += fmt.Sprintf(":%d", e.line)
		}
		o, ok := lookupKey(e.key)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: unknown key %q", where, e.key))
			continue
		}
		if err := o.set(c, e.value); err != nil {
			problems = append(problems, fmt.Sprintf("%s: key %q: %v", where, e.key, err))
		}
	}
	return problems
}

func lookupKey(key string) (option, bool) {
	for _, o := range options {
		if o.key() == key {
			return o, true
		}
	}
	return option{}, false
}

// fileEntry is one top-level key of a configuration file, its value as the
// text a flag would carry, and its line (0 when unknown).
type fileEntry struct {
	key, value string
	line       int
}

func yamlEntries(data []byte) ([]fileEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: the file must be a mapping of keys to values", root.Line)
	}
	var out []fileEntry
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		val, err := yamlScalar(v)
		if err != nil {
			return nil, fmt.Errorf("line %d: key %q: %v", v.Line, k.Value, err)
		}
		out = append(out, fileEntry{key: k.Value, value: val, line: k.Line})
	}
	return out, nil
}

func yamlScalar(n *yaml.Node) (string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, nil
	case yaml.SequenceNode:
		var parts []string
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return "", errors.New("list items must be plain values")
			}
			parts = append(parts, item.Value)
		}
		return strings.Join(parts, ","), nil
	}
	return "", errors.New("value must be a plain value or a list")
}

func tomlEntries(data []byte) ([]fileEntry, error) {
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		return nil, err
	}
	var out []fileEntry
	for k, v := range m {
		val, err := tomlScalar(v)
		if err != nil {
			return nil, fmt.Errorf("key %q: %v", k, err)
		}
		out = append(out, fileEntry{key: k, value: val})
	}
	return out, nil
}

func tomlScalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, item := range x {
			s, err := tomlScalar(item)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("value must be a plain value or a list, got %T", v)
}
