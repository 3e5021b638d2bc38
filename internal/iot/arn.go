package iot

import (
	"fmt"
	"strings"
)

// Resource types that appear in IoT ARNs (spec §2.2):
// arn:aws:iot:{region}:{account}:{type}/{name}.
const (
	TypeThing       = "thing"
	TypeThingType   = "thingtype"
	TypeThingGroup  = "thinggroup"
	TypeCert        = "cert"
	TypePolicy      = "policy"
	TypeRule        = "rule"
	TypeClient      = "client"
	TypeTopic       = "topic"
	TypeTopicFilter = "topicfilter"
	TypeCACert      = "cacert"
	TypeRoleAlias   = "rolealias"
)

// Account names the AWS partition, region and account that hob's ARNs carry.
type Account struct {
	Partition string // "aws"
	Region    string // e.g. "us-east-1"
	ID        string // 12 digits
}

// ARN returns the ARN of the resource of type typ named name.
func (a Account) ARN(typ, name string) string {
	return fmt.Sprintf("arn:%s:iot:%s:%s:%s/%s", a.Partition, a.Region, a.ID, typ, name)
}

// ARN is a parsed IoT ARN.
type ARN struct {
	Partition, Service, Region, Account string
	Type, Name                          string
}

// String prints a back in ARN form.
func (a ARN) String() string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s/%s", a.Partition, a.Service, a.Region, a.Account, a.Type, a.Name)
}

// ParseARN splits an ARN of the form arn:partition:service:region:account:type/name.
// The name may contain further slashes (topics, shadows).
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN (want arn:partition:service:region:account:type/name)", s)
	}
	typ, name, ok := strings.Cut(parts[5], "/")
	if !ok || typ == "" || name == "" {
		return ARN{}, fmt.Errorf("ARN %q has no type/name resource part", s)
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Type: typ, Name: name}, nil
}
