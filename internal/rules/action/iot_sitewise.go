package action

import (
	"context"
	"fmt"
	"strings"
)

// siteWisePut is IoT SiteWise's BatchPutAssetPropertyValue (botocore
// model iotsitewise 2019-12-02: endpoint prefix and signing name
// "iotsitewise", host prefix "data.").
var siteWisePut = restOp{signingName: "iotsitewise", host: "data.iotsitewise", path: "/properties"}

// siteWiseQualities are the values of AWS's quality member.
var siteWiseQualities = []string{"GOOD", "BAD", "UNCERTAIN"}

// siteWiseParams is AWS's IotSiteWiseAction. Every string of an entry
// takes substitution templates (spec §9); roleArn is validated and
// otherwise ignored.
type siteWiseParams struct {
	Entries []siteWiseEntry `json:"putAssetPropertyValueEntries"`
	RoleArn string          `json:"roleArn"`
}

// siteWiseEntry is AWS's PutAssetPropertyValueEntry.
type siteWiseEntry struct {
	EntryID        string          `json:"entryId"`
	AssetID        string          `json:"assetId"`
	PropertyID     string          `json:"propertyId"`
	PropertyAlias  string          `json:"propertyAlias"`
	PropertyValues []siteWiseValue `json:"propertyValues"`
}

// siteWiseValue is AWS's AssetPropertyValue: every member is text, to be
// converted once rendered.
type siteWiseValue struct {
	Value     *siteWiseVariant `json:"value"`
	Timestamp *struct {
		TimeInSeconds string `json:"timeInSeconds"`
		OffsetInNanos string `json:"offsetInNanos"`
	} `json:"timestamp"`
	Quality string `json:"quality"`
}

// siteWiseVariant is AWS's AssetPropertyVariant: exactly one is set.
type siteWiseVariant struct {
	StringValue  *string `json:"stringValue"`
	IntegerValue *string `json:"integerValue"`
	DoubleValue  *string `json:"doubleValue"`
	BooleanValue *string `json:"booleanValue"`
}

// check requires roleArn and at least one entry; each entry names its
// property (propertyAlias, or assetId and propertyId) and has at least
// one value; each value has exactly one kind of value, a timestamp with
// timeInSeconds, and a quality (when literal) of AWS's enum.
func (p *siteWiseParams) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	switch {
	case p.Entries == nil:
		c.required("putAssetPropertyValueEntries", "")
	case len(p.Entries) == 0:
		c.addf("putAssetPropertyValueEntries", "Member must have length greater than or equal to 1")
	}
	for i, e := range p.Entries {
		f := fmt.Sprintf("putAssetPropertyValueEntries.%d.member.", i+1)
		if e.PropertyAlias == "" && (e.AssetID == "" || e.PropertyID == "") {
			c.addf(f+"propertyAlias", "Member must be set, or assetId and propertyId must both be set")
		}
		switch {
		case e.PropertyValues == nil:
			c.required(f+"propertyValues", "")
		case len(e.PropertyValues) == 0:
			c.addf(f+"propertyValues", "Member must have length greater than or equal to 1")
		}
		for j, v := range e.PropertyValues {
			checkSiteWiseValue(c, fmt.Sprintf("%spropertyValues.%d.member.", f, j+1), v)
		}
	}
}

// checkSiteWiseValue checks one value, its fields named from prefix f.
func checkSiteWiseValue(c *checker, f string, v siteWiseValue) {
	if v.Value == nil {
		c.required(f+"value", "")
	} else if kinds := v.Value.kinds(); len(kinds) != 1 {
		c.addf(f+"value", "exactly one of stringValue, integerValue, doubleValue and booleanValue must be set, found %d", len(kinds))
	} else if s := v.Value.StringValue; s != nil {
		if c.required(f+"value.stringValue", *s) {
			c.maxLen(f+"value.stringValue", *s, 1024)
		}
	}
	if v.Timestamp == nil {
		c.required(f+"timestamp", "")
	} else {
		c.required(f+"timestamp.timeInSeconds", v.Timestamp.TimeInSeconds)
	}
	c.enum(f+"quality", v.Quality, siteWiseQualities...)
}

// kinds lists the names of the kinds of value that are set.
func (v *siteWiseVariant) kinds() []string {
	var set []string
	for i, p := range []*string{v.StringValue, v.IntegerValue, v.DoubleValue, v.BooleanValue} {
		if p != nil {
			set = append(set, [...]string{"stringValue", "integerValue", "doubleValue", "booleanValue"}[i])
		}
	}
	return set
}

func (p *siteWiseParams) build(d Deps) (Action, error) {
	c, err := newRESTClient(d, "iotSiteWise")
	if err != nil {
		return nil, err
	}
	return &siteWiseAction{p: *p, client: c}, nil
}

// siteWiseAction sends the rendered entries to IoT SiteWise with one
// BatchPutAssetPropertyValue call, as written (AWS's limits of entries
// and values per call are the service's to enforce). An entry without
// entryId gets a new UUID. A value that does not convert to its kind
// fails the firing before the call; a 200 answer listing rejected
// entries fails it after, naming the first.
type siteWiseAction struct {
	p      siteWiseParams
	client *restClient
}

func (a *siteWiseAction) Kind() string { return "IotSiteWiseAction" }

// Resource is the first entry's propertyAlias or, without one, its
// assetId, as written.
func (a *siteWiseAction) Resource() string {
	if e := a.p.Entries[0]; e.PropertyAlias != "" {
		return e.PropertyAlias
	}
	return a.p.Entries[0].AssetID
}

// Do renders the entries and sends them.
func (a *siteWiseAction) Do(ctx context.Context, inv *Invocation) error {
	entries, err := a.entries(inv)
	if err == nil {
		err = a.send(ctx, entries)
	}
	if err != nil {
		return fmt.Errorf("Failed to send asset property values to IoT SiteWise (%s). The error received was %s. Message arrived on: %s, Action: iotSiteWise",
			a.Resource(), err, inv.Topic)
	}
	return nil
}

// send makes the call and checks its error entries.
func (a *siteWiseAction) send(ctx context.Context, entries []siteWisePutEntry) error {
	var answer struct {
		ErrorEntries []struct {
			EntryID string `json:"entryId"`
			Errors  []struct {
				ErrorCode    string `json:"errorCode"`
				ErrorMessage string `json:"errorMessage"`
			} `json:"errors"`
		} `json:"errorEntries"`
	}
	if err := a.client.post(ctx, siteWisePut, map[string]any{"entries": entries}, &answer); err != nil {
		return err
	}
	if len(answer.ErrorEntries) == 0 {
		return nil
	}
	e := answer.ErrorEntries[0]
	var codes, texts []string
	for _, x := range e.Errors {
		codes, texts = append(codes, x.ErrorCode), append(texts, x.ErrorMessage)
	}
	return entryError("entry", e.EntryID, strings.Join(codes, ", "), strings.Join(texts, "; "), len(answer.ErrorEntries), len(entries))
}

var _ Action = (*siteWiseAction)(nil)
