package shadow

import "testing"

var _ Publisher = (*recorder)(nil)

// TestError_Type checks the iot-data error shapes of spec §1.7.
func TestError_Type(t *testing.T) {
	for code, want := range map[int]string{
		400: "InvalidRequestException", 401: "UnauthorizedException", 403: "ForbiddenException",
		404: "ResourceNotFoundException", 405: "MethodNotAllowedException", 409: "ConflictException",
		413: "RequestEntityTooLargeException", 415: "UnsupportedDocumentEncodingException",
		429: "ThrottlingException", 500: "InternalFailureException", 503: "ServiceUnavailableException",
		418: "InternalFailureException",
	} {
		if got := (&Error{Code: code}).Type(); got != want {
			t.Errorf("Type(%d) = %s, want %s", code, got, want)
		}
	}
	if got := renderError(&Error{Code: 404, Message: "m", ClientToken: "c"}, 5); string(got) != `{"code":404,"message":"m","timestamp":5,"clientToken":"c"}` {
		t.Errorf("rejected document %s", got)
	}
}
