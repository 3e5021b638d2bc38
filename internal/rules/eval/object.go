package eval

// Object is a JSON object whose keys keep their order (spec §6.1: key order
// is preserved in output [verified]). Lookups are linear below indexAt keys,
// which is the common shape of IoT payloads, and use a map above.
type Object struct {
	fields []field
	index  map[string]int // built lazily once len(fields) >= indexAt
	small  [4]field       // fields' first backing array: one allocation for a small object
}

type field struct {
	key string
	val Value
}

const indexAt = 16

// NewObject returns an empty Object with room for n keys.
func NewObject(n int) *Object {
	o := &Object{}
	if n <= len(o.small) {
		o.fields = o.small[:0]
	} else {
		o.fields = make([]field, 0, n)
	}
	return o
}

// Len is the number of keys.
func (o *Object) Len() int { return len(o.fields) }

// Key returns the i-th key and its value in order.
func (o *Object) Key(i int) (string, Value) { return o.fields[i].key, o.fields[i].val }

// Get returns the value under key, Undefined when absent.
func (o *Object) Get(key string) Value {
	if i := o.find(key); i >= 0 {
		return o.fields[i].val
	}
	return Undefined
}

func (o *Object) find(key string) int {
	if len(o.fields) < indexAt {
		for i := range o.fields {
			if o.fields[i].key == key {
				return i
			}
		}
		return -1
	}
	if o.index == nil {
		o.index = make(map[string]int, len(o.fields))
		for i, f := range o.fields {
			o.index[f.key] = i
		}
	}
	if i, ok := o.index[key]; ok {
		return i
	}
	return -1
}

// Set puts key at the end, or replaces its value in place when present (a
// JSON object with a repeated key keeps the last value at the first place).
func (o *Object) Set(key string, v Value) {
	if i := o.find(key); i >= 0 {
		o.fields[i].val = v
		return
	}
	o.fields = append(o.fields, field{key, v})
	if o.index != nil {
		o.index[key] = len(o.fields) - 1
	}
}

// slot returns where key's value is: its place when present (see Set),
// else a new Undefined member at the end.
func (o *Object) slot(key string) *Value {
	i := o.find(key)
	if i < 0 {
		o.fields = append(o.fields, field{key: key})
		i = len(o.fields) - 1
		if o.index != nil {
			o.index[key] = i
		}
	}
	return &o.fields[i].val
}

// Clone returns a shallow copy with room for extra more keys.
func (o *Object) Clone(extra int) *Object {
	c := NewObject(len(o.fields) + extra)
	c.fields = append(c.fields, o.fields...)
	return c
}
