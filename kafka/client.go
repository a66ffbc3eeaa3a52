package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/kgroups/kgroups/kafka/journal"
)

// DefaultTimeout bounds how long kgroups waits for an unreachable cluster.
const DefaultTimeout = 10 * time.Second

// Config says how to reach a cluster. The zero value of every field but
// Brokers is usable.
type Config struct {
	Brokers  []string
	ClientID string        // defaults to "kgroups"
	Timeout  time.Duration // dial and request bound; DefaultTimeout when zero
	TLS      *tls.Config   // nil for plaintext
	SASL     sasl.Mechanism
	// ReadOnly refuses every write: commits from consume, commit after
	// review, reset, copy, create, delete. Peeks and snapshots still work.
	ReadOnly bool
	Extra    []kgo.Opt // appended last; tests use it for hooks
}

// clientID is the client id the brokers see: ClientID, or "kgroups".
func (c Config) clientID() string {
	if c.ClientID == "" {
		return "kgroups"
	}
	return c.ClientID
}

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// Opts returns the kgo options shared by every client kgroups builds.
func (c Config) Opts() []kgo.Opt {
	id := c.clientID()
	t := c.timeout()
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(id),
		kgo.DialTimeout(t),
		kgo.RequestTimeoutOverhead(t),
		kgo.RetryTimeout(t),
		kgo.MetadataMinAge(250 * time.Millisecond),
		// No KIP-714 client telemetry: an operator learns nothing from a
		// short-lived inspection tool's fetch latencies, and with it every
		// Close waits on a final push to a broker (up to a second), on the
		// way out of every command.
		kgo.DisableClientMetrics(),
	}
	if c.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(c.TLS))
	}
	if c.SASL != nil {
		opts = append(opts, kgo.SASL(c.SASL))
	}
	return append(opts, c.Extra...)
}

// ErrNoBrokers is returned by Connect and Dial when the configuration names
// no broker.
var ErrNoBrokers = errors.New("no brokers given")

// Cluster is an admin connection to one cluster: the read side of kgroups
// (snapshots, peeks) and the offset operations.
type Cluster struct {
	cfg   Config
	cl    *kgo.Client
	adm   *kadm.Client
	watch *dialWatch // explains connections that fail: auth, TLS, unreachable

	journal    *journal.Journal // saves each change before it is written; nil: none (see UseJournal)
	journalSrc JournalSource
}

// Connect builds a Cluster for cfg without waiting for a broker to answer:
// the first request says whether the cluster is reachable, and the client
// keeps trying the brokers for every later one. The TUI starts with it, so
// that it can show an unreachable cluster and recover once it comes back;
// every call explains its failure the way Dial does.
func Connect(cfg Config) (*Cluster, error) {
	if len(cfg.Brokers) == 0 {
		return nil, ErrNoBrokers
	}
	watch := new(dialWatch)
	cl, err := kgo.NewClient(append(cfg.Opts(), kgo.WithHooks(watch))...)
	if err != nil {
		return nil, fmt.Errorf("bad client configuration: %w", err)
	}
	return &Cluster{cfg: cfg, cl: cl, adm: kadm.NewClient(cl), watch: watch}, nil
}

// Dial connects to the cluster and checks within cfg.Timeout that a broker
// answers. The error names the addresses tried.
func Dial(ctx context.Context, cfg Config) (*Cluster, error) {
	c, err := Connect(cfg)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	mark := c.watch.mark()
	if err := c.cl.Ping(pctx); err != nil {
		c.Close()
		return nil, dialError(cfg, &dialWatch{failures: c.watch.since(mark)}, err)
	}
	return c, nil
}

// diagnose explains *err, the failure of a call on c that began when the
// watch stood at mark, as a whole, the way Dial does: an *AuthError or a
// *TLSError when a connection it made failed authentication or TLS, an
// *UnreachableError naming the brokers when none could be reached. Any other
// error (a broker answered with one, ctx ended) stays as it is, and so does
// an error already explained (calls that call each other explain once).
// Once the cluster has answered, a broker hanging up is taken for a broker
// going away, never for missing SASL or TLS. Every exported call that talks
// to the cluster defers it, so that no caller has to remember to:
//
//	defer c.diagnose(c.watch.mark(), &err)
func (c *Cluster) diagnose(mark int, err *error) {
	*err = c.diagnosed(mark, *err)
}

func (c *Cluster) diagnosed(mark int, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, kgo.ErrClientClosed) || IsConnectionError(err) {
		return err
	}
	failures := c.watch.since(mark)
	if c.watch.answered.Load() {
		failures = slices.DeleteFunc(failures, func(f connFailure) bool { return hungUp(f.err) })
	}
	for _, f := range failures {
		if e := explain(c.cfg, f); e != nil {
			return e
		}
	}
	if !c.watch.answered.Load() || !hungUp(err) {
		if e := explain(c.cfg, connFailure{addr: strings.Join(c.cfg.Brokers, ","), key: -1, err: err}); e != nil {
			return e
		}
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return err // a broker answered
	}
	if len(failures) == 0 && !errors.Is(err, context.DeadlineExceeded) && !hungUp(err) {
		return err
	}
	// The last connection failure says why in one line; the request's own
	// error may join one per shard.
	cause := err
	if n := len(failures); n > 0 {
		cause = failures[n-1].err
	}
	return &UnreachableError{Brokers: c.cfg.Brokers, Err: cause}
}

// hungUp reports whether err is a broker closing the connection, during
// the TLS handshake or after.
func hungUp(err error) bool {
	var firstEOF *kgo.ErrFirstReadEOF
	return isHangUp(err) || errors.As(err, &firstEOF)
}

// Close releases the connection.
func (c *Cluster) Close() { c.cl.Close() }

// Config returns the configuration the cluster was dialed with.
func (c *Cluster) Config() Config { return c.cfg }

// Client exposes the underlying kgo client for the few callers (tests, the
// demo seeder) that need raw access.
func (c *Cluster) Client() *kgo.Client { return c.cl }

// Admin exposes the kadm client built on Client.
func (c *Cluster) Admin() *kadm.Client { return c.adm }

// UnreachableError says no broker of the given list answered in time.
type UnreachableError struct {
	Brokers []string
	Err     error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach Kafka at %s: %v", strings.Join(e.Brokers, ","), e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }
