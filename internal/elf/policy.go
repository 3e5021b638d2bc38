package elf

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// listenerSuffix makes the client id of a thing's listening connection:
// AWS IoT disconnects the older of two connections with one client id, and
// `elf subscribe` must run beside `elf send` for the same thing.
const listenerSuffix = "-listener"

// PolicyName is the name of the policy elf makes for thing, as the original.
func PolicyName(thing string) string { return "policy-" + thing }

// ThingTopic is the topic a thing sends to or listens on: prefix/thing
// (the seed's elf/thing_0), or prefix itself without appendName. Reserved
// topics ($aws/...) are used as given.
func ThingTopic(prefix, thing string, appendName bool) string {
	if !appendName || strings.HasPrefix(prefix, "$") {
		return prefix
	}
	return strings.TrimSuffix(prefix, "/") + "/" + thing
}

// PolicyDocument returns the policy elf attaches to a thing's certificate:
// the thing may connect only with its own client ids, publish, receive and
// subscribe only on topics (each exactly, and below it when it is the
// thing's own prefix/thing), and
// use only its own shadows (classic and named). certArn
// (arn:aws:iot:REGION:ACCOUNT:cert/ID) gives the region and account.
func PolicyDocument(certArn, thing string, topics []string) (string, error) {
	region, account, err := arnRegionAccount(certArn)
	if err != nil {
		return "", err
	}
	arn := func(kind, name string) string {
		return fmt.Sprintf("arn:aws:iot:%s:%s:%s/%s", region, account, kind, name)
	}
	shadow := "$aws/things/" + thing + "/shadow/*"
	var topicRes, filterRes []string
	for _, t := range sortedUnique(topics) {
		topicRes = append(topicRes, arn("topic", t))
		filterRes = append(filterRes, arn("topicfilter", t))
		if strings.HasSuffix(t, "/"+thing) { // the thing's own subtree
			topicRes = append(topicRes, arn("topic", t+"/*"))
			filterRes = append(filterRes, arn("topicfilter", t+"/*"))
		}
	}
	topicRes = append(topicRes, arn("topic", shadow))
	filterRes = append(filterRes, arn("topicfilter", shadow))
	doc := policyDoc{Version: "2012-10-17", Statement: []statement{
		{Sid: "ConnectAsThisThing", Effect: "Allow", Action: []string{"iot:Connect"},
			Resource: []string{arn("client", thing), arn("client", thing+listenerSuffix)}},
		{Sid: "OwnTopicsAndShadows", Effect: "Allow", Action: []string{"iot:Publish", "iot:Receive"}, Resource: topicRes},
		{Sid: "SubscribeOwnTopicsAndShadows", Effect: "Allow", Action: []string{"iot:Subscribe"}, Resource: filterRes},
	}}
	b, err := json.MarshalIndent(doc, "", "  ")
	return string(b), err
}

type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// arnRegionAccount splits arn:aws:iot:REGION:ACCOUNT:... .
func arnRegionAccount(arn string) (region, account string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[3] == "" || parts[4] == "" {
		return "", "", fmt.Errorf("%q is not a certificate ARN (arn:aws:iot:REGION:ACCOUNT:cert/ID)", arn)
	}
	return parts[3], parts[4], nil
}

// covers reports whether every topic of want is in have.
func covers(have, want []string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func sortedUnique(list []string) []string {
	set := map[string]bool{}
	var out []string
	for _, s := range list {
		if !set[s] {
			set[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
