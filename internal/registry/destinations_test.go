package registry

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

func TestRegistry_CreateTopicRuleDestination_Created(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	d, err := f.r.CreateTopicRuleDestination(ctx, "https://example.com/hook/")
	wantCode(t, err, "")
	if !strings.HasPrefix(d.ARN, "arn:aws:iot:us-east-1:111122223333:ruledestination/http/") ||
		d.Status != DestinationInProgress || d.ConfirmationURL != "https://example.com/hook/" ||
		!d.CreatedAt.Equal(f.now) || !d.LastUpdatedAt.Equal(f.now) || len(d.ConfirmationToken) < 40 ||
		d.StatusReason != "Awaiting confirmation. Confirmation message sent on 2025-03-01T09:00:00.000Z; no response received from the endpoint." {
		t.Fatalf("created %+v", d)
	}
	got, err := f.r.GetTopicRuleDestination(ctx, d.ARN)
	wantCode(t, err, "")
	if got != d {
		t.Errorf("GetTopicRuleDestination = %+v\nwant %+v", got, d)
	}
	if len(f.changes) != 0 {
		t.Errorf("changes = %v", f.changes)
	}
}

func TestRegistry_CreateTopicRuleDestination_Refused(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	_, err := f.r.CreateTopicRuleDestination(ctx, "https://example.com/hook/")
	wantCode(t, err, "")
	for raw, code := range map[string]iot.Code{
		"https://example.com/hook/":                        iot.ResourceAlreadyExistsException,
		"http://example.com/hook/":                         iot.InvalidRequestException,
		"example.com/hook":                                 iot.InvalidRequestException,
		"https://example.com/" + strings.Repeat("x", 2000): iot.InvalidRequestException,
	} {
		_, err := f.r.CreateTopicRuleDestination(ctx, raw)
		wantCode(t, err, code)
	}
}

func TestRegistry_TopicRuleDestination_NotFound(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	missing := "arn:aws:iot:us-east-1:111122223333:ruledestination/http/7a280e37-b9c6-47a2-a751-0703693f46e4"
	_, err := f.r.GetTopicRuleDestination(ctx, missing)
	wantCode(t, err, iot.UnauthorizedException)
	wantCode(t, f.r.DeleteTopicRuleDestination(ctx, missing), iot.UnauthorizedException)
	_, err = f.r.UpdateTopicRuleDestination(ctx, missing, DestinationEnabled)
	wantCode(t, err, iot.UnauthorizedException)
	_, err = f.r.GetTopicRuleDestination(ctx, "arn:aws:iot:us-east-1:111122223333:rule/x")
	wantCode(t, err, iot.InvalidRequestException)
	wantCode(t, f.r.ConfirmTopicRuleDestination(ctx, "nosuchtoken"), iot.InvalidRequestException)
}

func TestRegistry_TopicRuleDestination_Lifecycle(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	allows := func(target string, want bool) {
		t.Helper()
		ok, err := f.r.TopicRuleDestinationAllows(ctx, target)
		if err != nil || ok != want {
			t.Fatalf("TopicRuleDestinationAllows(%s) = %v, %v; want %v", target, ok, err, want)
		}
	}
	d, err := f.r.CreateTopicRuleDestination(ctx, "https://example.com/hook/")
	wantCode(t, err, "")
	allows("https://example.com/hook/a", false)
	_, err = f.r.UpdateTopicRuleDestination(ctx, d.ARN, DestinationEnabled)
	wantCode(t, err, iot.InvalidRequestException) // not confirmed yet

	f.now = f.now.Add(time.Minute)
	wantCode(t, f.r.ConfirmTopicRuleDestination(ctx, d.ConfirmationToken), "")
	wantCode(t, f.r.ConfirmTopicRuleDestination(ctx, d.ConfirmationToken), "") // again: no change
	got, _ := f.r.GetTopicRuleDestination(ctx, d.ARN)
	if got.Status != DestinationEnabled || got.StatusReason != "" || !got.LastUpdatedAt.Equal(f.now) || !got.CreatedAt.Equal(d.CreatedAt) {
		t.Fatalf("after confirmation %+v", got)
	}
	allows("https://example.com/hook/a?x=1", true)
	allows("https://example.com/hook/", true)
	allows("https://example.com/other", false)

	_, err = f.r.UpdateTopicRuleDestination(ctx, d.ARN, DestinationDisabled)
	wantCode(t, err, "")
	allows("https://example.com/hook/a", false)
	wantCode(t, f.r.ConfirmTopicRuleDestination(ctx, d.ConfirmationToken), iot.InvalidRequestException)
	_, err = f.r.UpdateTopicRuleDestination(ctx, d.ARN, DestinationError)
	wantCode(t, err, iot.InvalidRequestException)

	again, err := f.r.UpdateTopicRuleDestination(ctx, d.ARN, DestinationInProgress)
	wantCode(t, err, "")
	if again.Status != DestinationInProgress || again.ConfirmationToken == d.ConfirmationToken {
		t.Fatalf("IN_PROGRESS %+v", again)
	}
	wantCode(t, f.r.ConfirmTopicRuleDestination(ctx, d.ConfirmationToken), iot.InvalidRequestException)

	// A failure of an old message changes nothing; of the latest, ERROR.
	if changed, err := f.r.FailTopicRuleDestination(ctx, d.ARN, d.ConfirmationToken, "old"); changed || err != nil {
		t.Fatalf("failing the old token: %v %v", changed, err)
	}
	if changed, err := f.r.FailTopicRuleDestination(ctx, d.ARN, again.ConfirmationToken, "refused"); !changed || err != nil {
		t.Fatalf("failing the latest token: %v %v", changed, err)
	}
	got, _ = f.r.GetTopicRuleDestination(ctx, d.ARN)
	if got.Status != DestinationError || got.StatusReason != "refused" {
		t.Fatalf("after a failed confirmation %+v", got)
	}
	wantCode(t, f.r.ConfirmTopicRuleDestination(ctx, again.ConfirmationToken), iot.InvalidRequestException)

	wantCode(t, f.r.DeleteTopicRuleDestination(ctx, d.ARN), "")
	_, err = f.r.GetTopicRuleDestination(ctx, d.ARN)
	wantCode(t, err, iot.UnauthorizedException)
}

func TestRegistry_ListTopicRuleDestinations_Pages(t *testing.T) {
	f := newRuleFixture(t)
	ctx := context.Background()
	want := map[string]bool{}
	for _, u := range []string{"https://a.example/", "https://b.example/", "https://c.example/"} {
		d, err := f.r.CreateTopicRuleDestination(ctx, u)
		wantCode(t, err, "")
		want[d.ARN] = true
	}
	in := ListTopicRuleDestinationsInput{MaxResults: 2}
	var seen []string
	for {
		page, err := f.r.ListTopicRuleDestinations(ctx, in)
		wantCode(t, err, "")
		for _, d := range page.Items {
			seen = append(seen, d.ARN)
		}
		if page.Next == "" {
			break
		}
		in.NextToken = page.Next
	}
	if len(seen) != 3 || !want[seen[0]] || !want[seen[1]] || !want[seen[2]] {
		t.Fatalf("listed %v", seen)
	}
}
