package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for sqlTable
	_ "modernc.org/sqlite"             // database/sql driver "sqlite", for sqlTable

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/mqtt/packet"
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
	dbMu     sync.Mutex // guards dbs and closed
	dbs      map[[2]string]*sql.DB
	closed   bool
}

// newActionDeps builds the actions' dependencies from cfg.
func newActionDeps(cfg config.Config, b *broker.Server) (*actionDeps, error) {
	hc, err := rulesHTTPClient(cfg.RulesHTTPCAFile)
	if err != nil {
		return nil, err
	}
	region := cfg.RulesAWSRegion
	if region == "" {
		region = cfg.Region
	}
	return &actionDeps{broker: b, region: region, endpoint: cfg.RulesAWSEndpoint, http: hc,
		kafka: action.NewKafkaClients(), dbs: map[[2]string]*sql.DB{}}, nil
}

// deps returns the action.Deps.
func (d *actionDeps) deps() action.Deps {
	return action.Deps{Republish: d.republish, AWS: d.awsConfig, HTTP: d.http, DB: d.openDB, Kafka: d.kafka}
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
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the %s database: %w", driver, err)
	}
	if driver == "sqlite" {
		db.SetMaxOpenConns(1) // one writer: no SQLITE_BUSY between the pool's connections
	}
	d.dbs[key] = db
	return db, nil
}

// Close closes the database pools and the Kafka clients.
func (d *actionDeps) Close() error {
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

var _ aws.CredentialsProvider = staticCredentials{}
