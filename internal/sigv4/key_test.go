package sigv4

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"testing"
)

// TestSigningKey_AWSExample checks the derivation against the worked
// example in AWS's SigV4 documentation ("Derive a signing key").
func TestSigningKey_AWSExample(t *testing.T) {
	got := hex.EncodeToString(SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam"))
	if want := "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"; got != want {
		t.Errorf("SigningKey = %s, want %s", got, want)
	}
}

func TestKeyCache_Get_Bounded(t *testing.T) {
	c := newKeyCache(2)
	for i := range 5 {
		k := cacheKey{fmt.Sprint("secret", i), "20261126", "eu-west-1", "iot"}
		if got := c.get(k); !bytes.Equal(got, SigningKey(k.secret, k.date, k.region, k.service)) {
			t.Fatalf("key %d: wrong signing key", i)
		}
		if n := c.len(); n > 2 {
			t.Fatalf("cache holds %d keys, bound is 2", n)
		}
	}
	k := cacheKey{"secret4", "20261126", "eu-west-1", "iot"}
	if got := c.get(k); !bytes.Equal(got, SigningKey(k.secret, k.date, k.region, k.service)) {
		t.Fatal("cached key differs from a fresh derivation")
	}
}

func TestKeyCache_Get_Disabled(t *testing.T) {
	var c *keyCache = newKeyCache(-1)
	k := cacheKey{"s", "20261126", "r", "iot"}
	if c != nil || !bytes.Equal(c.get(k), SigningKey("s", "20261126", "r", "iot")) {
		t.Fatal("a disabled cache must derive every key")
	}
}
