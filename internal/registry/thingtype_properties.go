package registry

import (
	"regexp"

	"github.com/hob-iot/hob/internal/iot"
)

// Constraints of ThingTypeProperties in the botocore model: the
// description is [\p{Graph}\x20]* (Java's \p{Graph}, printable ASCII) of at
// most 2028 characters; at most 3 searchable attributes (spec §3.1).
const (
	maxThingTypeDescription = 2028
	maxSearchableAttributes = 3
)

var thingTypeDescriptionRe = regexp.MustCompile(`^[[:graph:] ]*$`)

// Name patterns of PropagatingAttribute (botocore model; the allowed
// connection attributes are from AWS's CloudFormation reference).
var (
	userPropertyKeyName = iot.NamePattern{What: "userPropertyKey", Re: regexp.MustCompile(`^[a-zA-Z0-9:$.]+$`), Min: 1, Max: 128}
	thingAttributeName  = iot.NamePattern{What: "thingAttribute", Re: iot.AttributeName.Re, Min: 1, Max: 128}
)

// checkThingTypeProperties validates CreateThingType's properties.
func checkThingTypeProperties(p ThingTypeProperties) error {
	if n := len([]rune(p.Description)); n > maxThingTypeDescription {
		return iot.Errorf(iot.InvalidRequestException,
			"thingTypeDescription is %d characters long; at most %d are allowed", n, maxThingTypeDescription)
	}
	if !thingTypeDescriptionRe.MatchString(p.Description) {
		return iot.Errorf(iot.InvalidRequestException,
			"thingTypeDescription may contain only printable ASCII characters and spaces")
	}
	if len(p.SearchableAttributes) > maxSearchableAttributes {
		return iot.Errorf(iot.InvalidRequestException,
			"a thing type can have at most %d searchable attributes, got %d", maxSearchableAttributes, len(p.SearchableAttributes))
	}
	for _, a := range p.SearchableAttributes {
		if err := iot.AttributeName.Check(a); err != nil {
			return err
		}
	}
	for _, pa := range p.PropagatingAttributes {
		if err := checkPropagatingAttribute(pa); err != nil {
			return err
		}
	}
	return nil
}

// checkPropagatingAttribute validates one entry of
// mqtt5Configuration.propagatingAttributes: a user property key and
// exactly one source, a thing attribute or a connection attribute.
func checkPropagatingAttribute(pa PropagatingAttribute) error {
	if err := userPropertyKeyName.Check(pa.UserPropertyKey); err != nil {
		return err
	}
	switch {
	case (pa.ThingAttribute == "") == (pa.ConnectionAttribute == ""):
		return iot.Errorf(iot.InvalidRequestException,
			"propagating attribute %s needs exactly one of thingAttribute and connectionAttribute", pa.UserPropertyKey)
	case pa.ThingAttribute != "":
		if err := thingAttributeName.Check(pa.ThingAttribute); err != nil {
			return err
		}
		return nil
	}
	if pa.ConnectionAttribute == "iot:ClientId" || pa.ConnectionAttribute == "iot:Thing.ThingName" {
		return nil
	}
	return iot.Errorf(iot.InvalidRequestException,
		"connectionAttribute %q is not one of iot:ClientId, iot:Thing.ThingName", pa.ConnectionAttribute)
}
