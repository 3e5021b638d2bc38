package auth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

// AccessKey is one access key: the id clients put in their credential
// scope, the secret they sign with, and who it belongs to.
type AccessKey struct {
	ID         string    `json:"accessKeyId"`
	Secret     string    `json:"secretAccessKey"`
	Name       string    `json:"name"`
	Admin      bool      `json:"admin,omitempty"`
	CreateDate time.Time `json:"createDate"`
}

// String prints the key without its secret, so %v never leaks it.
func (k AccessKey) String() string {
	return fmt.Sprintf("AccessKey{ID:%s Name:%s Admin:%t}", k.ID, k.Name, k.Admin)
}

// LogValue logs the key without its secret.
func (k AccessKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("accessKeyId", k.ID), slog.String("name", k.Name), slog.Bool("admin", k.Admin))
}

var (
	_ fmt.Stringer   = AccessKey{}
	_ slog.LogValuer = AccessKey{}
)

// AdminName is the name of the key EnsureAdmin creates.
const AdminName = "admin"

// keyName is IAM's user-name rule, which a key's name stands in for.
var keyName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

func checkName(name string) error {
	if !keyName.MatchString(name) {
		return iot.Errorf(iot.InvalidRequestException,
			"name %q must be 1 to 64 characters of letters, digits and +=,.@_-", name)
	}
	return nil
}

// idAlphabet is the base32 alphabet AWS access key ids are drawn from.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newKeyID returns an AWS-style access key id: "AKIA" and 16 random
// characters from idAlphabet, 20 in all.
func newKeyID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = idAlphabet[b[i]&31]
	}
	return "AKIA" + string(b)
}

// newSecret returns a 40-character secret carrying 240 random bits, in the
// base64 alphabet AWS secrets use.
func newSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
