package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
)

func (s *Server) endpointRoutes() []route {
	return []route{
		iotRoute("DescribeEndpoint", "GET", "/endpoint", []string{"endpointType"}, s.describeEndpoint),
	}
}

type describeEndpointOutput struct {
	EndpointAddress string `json:"endpointAddress"`
}

// describeEndpoint answers with hob's own data host for every data type, a
// name that its server certificate covers, so Device SDK samples that feed
// the answer into their MQTT connect work unchanged (spec §3.5). The CLI
// sends no type for iot:Data.
func (s *Server) describeEndpoint(_ context.Context, r *Request) (any, error) {
	switch t := r.Query("endpointType"); t {
	case "", "iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs":
		return describeEndpointOutput{EndpointAddress: s.cfg.DataEndpoint}, nil
	default:
		return nil, iot.Errorf(iot.InvalidRequestException,
			"endpointType %q is not one of iot:Data, iot:Data-ATS, iot:CredentialProvider, iot:Jobs", t)
	}
}
