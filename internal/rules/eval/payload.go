package eval

// keySet is what a compiled program reads of the payload: the top-level
// keys its names refer to, or the whole payload (whole) when it uses *
// anywhere or names too many keys. Nested scopes (a nested SELECT's item)
// are always decoded whole, so over-approximating names is harmless; only
// * can see the top-level object itself.
type keySet struct {
	whole bool
	keys  []string
}

// maxKeys bounds the linear look-up of has; a program naming more keys
// reads the whole payload.
const maxKeys = 8

// add records that a name is read.
func (ks *keySet) add(name string) {
	if ks.whole || ks.has(name) {
		return
	}
	if len(ks.keys) == maxKeys {
		ks.whole, ks.keys = true, nil
		return
	}
	ks.keys = append(ks.keys, name)
}

func (ks *keySet) has(name string) bool {
	for _, k := range ks.keys {
		if k == name {
			return true
		}
	}
	return false
}

// parsePayload decodes a payload for a program that reads ks. A top-level
// object is decoded into top, and only its members named in ks; the others
// are validated but not built, so the payload is JSON exactly when
// parseJSONString says it is. Any other JSON value is decoded whole.
func parsePayload(s string, v2 bool, ks *keySet, top *Object) (Value, error) {
	d := decoder{s: s, v2: v2}
	d.space()
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		return parseJSONString(s, v2)
	}
	if err := d.members(top, 0, ks); err != nil {
		return Undefined, err
	}
	d.space()
	if d.i != len(d.s) {
		return Undefined, errSyntax
	}
	return ObjectValue(top), nil
}

// skip moves past one value, checking it as value would, without building
// it.
func (d *decoder) skip(depth int) error {
	if d.i >= len(d.s) || depth > maxDepth {
		return errSyntax
	}
	var err error
	switch c := d.s[d.i]; {
	case c == '{':
		err = d.members(nil, depth, nil)
	case c == '[':
		err = d.skipArray(depth)
	case c == '"':
		_, err = d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		_, err = d.numberEnd()
	default:
		_, err = d.literal()
	}
	return err
}

func (d *decoder) skipArray(depth int) error {
	d.i++ // [
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return nil
	}
	for {
		d.space()
		if err := d.skip(depth + 1); err != nil {
			return err
		}
		if done, err := d.next(']'); done || err != nil {
			return err
		}
	}
}
