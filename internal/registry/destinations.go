package registry

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// DestinationStatus is a topic rule destination's status (botocore shape
// TopicRuleDestinationStatus). hob deletes at once, so it never reports
// DELETING.
type DestinationStatus string

// The statuses of a topic rule destination.
const (
	DestinationEnabled    DestinationStatus = "ENABLED"
	DestinationInProgress DestinationStatus = "IN_PROGRESS"
	DestinationDisabled   DestinationStatus = "DISABLED"
	DestinationError      DestinationStatus = "ERROR"
	DestinationDeleting   DestinationStatus = "DELETING"
)

// TopicRuleDestination is an HTTP topic rule destination as
// GetTopicRuleDestination shows it (botocore shape TopicRuleDestination),
// plus its current confirmation token. AWS: an http action may post only
// to a URL that starts with the confirmationUrl of an ENABLED destination
// (rules-engine spec §10); the owner enables a destination by handing back
// the token hob sent to confirmationUrl (ConfirmTopicRuleDestination).
type TopicRuleDestination struct {
	ARN             string // arn:aws:iot:REGION:ACCOUNT:ruledestination/http/UUID
	Status          DestinationStatus
	StatusReason    string
	ConfirmationURL string
	CreatedAt       time.Time
	LastUpdatedAt   time.Time
	// ConfirmationToken is the token of the latest confirmation message;
	// a new one is made on creation and on each update to IN_PROGRESS.
	ConfirmationToken string
}

// typeRuleDestination is the resource type of destination ARNs; an HTTP
// destination's name is "http/UUID".
const typeRuleDestination = "ruledestination"

// tableRuleDestinations holds topic rule destinations keyed by the UUID
// of their ARN, as destinationRecord.
const tableRuleDestinations = "registry.ruledestinations"

// destinationRecord is a destination as stored in tableRuleDestinations.
type destinationRecord struct {
	Status          DestinationStatus `json:"status"`
	StatusReason    string            `json:"statusReason,omitempty"`
	ConfirmationURL string            `json:"confirmationUrl"`
	Token           string            `json:"confirmationToken"`
	CreatedAt       time.Time         `json:"createdAt"`
	LastUpdatedAt   time.Time         `json:"lastUpdatedAt"`
}

// CreateTopicRuleDestination stores a new HTTP destination for
// confirmationURL, IN_PROGRESS with a fresh confirmation token, and
// returns it; the caller sends the confirmation message. The URL must be
// an https URL of at most 2000 characters (model: Url max 2000), and a
// URL that already has a destination is a ResourceAlreadyExistsException.
func (r *Registry) CreateTopicRuleDestination(ctx context.Context, confirmationURL string) (TopicRuleDestination, error) {
	if err := checkConfirmationURL(confirmationURL); err != nil {
		return TopicRuleDestination{}, err
	}
	id := uuid.NewString()
	now := r.now().UTC()
	rec := destinationRecord{Status: DestinationInProgress, ConfirmationURL: confirmationURL,
		Token: newConfirmationToken(), CreatedAt: now, LastUpdatedAt: now}
	rec.StatusReason = awaitingReason(now)
	err := r.st.Update(ctx, func(tx store.Tx) error {
		var dup error
		err := scanDestinationsTxn(tx, func(key string, have destinationRecord) bool {
			if have.ConfirmationURL == confirmationURL {
				arn := r.destinationARN(key)
				dup = iot.AlreadyExists(arn, arn, "Topic rule destination with confirmation URL %s already exists", confirmationURL)
			}
			return dup == nil
		})
		if err != nil || dup != nil {
			return cmp.Or(err, dup)
		}
		return putJSON(tx, tableRuleDestinations, id, rec)
	})
	return r.destination(id, rec), err
}

// GetTopicRuleDestination returns the destination whose ARN is arn. A
// destination that does not exist is an UnauthorizedException, as for
// topic rules (the model lists no ResourceNotFoundException).
func (r *Registry) GetTopicRuleDestination(ctx context.Context, arn string) (TopicRuleDestination, error) {
	id, err := r.destinationID(arn)
	if err != nil {
		return TopicRuleDestination{}, err
	}
	var rec destinationRecord
	err = r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err = getDestinationTxn(tx, id, arn)
		return err
	})
	return r.destination(id, rec), err
}

// DeleteTopicRuleDestination deletes the destination whose ARN is arn; a
// missing one is an UnauthorizedException, as for GetTopicRuleDestination.
// hob deletes at once, so the destination never shows DELETING.
func (r *Registry) DeleteTopicRuleDestination(ctx context.Context, arn string) error {
	id, err := r.destinationID(arn)
	if err != nil {
		return err
	}
	return r.st.Update(ctx, func(tx store.Tx) error {
		if _, err := getDestinationTxn(tx, id, arn); err != nil {
			return err
		}
		_, err := tx.Delete(tableRuleDestinations, id)
		return err
	})
}

// checkConfirmationURL checks a CreateTopicRuleDestination confirmationUrl.
func checkConfirmationURL(raw string) error {
	if len(raw) > 2000 {
		return iot.Errorf(iot.InvalidRequestException, "1 validation error detected: Value at "+
			"'destinationConfiguration.httpUrlConfiguration.confirmationUrl' failed to satisfy constraint: "+
			"Member must have length less than or equal to 2000")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme != "https" {
		return iot.Errorf(iot.InvalidRequestException, "The confirmation URL %q is not a valid https URL", raw)
	}
	return nil
}

// newConfirmationToken returns a random confirmation token of 64 hex
// digits. Hex, not base64: a token that began with "-" would be taken for an
// option by the aws CLI's --confirmation-token argument.
func newConfirmationToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// awaitingReason is the statusReason of an IN_PROGRESS destination whose
// confirmation message went out at sent, worded as AWS's.
func awaitingReason(sent time.Time) string {
	return "Awaiting confirmation. Confirmation message sent on " + sent.Format("2006-01-02T15:04:05.000Z") +
		"; no response received from the endpoint."
}

// destinationARN is the ARN of the HTTP destination with UUID id.
func (r *Registry) destinationARN(id string) string {
	return r.account.ARN(typeRuleDestination, "http/"+id)
}

// destinationID returns the UUID of an HTTP destination ARN of this
// account; any other string is an InvalidRequestException.
func (r *Registry) destinationID(arn string) (string, error) {
	id, ok := strings.CutPrefix(arn, r.destinationARN(""))
	if !ok || uuid.Validate(id) != nil {
		return "", iot.Errorf(iot.InvalidRequestException, "%q is not the ARN of a topic rule destination of this account", arn)
	}
	return id, nil
}

// getDestinationTxn reads the destination id (ARN arn), or returns an
// UnauthorizedException when there is none.
func getDestinationTxn(tx store.ReadTx, id, arn string) (destinationRecord, error) {
	var rec destinationRecord
	found, err := getJSON(tx, tableRuleDestinations, id, &rec)
	if err == nil && !found {
		err = iot.Errorf(iot.UnauthorizedException, "Access to topic rule destination '%s' was denied", arn)
	}
	return rec, err
}

// destination makes the TopicRuleDestination with UUID id from its record.
func (r *Registry) destination(id string, rec destinationRecord) TopicRuleDestination {
	return TopicRuleDestination{ARN: r.destinationARN(id), Status: rec.Status, StatusReason: rec.StatusReason,
		ConfirmationURL: rec.ConfirmationURL, CreatedAt: rec.CreatedAt, LastUpdatedAt: rec.LastUpdatedAt,
		ConfirmationToken: rec.Token}
}
