package elf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// Exit codes, as `elf --help` documents them.
const (
	ExitOK      = 0 // the command did all it was asked
	ExitFailure = 1 // something failed: the one-line message says what and how to fix it
	ExitUsage   = 2 // the command line is wrong
)

// usageError is a wrong command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

var errNoRegion = errors.New("no AWS region: pass --region, set AWS_REGION, or set region in ~/.aws/config")

// describeConfigErr explains a failure to load the AWS configuration.
func describeConfigErr(err error) error {
	return fmt.Errorf("loading the AWS configuration: %v (check --profile, AWS_PROFILE and ~/.aws/config)", err)
}

// apiErr turns an AWS IoT API error into one line saying what failed and
// what to do: a refused connection, an untrusted CA and refused
// credentials each get their own advice.
func apiErr(op string, err error) error {
	var (
		ae      smithy.APIError
		re      *awshttp.ResponseError
		unknown x509.UnknownAuthorityError
		verify  *tls.CertificateVerificationError
		hostErr x509.HostnameError
	)
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found"):
		return fmt.Errorf("%s: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (hob prints them on its first start) or pass --profile", op)
	case errors.As(err, &unknown) || errors.As(err, &verify) || strings.Contains(msg, "x509:"):
		if errors.As(err, &hostErr) {
			return fmt.Errorf("%s: the server's certificate does not name the host you called (%v): use a name hob was started with (--hostname)", op, hostErr)
		}
		return fmt.Errorf("%s: the server's certificate is not signed by a CA elf trusts: pass --ca with hob's CA (hob-data/ca.pem), or drop a --ca/AWS_CA_BUNDLE that names another CA", op)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s: connection refused at %s: is hob running? check --endpoint-url, AWS_ENDPOINT_URL_IOT and AWS_ENDPOINT_URL", op, endpointOf(err))
	case errors.As(err, new(*net.DNSError)):
		return fmt.Errorf("%s: %s does not resolve: check --endpoint-url, AWS_ENDPOINT_URL_IOT and AWS_ENDPOINT_URL", op, endpointOf(err))
	case errors.As(err, &ae) && credentialCode(ae.ErrorCode()):
		return fmt.Errorf("%s: the AWS credentials were refused (%s: %s): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or --profile", op, ae.ErrorCode(), ae.ErrorMessage())
	case errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException":
		return fmt.Errorf("%s: access denied (%s): the AWS identity needs permission for iot:%s", op, ae.ErrorMessage(), op)
	case errors.As(err, &ae):
		return fmt.Errorf("%s: %s: %s", op, ae.ErrorCode(), ae.ErrorMessage())
	case errors.As(err, &re):
		return fmt.Errorf("%s: HTTP %d from the AWS IoT endpoint: %v", op, re.HTTPStatusCode(), re.Err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// credentialCode reports whether code means the access keys were refused.
func credentialCode(code string) bool {
	switch code {
	case "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
		"InvalidClientTokenId", "IncompleteSignature", "MissingAuthenticationToken",
		"ExpiredTokenException", "UnauthorizedException":
		return true
	}
	return false
}

// endpointOf finds the address in a network error.
func endpointOf(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	return "the endpoint"
}

// isNotFound reports whether err says the resource does not exist, which
// clean treats as done.
func isNotFound(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException"
}

// isAlreadyExists reports whether err says the resource exists already.
func isAlreadyExists(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ResourceAlreadyExistsException"
}

// mqttErr explains why a thing could not connect to the MQTT endpoint.
func mqttErr(clientID, endpoint string, err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s: connection refused by the MQTT endpoint %s: is hob running and listening there? pass --mqtt-endpoint HOST:PORT", clientID, endpoint)
	case strings.Contains(msg, "x509:") || strings.Contains(msg, "certificate signed by unknown authority"):
		return fmt.Errorf("%s: the MQTT endpoint %s presents a certificate that is not signed by a CA elf trusts (%v): pass --ca with hob's CA (hob-data/ca.pem)", clientID, endpoint, err)
	case errors.Is(err, packets.ErrorRefusedNotAuthorised) || errors.Is(err, packets.ErrorRefusedBadUsernameOrPassword):
		return fmt.Errorf("%s: the MQTT endpoint %s refused the connection (not authorized): the thing's policy must allow iot:Connect for client id %s, and its certificate must be ACTIVE (see `elf status`)", clientID, endpoint, clientID)
	case strings.Contains(msg, "EOF") || strings.Contains(msg, "connection reset") || strings.Contains(msg, "bad certificate") || strings.Contains(msg, "certificate"):
		return fmt.Errorf("%s: the MQTT endpoint %s closed the connection (%v): the thing's policy may deny iot:Connect for client id %s, or its certificate is not ACTIVE (see `elf status`)", clientID, endpoint, err, clientID)
	}
	return fmt.Errorf("%s: connecting to the MQTT endpoint %s: %v", clientID, endpoint, err)
}
