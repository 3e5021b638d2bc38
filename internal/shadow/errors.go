package shadow

import (
	"fmt"
	"net/http"
)

// Error is a shadow error: AWS's HTTP status code, its message, and the
// clientToken of the request it answers. MQTT renders it as the /rejected
// document {"code":..,"message":..,"timestamp":..,"clientToken":..}; HTTP as
// {"message":..} with the x-amzn-ErrorType header from Type (spec §1.7, §1.9).
type Error struct {
	Code        int
	Message     string
	ClientToken string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("shadow: %d %s", e.Code, e.Message) }

// typeOf maps status codes to iot-data's error shape names (spec §1.7, the
// botocore iot-data model).
var typeOf = map[int]string{
	http.StatusBadRequest:            "InvalidRequestException",
	http.StatusUnauthorized:          "UnauthorizedException",
	http.StatusForbidden:             "ForbiddenException",
	http.StatusNotFound:              "ResourceNotFoundException",
	http.StatusMethodNotAllowed:      "MethodNotAllowedException",
	http.StatusConflict:              "ConflictException",
	http.StatusRequestEntityTooLarge: "RequestEntityTooLargeException",
	http.StatusUnsupportedMediaType:  "UnsupportedDocumentEncodingException",
	http.StatusTooManyRequests:       "ThrottlingException",
	http.StatusInternalServerError:   "InternalFailureException",
	http.StatusServiceUnavailable:    "ServiceUnavailableException",
}

// Type is AWS's HTTP error type (x-amzn-ErrorType) for e.Code; unknown codes
// are InternalFailureException.
func (e *Error) Type() string {
	if t, ok := typeOf[e.Code]; ok {
		return t
	}
	return "InternalFailureException"
}

// errorf makes an *Error with a formatted message.
func errorf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
