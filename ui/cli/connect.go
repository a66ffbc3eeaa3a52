package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/config"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/kafka/journal"
)

// connection is what a command needs to talk to a cluster: the resolved
// settings, the client configuration and an admin connection, plus the
// in-process demo cluster when --demo started one.
type connection struct {
	Settings Settings
	Config   kafka.Config
	Cluster  *kafka.Cluster
	stopDemo func() // nil unless --demo
	// demoRegistry is the demo's schema registry URL, with --demo.
	demoRegistry string
}

// connect starts the demo cluster when s.Demo, then dials the cluster,
// failing within s.Timeout when no broker answers.
func (a *app) connect(ctx context.Context, s Settings) (*connection, error) {
	conn, err := a.prepare(ctx, s)
	if err != nil {
		return nil, err
	}
	if conn.Cluster, err = kafka.Dial(ctx, conn.Config); err != nil {
		conn.Close()
		return nil, err
	}
	useJournal(conn, a.command)
	return conn, nil
}

// useJournal makes every write of conn's Cluster save its undo entry first
// in the journal (see journalDir), naming the command via.
func useJournal(conn *connection, via string) {
	conn.Cluster.UseJournal(journal.New(journalDir()), kafka.JournalSource{Context: conn.Settings.Context, Via: via})
}

// journalDir is where the undo journal lives: $XDG_STATE_HOME/kgroups or
// ~/.local/state/kgroups. Without either, writes are refused: the journal
// cannot be written.
func journalDir() string {
	dir, err := journal.DefaultDir()
	if err != nil {
		return ""
	}
	return dir
}

// prepare resolves the client configuration (asking for a prompted
// password) and starts the demo cluster when s.Demo; it does not connect.
func (a *app) prepare(ctx context.Context, s Settings) (*connection, error) {
	if s.Resolved == nil {
		return nil, errors.New("connection settings were not resolved")
	}
	// The one builder of the client configuration; a password-prompt
	// password is asked for here, once, before any screen takes over the
	// terminal. The demo's brokers are filled in once it runs.
	cfg, err := s.Resolved.KafkaConfig(s.prompt)
	if err != nil {
		return nil, err
	}
	conn := &connection{Settings: s, Config: cfg}
	if s.Demo {
		d, err := a.startDemo(ctx, nil, false)
		if err != nil {
			return nil, err
		}
		brokers := d.Brokers()
		conn.stopDemo, conn.demoRegistry = d.Close, d.RegistryURL()
		conn.Settings.Brokers, conn.Config.Brokers = brokers, brokers
	}
	return conn, nil
}

// Decoder returns the decoder for record keys and values: --decode raw
// shows bytes; otherwise values are decompressed and, with a schema
// registry configured (the demo's with --demo, unless --schema-registry
// names another), decoded by their schema. The registry's password is read
// here.
func (c *connection) Decoder() (*decode.Decoder, error) {
	s := c.Settings
	if s.Decode == decode.Raw {
		return decode.New(decode.Raw, nil), nil
	}
	var opt decode.RegistryOptions
	ok := false
	if s.Resolved != nil {
		var err error
		if opt, ok, err = s.Resolved.RegistryOptions(); err != nil {
			return nil, err
		}
	}
	if c.demoRegistry != "" && (!ok || s.Resolved.SchemaRegistryURL.Source != config.Source("flag --"+config.FlagSchemaRegistry)) {
		opt, ok = decode.RegistryOptions{URL: c.demoRegistry}, true
	}
	if !ok {
		return decode.New(decode.Auto, nil), nil
	}
	reg, err := decode.NewRegistry(opt)
	if err != nil {
		return nil, err
	}
	return decode.New(decode.Auto, reg), nil
}

// Bootstrap names the cluster in messages: its bootstrap addresses.
func (c *connection) Bootstrap() string { return strings.Join(c.Config.Brokers, ",") }

// Close closes the admin connection and stops the demo cluster, if any.
func (c *connection) Close() {
	if c.Cluster != nil {
		c.Cluster.Close()
	}
	if c.stopDemo != nil {
		c.stopDemo()
	}
}
