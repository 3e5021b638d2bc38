package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for sqlTable
	_ "modernc.org/sqlite"             // database/sql driver "sqlite", for sqlTable

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules"
	"github.com/hob-iot/hob/internal/rules/action"
)

// actionDeps are what the rules' actions get from hob (action.Deps), and
// the resources they share, which Close releases.
type actionDeps struct {
	broker   *broker.Server
	region   string
	endpoint string
	http     *http.Client
	kafka    *action.KafkaClients
	dests    *destinationConfirmer // topic rule destinations: the http action's check, confirmation messages
	dbMu     sync.Mutex            // guards dbs and closed
	dbs      map[[2]string]*sql.DB
	closed   bool
}

// newActionDeps builds the actions' dependencies from cfg. The http
// action may post only under the ENABLED topic rule destinations of reg,
// whose confirmation messages carry enableUrls under apiURL().
func newActionDeps(cfg config.Config, b *broker.Server, reg *registry.Registry, apiURL func() string,
	log *slog.Logger) (*actionDeps, error) {
	hc, err := rulesHTTPClient(cfg.RulesHTTPCAFile)
	if err != nil {
		return nil, err
	}
	region := cfg.RulesAWSRegion
	if region == "" {
		region = cfg.Region
	}
	return &actionDeps{broker: b, region: region, endpoint: cfg.RulesAWSEndpoint, http: hc,
		kafka: action.NewKafkaClients(), dests: newDestinationConfirmer(reg, hc, apiURL, log),
		dbs: map[[2]string]*sql.DB{}}, nil
}

// deps returns the action.Deps.
func (d *actionDeps) deps() action.Deps {
	return action.Deps{Republish: d.republish, AWS: d.awsConfig, HTTP: d.http, DB: d.openDB, Kafka: d.kafka,
		AllowHTTP: d.dests.allows}
}

// republish publishes a rule's message through the broker, in process, one
// hop further than the message that fired the rule (rules.HopsFrom), so
// that the engine can stop a rule that republishes onto its own FROM
// filter.
func (d *actionDeps) republish(ctx context.Context, r action.Republished) error {
	m := &broker.Message{Topic: r.Topic, Payload: r.Payload, QoS: packet.QoS(r.QoS), Hops: rules.HopsFrom(ctx) + 1}
	p := &m.Properties
	p.ContentType, p.ResponseTopic, p.CorrelationData = r.ContentType, r.ResponseTopic, r.CorrelationData
	if r.PayloadFormatUTF8 {
		p.PayloadFormatIndicator = 1
	}
	for _, kv := range r.UserProperties {
		p.UserProperties = append(p.UserProperties, packet.UserProperty{Key: kv[0], Value: kv[1]})
	}
	if r.MessageExpiry > 0 {
		m.Expiry = time.Now().Add(r.MessageExpiry)
	}
	return d.broker.Publish(ctx, m)
}

// awsConfig is the configuration of the AWS service actions: the region
// and endpoint options, and credentials from the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), read when
// a client is made. Without credentials the action fails, and its error
// action says why.
func (d *actionDeps) awsConfig(_ context.Context, service string) (aws.Config, error) {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, errors.New("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in hob's environment")
	}
	cfg := aws.Config{
		Region:      d.region,
		Credentials: aws.NewCredentialsCache(staticCredentials{id, secret, os.Getenv("AWS_SESSION_TOKEN")}),
		HTTPClient:  &http.Client{Timeout: 2 * time.Minute},
	}
	if d.endpoint != "" {
		cfg.BaseEndpoint = aws.String(d.endpoint)
	}
	return cfg, nil
}

// staticCredentials are fixed AWS credentials.
type staticCredentials struct{ id, secret, token string }

// Retrieve implements aws.CredentialsProvider.
func (c staticCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token, Source: "hob environment"}, nil
}

// openDB returns the pool of (driver, dsn) for sqlTable, opening it on
// first use; Close closes them all.
func (d *actionDeps) openDB(ctx context.Context, driver, dsn string) (*sql.DB, error) {
	d.dbMu.Lock()
	defer d.dbMu.Unlock()
	if d.closed {
		return nil, errors.New("the rules engine is shutting down")
	}
	key := [2]string{driver, dsn}
	if db := d.dbs[key]; db != nil {
		return db, nil
	}
	name := dsn
	if driver == "sqlite" {
		name = sqliteWaiting(dsn)
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		return nil, fmt.Errorf("opening the %s database: %w", driver, err)
	}
	if driver == "sqlite" {
		db.SetMaxOpenConns(1) // one writer: no SQLITE_BUSY between the pool's connections
	}
	d.dbs[key] = db
	return db, nil
}

// sqlTableBusyWait is how long a sqlTable insert into SQLite waits for a
// lock another connection holds (a reader polling the table, another
// process writing) before it fails.
const sqlTableBusyWait = 5 * time.Second

