package eval

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// encodingFuncs are the encoding, hashing and id functions of spec §8.4.
var encodingFuncs = map[string]*funcDef{
	"encode":  {min: 2, max: 2, v2: true, fn: fnEncode},
	"decode":  {min: 2, max: -1, v2: true, fn: fnDecode},
	"md2":     hashFunc(newMD2),
	"md5":     hashFunc(md5.New),
	"sha1":    hashFunc(sha1.New),
	"sha224":  hashFunc(sha256.New224),
	"sha256":  hashFunc(sha256.New),
	"sha384":  hashFunc(sha512.New384),
	"sha512":  hashFunc(sha512.New),
	"newuuid": {min: 0, max: 0, fn: func(*evalCtx, []Value) Value { return String(uuid.NewString()) }},
}

// fnEncode is encode(v, 'base64'): the raw payload bytes for *, the string
// form of anything else. Other schemes are Undefined.
func fnEncode(_ *evalCtx, a []Value) Value {
	if a[1].kind != KindString || !strings.EqualFold(a[1].str, "base64") {
		return Undefined
	}
	s, ok := a[0].str, a[0].kind == KindBinary
	if !ok {
		if s, ok = toString(a[0]); !ok {
			return Undefined
		}
	}
	return String(base64.StdEncoding.EncodeToString([]byte(s)))
}

// fnDecode is decode(v, 'base64'): the decoded bytes parsed as JSON when
// they are JSON (so decode(encode(*, 'base64'), 'base64') makes a binary
// payload addressable), else a String (Binary when not UTF-8); text that
// is not base64 decodes to Null, as AWS documents. decode(*, 'proto', ...)
// needs a descriptor set in Amazon S3, which hob does not read.
func fnDecode(c *evalCtx, a []Value) Value {
	if a[1].kind != KindString {
		return Undefined
	}
	switch {
	case strings.EqualFold(a[1].str, "proto"):
		return c.fail("decode", "hob does not call Amazon S3, where decode(*, 'proto', ...) reads its descriptor set")
	case !strings.EqualFold(a[1].str, "base64") || len(a) != 2:
		return Undefined
	}
	s, ok := toString(a[0])
	if !ok {
		return Undefined
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return Null
	}
	if v, err := ParseJSON(b, c.v2); err == nil {
		return v
	}
	if utf8.Valid(b) {
		return String(string(b))
	}
	return Binary(b)
}

// hashFunc is a digest of the argument's string form (the raw bytes of a
// Binary payload), in lower-case hex.
func hashFunc(h func() hash.Hash) *funcDef {
	return &funcDef{min: 1, max: 1, fn: func(_ *evalCtx, a []Value) Value {
		s, ok := a[0].str, a[0].kind == KindBinary
		if !ok {
			if s, ok = toString(a[0]); !ok {
				return Undefined
			}
		}
		d := h()
		d.Write([]byte(s))
		return String(hex.EncodeToString(d.Sum(nil)))
	}}
}
