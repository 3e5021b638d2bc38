package iot

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is an AWS error shape name, sent in the x-amzn-ErrorType header.
type Code string

// The error shapes of the iot and iot-data services that hob returns, with
// AWS's HTTP status for each in statusOf (spec §3.0, botocore model).
const (
	InvalidRequestException            Code = "InvalidRequestException"
	ThrottlingException                Code = "ThrottlingException"
	MalformedPolicyException           Code = "MalformedPolicyException"
	SqlParseException                  Code = "SqlParseException"
	CertificateValidationException     Code = "CertificateValidationException"
	UnauthorizedException              Code = "UnauthorizedException"
	LimitExceededException             Code = "LimitExceededException"
	InternalFailureException           Code = "InternalFailureException"
	ServiceUnavailableException        Code = "ServiceUnavailableException"
	ResourceNotFoundException          Code = "ResourceNotFoundException"
	CertificateStateException          Code = "CertificateStateException"
	ResourceAlreadyExistsException     Code = "ResourceAlreadyExistsException"
	DeleteConflictException            Code = "DeleteConflictException"
	VersionConflictException           Code = "VersionConflictException"
	VersionsLimitExceededException     Code = "VersionsLimitExceededException"
	ConflictingResourceUpdateException Code = "ConflictingResourceUpdateException"
	CertificateConflictException       Code = "CertificateConflictException"
	InvalidStateTransitionException    Code = "InvalidStateTransitionException"
	ConflictException                  Code = "ConflictException"

	// Authentication failures, as AWS's front end sends them (spec §5.2).
	UnrecognizedClientException Code = "UnrecognizedClientException"
	InvalidSignatureException   Code = "InvalidSignatureException"
	IncompleteSignature         Code = "IncompleteSignatureException"
	MissingAuthenticationToken  Code = "MissingAuthenticationTokenException"
	AccessDeniedException       Code = "AccessDeniedException"

	// ForbiddenException is iot-data's answer to a device whose IoT
	// policies do not allow the call (spec §3.7, §4.12).
	ForbiddenException Code = "ForbiddenException"

	// iot-data's shadow errors that the iot model does not have (spec
	// §1.7): a verb the URI does not take, and a body that is not UTF-8.
	MethodNotAllowedException            Code = "MethodNotAllowedException"
	UnsupportedDocumentEncodingException Code = "UnsupportedDocumentEncodingException"

	// Front-end errors that no service model lists: a request that names no
	// operation, one hob does not implement yet, and a body over the limit.
	UnknownOperationException      Code = "UnknownOperationException"
	NotImplementedException        Code = "NotImplementedException"
	RequestEntityTooLargeException Code = "RequestEntityTooLargeException"
)

var statusOf = map[Code]int{
	InvalidRequestException:            http.StatusBadRequest,
	ThrottlingException:                http.StatusBadRequest, // iot; iot-data uses 429
	MalformedPolicyException:           http.StatusBadRequest,
	SqlParseException:                  http.StatusBadRequest,
	CertificateValidationException:     http.StatusBadRequest,
	UnauthorizedException:              http.StatusUnauthorized,
	LimitExceededException:             http.StatusGone, // 410, as AWS
	InternalFailureException:           http.StatusInternalServerError,
	ServiceUnavailableException:        http.StatusServiceUnavailable,
	ResourceNotFoundException:          http.StatusNotFound,
	CertificateStateException:          http.StatusNotAcceptable, // 406, as AWS
	ResourceAlreadyExistsException:     http.StatusConflict,
	DeleteConflictException:            http.StatusConflict,
	VersionConflictException:           http.StatusConflict,
	VersionsLimitExceededException:     http.StatusConflict,
	ConflictingResourceUpdateException: http.StatusConflict,
	CertificateConflictException:       http.StatusConflict,
	InvalidStateTransitionException:    http.StatusConflict,
	ConflictException:                  http.StatusConflict,
	UnrecognizedClientException:        http.StatusForbidden,
	InvalidSignatureException:          http.StatusForbidden,
	IncompleteSignature:                http.StatusForbidden,
	MissingAuthenticationToken:         http.StatusForbidden,
	AccessDeniedException:              http.StatusForbidden,
	ForbiddenException:                 http.StatusForbidden,
	UnknownOperationException:          http.StatusNotFound,
	NotImplementedException:            http.StatusNotImplemented,
	RequestEntityTooLargeException:     http.StatusRequestEntityTooLarge,

	MethodNotAllowedException:            http.StatusMethodNotAllowed,
	UnsupportedDocumentEncodingException: http.StatusUnsupportedMediaType,
}

// Status is the HTTP status AWS's iot service sends with c; unknown codes
// are internal errors.
func (c Code) Status() int {
	if s, ok := statusOf[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is an API error in AWS's shape: the shape name, a message that says
// what was wrong, and for ResourceAlreadyExistsException and
// ConflictException the resource it is about. Every layer returns *Error
// for failures the caller caused; the api package is the one place that
// turns it into an HTTP response.
type Error struct {
	Code        Code
	Message     string
	ResourceID  string
	ResourceArn string
	// HTTPStatus, when set, overrides Code's status: one shape can have
	// another status in iot-data (ThrottlingException is 429 there).
	HTTPStatus int
}

// Error implements error.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status for e.
func (e *Error) Status() int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	return e.Code.Status()
}

// Errorf makes an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AlreadyExists makes a ResourceAlreadyExistsException about the resource
// with the given id and ARN.
func AlreadyExists(id, arn, format string, args ...any) *Error {
	e := Errorf(ResourceAlreadyExistsException, format, args...)
	e.ResourceID, e.ResourceArn = id, arn
	return e
}

// AsError reports whether err is or wraps an *Error, and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsCode reports whether err is or wraps an *Error with code c.
func IsCode(err error, c Code) bool {
	e, ok := AsError(err)
	return ok && e.Code == c
}
