package action_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLambda_Do_InvokesAsync checks the request the action sends to a
// stand-in Lambda endpoint: moto cannot run functions without Docker.
func TestLambda_Do_InvokesAsync(t *testing.T) {
	var path, invocation, body, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		path, invocation, body, auth = r.URL.EscapedPath(), r.Header.Get("X-Amz-Invocation-Type"), string(b), r.Header.Get("Authorization")
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	arn := "arn:aws:lambda:us-east-1:123456789012:function:ingest:live"
	a, err := fire(t, srv.URL, `{"lambda":{"functionArn":"`+arn+`"}}`, `{"temp":21}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/2015-03-31/functions/" + strings.ReplaceAll(arn, ":", "%3A") + "/invocations"; path != want {
		t.Errorf("path %q, want %q", path, want)
	}
	if invocation != "Event" || body != `{"temp":21}` || !strings.Contains(auth, "/lambda/aws4_request") {
		t.Errorf("InvocationType %q body %q Authorization %q", invocation, body, auth)
	}
	if a.Kind() != "LambdaAction" || a.Resource() != arn {
		t.Errorf("Kind %q Resource %q", a.Kind(), a.Resource())
	}
}

func TestLambda_Do_FunctionError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "Function not found"})
	}))
	t.Cleanup(srv.Close)
	_, err := fire(t, srv.URL, `{"lambda":{"functionArn":"arn:aws:lambda:us-east-1:1:function:nope"}}`, `{}`)
	if err == nil || !strings.Contains(err.Error(), "Function not found") {
		t.Errorf("got %v", err)
	}
}