// sqliteWaiting adds a busy timeout of sqlTableBusyWait to a SQLite DSN
// (a path or a file: URI) that sets none: without one, SQLite fails an
// insert at once with "database is locked" whenever anyone else holds the
// file's lock, even for a moment.
func sqliteWaiting(dsn string) string {
	if strings.Contains(dsn, "busy_timeout") {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + fmt.Sprintf("_pragma=busy_timeout(%d)", sqlTableBusyWait.Milliseconds())
}

// Close stops the confirmation messages in flight, and closes the
// database pools and the Kafka clients.
func (d *actionDeps) Close() error {
	d.dests.Close()
	d.dbMu.Lock()
	d.closed = true
	dbs := d.dbs
	d.dbs = nil
	d.dbMu.Unlock()
	var errs []error
	for _, db := range dbs {
		errs = append(errs, db.Close())
	}
	d.kafka.Close()
	return errors.Join(errs...)
}

// rulesHTTPClient is the http action's client: TLS verification on, with
// the system roots plus those of caFile, if any.
func rulesHTTPClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("app: reading --rules-http-ca-file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("app: --rules-http-ca-file %s holds no PEM certificate", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}, nil
}

// destinationConfirmer serves the topic rule destinations to the http
// action and sends their confirmation messages (rules-engine spec §10),
// with the rules' HTTP client, so --rules-http-ca-file applies to both.
// Each message is sent on its own goroutine, which Close cancels and
// waits for.
type destinationConfirmer struct {
	reg    *registry.Registry
	http   *http.Client
	apiURL func() string // hob's HTTPS API URL, for enableUrl
	log    *slog.Logger
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	mu     sync.Mutex // guards closed and wg.Add against Close
	closed bool
	wg     sync.WaitGroup
}

// destinationTimeout bounds one confirmation message, and one check of
// the http action.
const destinationTimeout = 10 * time.Second

func newDestinationConfirmer(reg *registry.Registry, hc *http.Client, apiURL func() string, log *slog.Logger) *destinationConfirmer {
	ctx, cancel := context.WithCancel(context.Background())
	return &destinationConfirmer{reg: reg, http: hc, apiURL: apiURL, log: log, ctx: ctx, cancel: cancel}
}

// allows is the http action's AllowHTTP: whether target starts with the
// confirmationUrl of an ENABLED destination. A store error refuses.
func (c *destinationConfirmer) allows(target string) bool {
	ctx, cancel := context.WithTimeout(c.ctx, destinationTimeout)
	defer cancel()
	ok, err := c.reg.TopicRuleDestinationAllows(ctx, target)
	if err != nil {
		c.log.Warn("rules: reading the topic rule destinations", "url", target, "err", err)
	}
	return ok && err == nil
}

// send starts sending d's confirmation message; once closed it does
// nothing, and d stays IN_PROGRESS.
func (c *destinationConfirmer) send(d registry.TopicRuleDestination) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		err := c.post(d)
		if err == nil || c.ctx.Err() != nil {
			return
		}
		reason := "Confirmation message could not be delivered: " + err.Error()
		if _, ferr := c.reg.FailTopicRuleDestination(c.ctx, d.ARN, d.ConfirmationToken, reason); ferr != nil {
			c.log.Warn("rules: recording a failed destination confirmation", "arn", d.ARN, "err", ferr)
		}
	}()
}

// confirmationMessage is the body AWS POSTs to a confirmationUrl
// (developer guide, "Managing HTTP topic rule destinations").
type confirmationMessage struct {
	ARN               string `json:"arn"`
	ConfirmationToken string `json:"confirmationToken"`
	EnableURL         string `json:"enableUrl"`
	MessageType       string `json:"messageType"`
}

// post POSTs d's confirmation message as AWS does: to confirmationUrl with
// a confirmationToken query parameter, the x-amz-rules-engine-* headers
// and the JSON body. Any answer but 2xx is a failure.
func (c *destinationConfirmer) post(d registry.TopicRuleDestination) error {
	u, err := url.Parse(d.ConfirmationURL)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("confirmationToken", d.ConfirmationToken)
	u.RawQuery = q.Encode()
	body, err := json.Marshal(confirmationMessage{ARN: d.ARN, ConfirmationToken: d.ConfirmationToken,
		EnableURL: c.apiURL() + "/confirmdestination/" + d.ConfirmationToken, MessageType: "DestinationConfirmation"})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.ctx, destinationTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-amz-rules-engine-message-type", "DestinationConfirmation")
	req.Header.Set("x-amz-rules-engine-destination-arn", d.ARN)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the endpoint answered %s", resp.Status)
	}
	return nil
}

// Close cancels the messages in flight and waits for their goroutines. It
// is idempotent.
func (c *destinationConfirmer) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}

// ruleDestinations is the api's TopicRuleDestinationService: the
// registry's destinations, whose confirmation messages deps sends.
type ruleDestinations struct {
	*registry.Registry
	deps *actionDeps
}

// SendConfirmation implements api.TopicRuleDestinationService.
func (d ruleDestinations) SendConfirmation(dst registry.TopicRuleDestination) { d.deps.dests.send(dst) }

var (
	_ aws.CredentialsProvider         = staticCredentials{}
	_ api.TopicRuleDestinationService = ruleDestinations{}
)
