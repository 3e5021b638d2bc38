package registry

import (
	"context"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// UpdateTopicRuleDestination sets the status of the destination whose ARN
// is arn and returns it as updated. As AWS documents for the status
// values: ENABLED and DISABLED switch a confirmed destination on and off
// (from IN_PROGRESS or ERROR they are an InvalidRequestException: confirm
// first); IN_PROGRESS, from any status, starts a new confirmation with a
// new token, which the caller sends. ERROR and DELETING cannot be set.
// A missing destination is an UnauthorizedException.
func (r *Registry) UpdateTopicRuleDestination(ctx context.Context, arn string, status DestinationStatus) (TopicRuleDestination, error) {
	id, err := r.destinationID(arn)
	if err != nil {
		return TopicRuleDestination{}, err
	}
	var rec destinationRecord
	err = r.st.Update(ctx, func(tx store.Tx) error {
		if rec, err = getDestinationTxn(tx, id, arn); err != nil {
			return err
		}
		if err := r.setStatus(&rec, status); err != nil {
			return err
		}
		return putJSON(tx, tableRuleDestinations, id, rec)
	})
	return r.destination(id, rec), err
}

// setStatus applies UpdateTopicRuleDestination's status to rec.
func (r *Registry) setStatus(rec *destinationRecord, status DestinationStatus) error {
	now := r.now().UTC()
	switch status {
	case DestinationEnabled, DestinationDisabled:
		if rec.Status != DestinationEnabled && rec.Status != DestinationDisabled {
			return iot.Errorf(iot.InvalidRequestException,
				"The topic rule destination is %s: it must be confirmed before it can be set to %s", rec.Status, status)
		}
		rec.StatusReason = ""
	case DestinationInProgress:
		rec.Token = newConfirmationToken()
		rec.StatusReason = awaitingReason(now)
	default:
		return iot.Errorf(iot.InvalidRequestException,
			"1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: "+
				"Member must satisfy enum value set: [ENABLED, IN_PROGRESS, DISABLED]", status)
	}
	rec.Status, rec.LastUpdatedAt = status, now
	return nil
}

// ConfirmTopicRuleDestination enables the IN_PROGRESS destination whose
// latest confirmation token is token (ConfirmTopicRuleDestination, or the
// message's enableUrl). Confirming an ENABLED destination again succeeds
// and changes nothing; a token no destination holds, or one of a
// destination that is DISABLED or in ERROR, is an InvalidRequestException.
func (r *Registry) ConfirmTopicRuleDestination(ctx context.Context, token string) error {
	if token == "" || len(token) > 2048 {
		return iot.Errorf(iot.InvalidRequestException, "The confirmation token must have 1 to 2048 characters")
	}
	return r.st.Update(ctx, func(tx store.Tx) error {
		id, rec, err := destinationByTokenTxn(tx, token)
		if err != nil || rec.Status == DestinationEnabled {
			return err
		}
		if rec.Status != DestinationInProgress {
			return iot.Errorf(iot.InvalidRequestException,
				"The topic rule destination %s is %s: set it to IN_PROGRESS to get a new confirmation token", r.destinationARN(id), rec.Status)
		}
		rec.Status, rec.StatusReason, rec.LastUpdatedAt = DestinationEnabled, "", r.now().UTC()
		return putJSON(tx, tableRuleDestinations, id, rec)
	})
}

// FailTopicRuleDestination records that the confirmation message with
// token could not be delivered: the destination whose ARN is arn goes to
// ERROR with reason as its statusReason, if it is still IN_PROGRESS with
// that token (a later update or a confirmation wins). It reports whether
// it changed the destination.
func (r *Registry) FailTopicRuleDestination(ctx context.Context, arn, token, reason string) (bool, error) {
	id, err := r.destinationID(arn)
	if err != nil {
		return false, err
	}
	changed := false
	err = r.st.Update(ctx, func(tx store.Tx) error {
		var rec destinationRecord
		found, err := getJSON(tx, tableRuleDestinations, id, &rec)
		if err != nil || !found || rec.Status != DestinationInProgress || rec.Token != token {
			return err
		}
		rec.Status, rec.StatusReason, rec.LastUpdatedAt = DestinationError, reason, r.now().UTC()
		changed = true
		return putJSON(tx, tableRuleDestinations, id, rec)
	})
	return changed, err
}

// TopicRuleDestinationAllows reports whether the http action may post to
// target: AWS's rule is that target starts with the confirmationUrl of an
// ENABLED destination (rules-engine spec §10). The match is on the
// strings, as AWS documents it, so a confirmationUrl should end with "/"
// or be the whole URL.
func (r *Registry) TopicRuleDestinationAllows(ctx context.Context, target string) (bool, error) {
	allowed := false
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		return scanDestinationsTxn(tx, func(_ string, rec destinationRecord) bool {
			allowed = rec.Status == DestinationEnabled && strings.HasPrefix(target, rec.ConfirmationURL)
			return !allowed
		})
	})
	return allowed, err
}

// destinationByTokenTxn finds the destination whose latest confirmation
// token is token. Destinations are few, so it scans them.
func destinationByTokenTxn(tx store.ReadTx, token string) (string, destinationRecord, error) {
	var id string
	var found destinationRecord
	err := scanDestinationsTxn(tx, func(key string, rec destinationRecord) bool {
		if rec.Token == token {
			id, found = key, rec
		}
		return id == ""
	})
	if err == nil && id == "" {
		err = iot.Errorf(iot.InvalidRequestException, "The confirmation token is not valid")
	}
	return id, found, err
}
