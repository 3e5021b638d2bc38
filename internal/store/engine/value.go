package engine

// NonNil maps a nil value to an empty one, which a driver would otherwise
// send as NULL into a NOT NULL column; any other v comes back as is.
func NonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}
