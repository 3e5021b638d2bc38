package api

import "github.com/hob-iot/hob/internal/iot"

//go:generate python3 ../../tools/awsops/gen.py awsops_gen.go

// awsOperation is one operation of AWS's iot or iot-data model.
type awsOperation struct {
	Service, Name, Method, Path string
}

// AWSOperation is an operation of AWS's models, for the coverage report.
type AWSOperation struct {
	Service string // "iot" or "iot-data"
	Name    string
	Method  string
	Path    string
}

// AWSOperations lists every operation of the botocore models hob was built
// against, and that release's version.
func AWSOperations() ([]AWSOperation, string) {
	out := make([]AWSOperation, len(awsOperations))
	for i, o := range awsOperations {
		out[i] = AWSOperation(o)
	}
	return out, botocoreVersion
}

// awsRouter matches requests against AWS's operations, to name the ones hob
// does not serve.
var awsRouter = func() *router {
	rr := &router{}
	for _, o := range awsOperations {
		rr.add(route{op: o.Name, method: o.Method, segments: splitPath(o.Path), services: []string{o.Service}})
	}
	return rr
}()

// unroutable is the error for a request no hob route serves: the AWS
// operation it names, unimplemented, or an unknown operation.
func unroutable(method, rawPath string) error {
	if rt, _ := awsRouter.match(method, rawPath); rt != nil {
		return iot.Errorf(iot.NotImplementedException,
			"hob does not implement the %s operation %s yet (see docs/api-coverage.md)", rt.services[0], rt.op)
	}
	return iot.Errorf(iot.UnknownOperationException,
		"no AWS IoT operation is served at %s %s", method, rawPath)
}
