package api

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/shadow"
)

// TestShadowError_AWSShapes checks that every status the shadow service
// can answer becomes iot-data's error type with the same status (spec
// §1.7), including those whose status differs from the iot model's.
func TestShadowError_AWSShapes(t *testing.T) {
	cases := []struct {
		code    int
		errType string
	}{
		{400, "InvalidRequestException"},
		{401, "UnauthorizedException"},
		{403, "ForbiddenException"},
		{404, "ResourceNotFoundException"},
		{405, "MethodNotAllowedException"},
		{409, "ConflictException"},
		{413, "RequestEntityTooLargeException"},
		{415, "UnsupportedDocumentEncodingException"},
		{429, "ThrottlingException"},
		{500, "InternalFailureException"},
		{503, "ServiceUnavailableException"},
		{418, "InternalFailureException"}, // unknown: an internal failure
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.code), func(t *testing.T) {
			err := shadowError(fmt.Errorf("wrapped: %w", &shadow.Error{Code: c.code, Message: "m", ClientToken: "tok"}))
			w := httptest.NewRecorder()
			status := WriteError(w, err)
			want := c.code
			if c.code == 418 {
				want = 500
			}
			if status != want || w.Code != want || w.Header().Get("x-amzn-ErrorType") != c.errType {
				t.Fatalf("got %d %q, want %d %s", w.Code, w.Header().Get("x-amzn-ErrorType"), want, c.errType)
			}
			if body := w.Body.String(); body != `{"message":"m"}` {
				t.Fatalf("body %s, want only the message", body)
			}
		})
	}
	plain := errors.New("disk on fire")
	if got := shadowError(plain); got != plain {
		t.Fatalf("a non-shadow error became %v", got)
	}
	if !iot.IsCode(shadowError(iot.Errorf(iot.ForbiddenException, "x")), iot.ForbiddenException) {
		t.Fatal("an *iot.Error did not pass through")
	}
}
