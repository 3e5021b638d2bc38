package eval

import (
	"errors"
	"strings"
)

// externalFuncs are the functions that call other services (spec §8.6).
// hob answers two from its own state through Env.Lookups:
//
//   - get_thing_shadow(thing[, shadowName], roleArn): hob's shadows;
//   - get_registry_data('DescribeThing', thing, roleArn): hob's registry.
//
// The others need an AWS service that hob does not call; each fails the
// evaluation with a *FuncError naming the service, which the runtime
// reports through the rule's error action:
//
//   - aws_lambda (AWS Lambda)
//   - get_dynamodb (Amazon DynamoDB)
//   - get_secret (AWS Secrets Manager)
//   - machinelearning_predict (Amazon Machine Learning)
//   - decode(*, 'proto', ...) (Amazon S3; see fnDecode)
var externalFuncs = map[string]*funcDef{
	"get_thing_shadow":        {min: 2, max: 3, v2: true, fn: fnGetThingShadow},
	"get_registry_data":       {min: 2, max: 3, fn: fnGetRegistryData},
	"aws_lambda":              unreachable("aws_lambda", "AWS Lambda", 2, 2, false),
	"get_dynamodb":            unreachable("get_dynamodb", "Amazon DynamoDB", 4, 6, true),
	"get_secret":              unreachable("get_secret", "AWS Secrets Manager", 3, 4, false),
	"machinelearning_predict": unreachable("machinelearning_predict", "Amazon Machine Learning", 3, 3, false),
}

func unreachable(name, service string, min, max int, v2 bool) *funcDef {
	msg := "hob does not call " + service + "; " + name + " is not available on hob"
	return &funcDef{min: min, max: max, v2: v2, fn: func(c *evalCtx, _ []Value) Value {
		return c.fail(name, msg)
	}}
}

// fnGetThingShadow returns the thing's shadow document (classic, or the
// named shadow with three arguments), parsed as JSON. The role ARN is
// ignored: hob has no IAM. A missing shadow fails the evaluation, as a
// failed call does on AWS.
func fnGetThingShadow(c *evalCtx, a []Value) Value {
	if c.env.Lookups == nil {
		return c.fail("get_thing_shadow", "no shadow service is configured")
	}
	thing, ok := toString(a[0])
	shadow := ""
	if len(a) == 3 {
		var ok2 bool
		shadow, ok2 = toString(a[1])
		ok = ok && ok2
	}
	if !ok {
		return Undefined
	}
	doc, err := c.env.Lookups.ThingShadow(c.ctx, thing, shadow)
	return c.parseLookup("get_thing_shadow", doc, err)
}

// fnGetRegistryData is get_registry_data(registryAPI, thing, roleArn) for
// registryAPI DescribeThing [unverified, spec §8.6]; other APIs are
// Undefined.
func fnGetRegistryData(c *evalCtx, a []Value) Value {
	if c.env.Lookups == nil {
		return c.fail("get_registry_data", "no registry is configured")
	}
	api, ok := toString(a[0])
	thing, ok2 := toString(a[1])
	if !ok || !ok2 || !strings.EqualFold(api, "DescribeThing") {
		return Undefined
	}
	doc, err := c.env.Lookups.RegistryData(c.ctx, thing)
	return c.parseLookup("get_registry_data", doc, err)
}

func (c *evalCtx) parseLookup(fn string, doc []byte, err error) Value {
	if err == nil {
		var v Value
		if v, err = ParseJSON(doc, c.v2); err == nil {
			return v
		}
		err = errors.New("the document is not JSON")
	}
	return c.fail(fn, err.Error())
}
