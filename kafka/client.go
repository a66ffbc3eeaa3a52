package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
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

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// Opts returns the kgo options shared by every client kgroups builds.
func (c Config) Opts() []kgo.Opt {
	id := c.ClientID
	if id == "" {
		id = "kgroups"
	}
	t := c.timeout()
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(id),
		kgo.DialTimeout(t),
		kgo.RequestTimeoutOverhead(t),
		kgo.RetryTimeout(t),
		kgo.MetadataMinAge(250 * time.Millisecond),
	}
	if c.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(c.TLS))
	}
	if c.SASL != nil {
		opts = append(opts, kgo.SASL(c.SASL))
	}
	return append(opts, c.Extra...)
}

// Cluster is an admin connection to one cluster: the read side of kgroups
// (snapshots, peeks) and the offset operations.
type Cluster struct {
	cfg Config
	cl  *kgo.Client
	adm *kadm.Client
}

// Dial connects to the cluster and checks within cfg.Timeout that a broker
// answers. The error names the addresses tried.
func Dial(ctx context.Context, cfg Config) (*Cluster, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("no brokers given: pass --brokers host:port or use --demo")
	}
	watch := new(dialWatch) // explains auth and TLS failures
	cl, err := kgo.NewClient(append(cfg.Opts(), kgo.WithHooks(watch))...)
	if err != nil {
		return nil, fmt.Errorf("bad client configuration: %w", err)
	}
	c := &Cluster{cfg: cfg, cl: cl, adm: kadm.NewClient(cl)}
	pctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	if err := cl.Ping(pctx); err != nil {
		cl.Close()
		return nil, dialError(cfg, watch, err)
	}
	return c, nil
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
	return fmt.Sprintf("cannot reach Kafka at %s: %v (check --brokers and that the cluster is up)",
		strings.Join(e.Brokers, ","), e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }
