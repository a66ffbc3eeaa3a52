package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// testPassword is distinctive so a leak into any message is easy to spot.
const testPassword = "s3cr3t-Pa55w0rd-do-not-print"

// dialBounded dials with a short timeout and fails the test if Dial does not
// return well within it: a hang is the bug these tests exist to catch.
func dialBounded(t *testing.T, cfg Config) (*Cluster, error) {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	type result struct {
		c   *Cluster
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := Dial(context.Background(), cfg)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		if r.c != nil {
			t.Cleanup(r.c.Close)
		}
		return r.c, r.err
	case <-time.After(5*cfg.Timeout + 5*time.Second):
		t.Fatalf("Dial did not return within its timeout %s", cfg.Timeout)
		return nil, nil
	}
}

func TestDialSASL(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t,
		kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "admin", "admin-pass"),
		kfake.User("PLAIN", "alice", testPassword),
		kfake.User("SCRAM-SHA-256", "bob", testPassword),
		kfake.User("SCRAM-SHA-512", "carol", testPassword),
	)
	tests := []struct {
		name       string
		mechanism  sasl.Mechanism
		wantReason AuthFailure
		wantOK     bool
	}{
		{"plain", plain.Auth{User: "alice", Pass: testPassword}.AsMechanism(), 0, true},
		{"scram-sha-256", scram.Auth{User: "bob", Pass: testPassword}.AsSha256Mechanism(), 0, true},
		{"scram-sha-512", scram.Auth{User: "carol", Pass: testPassword}.AsSha512Mechanism(), 0, true},
		{"plain wrong password", plain.Auth{User: "alice", Pass: testPassword + "x"}.AsMechanism(), AuthBadCredentials, false},
		{"scram-sha-256 wrong password", scram.Auth{User: "bob", Pass: "nope"}.AsSha256Mechanism(), AuthBadCredentials, false},
		{"scram-sha-512 unknown user", scram.Auth{User: "mallory", Pass: testPassword}.AsSha512Mechanism(), AuthBadCredentials, false},
		{"user without this mechanism", scram.Auth{User: "alice", Pass: testPassword}.AsSha256Mechanism(), AuthBadCredentials, false},
		{"mechanism the broker lacks", oauth.Auth{Token: testPassword}.AsMechanism(), AuthMechanismUnsupported, false},
		{"no SASL against a SASL cluster", nil, AuthMissing, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dialBounded(t, Config{Brokers: brokers, SASL: tt.mechanism})
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				// A request past the handshake proves the session works.
				if _, err := c.Admin().ListBrokers(context.Background()); err != nil {
					t.Fatalf("ListBrokers after SASL: %v", err)
				}
				return
			}
			var authErr *AuthError
			if !errors.As(err, &authErr) {
				t.Fatalf("Dial error = %T %v, want *AuthError", err, err)
			}
			if authErr.Reason != tt.wantReason {
				t.Errorf("Reason = %v, want %v (%v)", authErr.Reason, tt.wantReason, err)
			}
			if !IsConnectionError(err) {
				t.Errorf("IsConnectionError(%v) = false", err)
			}
			msg := err.Error()
			assertOneLineNoSecret(t, msg)
			if tt.mechanism != nil && !strings.Contains(msg, tt.mechanism.Name()) {
				t.Errorf("message %q does not name the mechanism %s", msg, tt.mechanism.Name())
			}
			if !containsAny(msg, brokers) {
				t.Errorf("message %q names no broker of %v", msg, brokers)
			}
		})
	}
}

func TestDialTLS(t *testing.T) {
	serverCA := kafkatest.NewCA(t, "cluster CA")
	otherCA := kafkatest.NewCA(t, "some other CA")
	clientCA := kafkatest.NewCA(t, "client CA")
	serverCert := serverCA.Issue(t, "broker", "127.0.0.1", "localhost")
	clientCert := clientCA.Issue(t, "kgroups-client")
	strangerCert := otherCA.Issue(t, "stranger")

	_, tlsBrokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.TLS(kafkatest.ServerTLS(serverCert, nil)))
	_, mtlsBrokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.TLS(kafkatest.ServerTLS(serverCert, clientCA)))

	trust := func(ca *kafkatest.CA) *tls.Config {
		return &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}
	}
	withCert := func(c *tls.Config, leaf kafkatest.Leaf) *tls.Config {
		c.Certificates = []tls.Certificate{leaf.TLS}
		return c
	}
	withName := func(c *tls.Config, name string) *tls.Config {
		c.ServerName = name
		return c
	}
	tests := []struct {
		name    string
		brokers []string
		tls     *tls.Config
		wantErr string // substring of the TLSError; "" means success
	}{
		{"trusted CA", tlsBrokers, trust(serverCA), ""},
		{"server name override", tlsBrokers, withName(trust(serverCA), "localhost"), ""},
		{"unknown CA", tlsBrokers, trust(otherCA), "unknown authority"},
		{"wrong server name", tlsBrokers, withName(trust(serverCA), "kafka.example.com"), `not valid for host name "kafka.example.com"`},
		{"mtls with client certificate", mtlsBrokers, withCert(trust(serverCA), clientCert), ""},
		{"mtls without client certificate", mtlsBrokers, trust(serverCA), "rejected the TLS handshake"},
		{"mtls with a certificate from another CA", mtlsBrokers, withCert(trust(serverCA), strangerCert), "rejected the TLS handshake"},
		{"plaintext to a TLS listener", tlsBrokers, nil, "may require TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dialBounded(t, Config{Brokers: tt.brokers, TLS: tt.tls})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				if _, err := c.Admin().ListBrokers(context.Background()); err != nil {
					t.Fatalf("ListBrokers over TLS: %v", err)
				}
				return
			}
			var tlsErr *TLSError
			if !errors.As(err, &tlsErr) {
				t.Fatalf("Dial error = %T %v, want *TLSError", err, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("message %q lacks %q", msg, tt.wantErr)
			}
			assertOneLineNoSecret(t, msg)
			if !containsAny(msg, tt.brokers) {
				t.Errorf("message %q names no broker of %v", msg, tt.brokers)
			}
		})
	}
}

// TestDialTLSToPlaintext covers TLS aimed at a plaintext listener: the
// listener takes the ClientHello for the start of a request and waits, so
// the dial can only time out, with a hint at the cause.
func TestDialTLSToPlaintext(t *testing.T) {
	ca := kafkatest.NewCA(t, "cluster CA")
	_, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1))
	_, err := dialBounded(t, Config{Brokers: brokers, Timeout: 500 * time.Millisecond,
		TLS: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}})
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) {
		t.Fatalf("Dial error = %T %v, want *UnreachableError", err, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "TLS is on") || !containsAny(msg, brokers) {
		t.Errorf("message %q should name the broker and hint at TLS", msg)
	}
}

// TestDialTLSWithSASL checks the combination real clusters use (SASL_SSL).
func TestDialTLSWithSASL(t *testing.T) {
	ca := kafkatest.NewCA(t, "cluster CA")
	_, brokers := kafkatest.NewCluster(t,
		kfake.TLS(kafkatest.ServerTLS(ca.Issue(t, "broker", "127.0.0.1"), nil)),
		kfake.EnableSASL(),
		kfake.Superuser("SCRAM-SHA-512", "admin", testPassword),
	)
	tlsCfg := &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}
	if _, err := dialBounded(t, Config{Brokers: brokers, TLS: tlsCfg,
		SASL: scram.Auth{User: "admin", Pass: testPassword}.AsSha512Mechanism()}); err != nil {
		t.Fatalf("Dial: %v", err)
	}
	_, err := dialBounded(t, Config{Brokers: brokers, TLS: tlsCfg,
		SASL: scram.Auth{User: "admin", Pass: "wrong"}.AsSha512Mechanism()})
	var authErr *AuthError
	if !errors.As(err, &authErr) || authErr.Reason != AuthBadCredentials {
		t.Fatalf("Dial with a wrong password over TLS = %v, want bad credentials", err)
	}
}

func TestDialUnreachable(t *testing.T) {
	refused := closedPort(t)
	silent := silentListener(t)
	tests := []struct {
		name    string
		brokers []string
	}{
		{"connection refused", []string{refused}},
		{"accepts but never answers", []string{silent}},
		{"several addresses", []string{refused, silent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dialBounded(t, Config{Brokers: tt.brokers, Timeout: 500 * time.Millisecond})
			var unreachable *UnreachableError
			if !errors.As(err, &unreachable) {
				t.Fatalf("Dial error = %T %v, want *UnreachableError", err, err)
			}
			msg := err.Error()
			for _, b := range tt.brokers {
				if !strings.Contains(msg, b) {
					t.Errorf("message %q does not name %s", msg, b)
				}
			}
			assertOneLineNoSecret(t, msg)
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// silentListener accepts connections and never answers, like a broker
// behind a firewall that swallows packets.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var conns []net.Conn
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range conns {
					c.Close()
				}
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func assertOneLineNoSecret(t *testing.T, msg string) {
	t.Helper()
	if strings.Contains(msg, "\n") {
		t.Errorf("message spans several lines: %q", msg)
	}
	if strings.Contains(msg, testPassword) {
		t.Errorf("message leaks the password: %q", msg)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
