package policy

import (
	"fmt"
	"strings"
)

// The data-plane actions that hob checks (spec §2.2), in the form a Request
// carries them.
const (
	ActionConnect                   = "iot:Connect"
	ActionPublish                   = "iot:Publish"
	ActionRetainPublish             = "iot:RetainPublish"
	ActionSubscribe                 = "iot:Subscribe"
	ActionReceive                   = "iot:Receive"
	ActionGetRetainedMessage        = "iot:GetRetainedMessage"
	ActionListRetainedMessages      = "iot:ListRetainedMessages"
	ActionGetThingShadow            = "iot:GetThingShadow"
	ActionUpdateThingShadow         = "iot:UpdateThingShadow"
	ActionDeleteThingShadow         = "iot:DeleteThingShadow"
	ActionListNamedShadowsForThing  = "iot:ListNamedShadowsForThing"
	ActionDeleteConnection          = "iot:DeleteConnection"
	ActionAssumeRoleWithCertificate = "iot:AssumeRoleWithCertificate"
	ActionDescribeJobExecution      = "iot:DescribeJobExecution"
	ActionGetPendingJobExecutions   = "iot:GetPendingJobExecutions"
	ActionUpdateJobExecution        = "iot:UpdateJobExecution"
	ActionStartNextPendingJobExec   = "iot:StartNextPendingJobExecution"
)

// dataPlaneActions lists the data-plane actions of spec §2.2.
var dataPlaneActions = []string{
	ActionConnect, ActionPublish, ActionRetainPublish, ActionSubscribe,
	ActionReceive, ActionGetRetainedMessage, ActionListRetainedMessages,
	ActionGetThingShadow, ActionUpdateThingShadow, ActionDeleteThingShadow,
	ActionListNamedShadowsForThing, ActionDeleteConnection,
	ActionAssumeRoleWithCertificate, ActionDescribeJobExecution,
	ActionGetPendingJobExecutions, ActionUpdateJobExecution,
	ActionStartNextPendingJobExec,
}

// knownActions is every iot: action a document may name, prefixed.
var knownActions = func() []string {
	all := append([]string(nil), dataPlaneActions...)
	for _, a := range controlPlaneActions {
		all = append(all, "iot:"+a)
	}
	return all
}()

// KnownActions returns the names of every iot: action that Parse accepts,
// data-plane first; the caller owns the slice.
func KnownActions() []string { return append([]string(nil), knownActions...) }

// checkAction validates one entry of Action or NotAction: `*`, an `iot:`
// name or wildcard pattern that matches at least one known action, or a
// `greengrass:` pattern (see the package Caveats). It returns a message
// without the location, or "" when a is valid.
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	service, name, ok := strings.Cut(a, ":")
	switch {
	case !ok || service == "" || name == "":
		return fmt.Sprintf("%q is not an action (want service:Name, e.g. iot:Publish)", a)
	case strings.EqualFold(service, "greengrass"):
		if strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*?") != "" {
			return fmt.Sprintf("%q is not a valid action name", a)
		}
		return ""
	case !strings.EqualFold(service, "iot"):
		return fmt.Sprintf("%q is not an AWS IoT action (the service prefix must be iot)", a)
	}
	p := compile(a, withWildcards)
	for _, k := range knownActions {
		if p.match(k, nil, true) {
			return ""
		}
	}
	if p.exact {
		return fmt.Sprintf("%q is not a known AWS IoT action", a)
	}
	return fmt.Sprintf("%q matches no known AWS IoT action", a)
}
