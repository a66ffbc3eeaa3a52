package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
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
		{"unknown CA", tlsBrokers, trust(otherCA), "certificate is signed by an unknown authority"},
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

// TestSnapshotACLs runs a snapshot as a user that may see some groups and
// topics and not others: the allowed items show in full, the denied ones
// carry a "not authorized" error, and nothing fails as a whole.
func TestSnapshotACLs(t *testing.T) {
	allow := func(rt kmsg.ACLResourceType, name string, op kmsg.ACLOperation) kfake.ACL {
		return kfake.ACL{Resource: rt, Name: name, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true}
	}
	kc, brokers := kafkatest.NewCluster(t,
		kfake.NumBrokers(1),
		kfake.SeedTopics(2, "orders", "payments", "secret"),
		kfake.EnableSASL(),
		kfake.EnableACLs(),
		kfake.Superuser("SCRAM-SHA-256", "admin", "admin-pass"),
		kfake.User("SCRAM-SHA-256", "viewer", testPassword,
			allow(kmsg.ACLResourceTypeCluster, "kafka-cluster", kmsg.ACLOperationDescribe),
			allow(kmsg.ACLResourceTypeTopic, "orders", kmsg.ACLOperationRead),
			allow(kmsg.ACLResourceTypeTopic, "payments", kmsg.ACLOperationDescribe), // offsets, not records
			allow(kmsg.ACLResourceTypeGroup, "svc-orders", kmsg.ACLOperationDescribe),
			allow(kmsg.ACLResourceTypeGroup, "svc-payments", kmsg.ACLOperationDescribe),
			allow(kmsg.ACLResourceTypeGroup, "svc-secret", kmsg.ACLOperationDescribe),
		),
	)
	admin := scram.Auth{User: "admin", Pass: "admin-pass"}.AsSha256Mechanism()
	adminCl := kafkatest.Client(t, brokers, kgo.SASL(admin), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	var recs []*kgo.Record
	for _, topic := range []string{"orders", "payments", "secret"} {
		for p := range int32(2) {
			for i := range 10 {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: fmt.Append(nil, i)})
			}
		}
	}
	if err := adminCl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	adm := kadm.NewClient(adminCl)
	commits := map[string]string{
		"svc-orders":          "orders",
		"svc-orders-audit":    "orders", // the viewer may not describe this group
		"svc-payments":        "payments",
		"svc-secret":          "secret", // a visible group on a hidden topic
		"svc-orders-snapshot": "orders", // also denied
	}
	for group, topic := range commits {
		var offs kadm.Offsets
		offs.AddOffset(topic, 0, 4, -1)
		offs.AddOffset(topic, 1, 4, -1)
		if err := adm.CommitAllOffsets(context.Background(), group, offs); err != nil {
			t.Fatalf("commit %s: %v", group, err)
		}
	}

	// kfake filters ListGroups by group ACLs alone; Kafka lists every group
	// to a principal allowed to describe the cluster, as the viewer is.
	// Answer ListGroups the way Kafka would, from the admin's view.
	all, err := adm.ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	kc.ControlKey(int16(kmsg.ListGroups), func(req kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		resp := req.(*kmsg.ListGroupsRequest).ResponseKind().(*kmsg.ListGroupsResponse)
		for _, g := range all.Sorted() {
			lg := kmsg.NewListGroupsResponseGroup()
			lg.Group, lg.ProtocolType, lg.GroupState, lg.GroupType = g.Group, g.ProtocolType, g.State, g.GroupType
			resp.Groups = append(resp.Groups, lg)
		}
		return resp, nil, true
	})

	c, err := dialBounded(t, Config{Brokers: brokers,
		SASL: scram.Auth{User: "viewer", Pass: testPassword}.AsSha256Mechanism()})
	if err != nil {
		t.Fatalf("Dial as viewer: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	snap, err := c.Snapshot(ctx, "svc", SnapshotOptions{})
	if err != nil {
		t.Fatalf("Snapshot as viewer failed as a whole: %v", err)
	}

	var topics []string
	for _, tp := range snap.Topics {
		topics = append(topics, tp.Name)
	}
	if !slices.Contains(topics, "orders") || !slices.Contains(topics, "payments") || slices.Contains(topics, "secret") {
		t.Errorf("topics = %v, want orders and payments but not secret (hidden by ACLs, as in Kafka)", topics)
	}

	groups := map[string]model.Group{}
	for _, g := range snap.Groups {
		groups[g.ID] = g
	}
	for _, id := range []string{"svc-orders", "svc-payments"} {
		g, ok := groups[id]
		if !ok {
			t.Errorf("allowed group %s missing; groups = %v", id, slices.Collect(maps.Keys(groups)))
			continue
		}
		if g.Err != nil || g.Lag != 12 {
			t.Errorf("allowed group %s: lag %d err %v, want lag 12 and no error", id, g.Lag, g.Err)
		}
	}
	for _, id := range []string{"svc-orders-audit", "svc-orders-snapshot"} {
		g, ok := groups[id]
		if !ok {
			t.Errorf("denied group %s is missing: it should show as not authorized", id)
			continue
		}
		if !IsNotAuthorized(g.Err) || !errors.Is(g.Err, kerr.GroupAuthorizationFailed) {
			t.Errorf("denied group %s: Err = %v, want GROUP_AUTHORIZATION_FAILED", id, g.Err)
		}
		if g.Lag != 0 {
			t.Errorf("denied group %s shows lag %d it cannot know", id, g.Lag)
		}
		if !hasItemError(snap.Errors, id, IsNotAuthorized) {
			t.Errorf("snapshot errors %v lack a not-authorized entry for %s", snap.Errors, id)
		}
	}
	// The payments records may not be read: offsets and lag still show, the
	// timestamps carry the denial.
	if !hasItemError(snap.Errors, "payments", IsNotAuthorized) {
		t.Errorf("snapshot errors %v lack a not-authorized entry for topic payments' records", snap.Errors)
	}
	if g := groups["svc-orders"]; len(g.Partitions) == 2 && g.Partitions[0].OldestUnconsumed.IsZero() {
		t.Errorf("svc-orders lost its oldest-unconsumed timestamp: %+v", g.Partitions[0])
	}
	// A group whose topic the viewer cannot see is not silently dropped.
	if _, ok := groups["svc-secret"]; !ok && !slices.Contains(snap.Unmatched, "svc-secret") {
		t.Errorf("svc-secret vanished: neither in groups nor unmatched (%v)", snap.Unmatched)
	}
	for _, e := range snap.Errors {
		assertOneLineNoSecret(t, e.Error())
	}
}

func hasItemError(errs []model.ItemError, name string, is func(error) bool) bool {
	return slices.ContainsFunc(errs, func(e model.ItemError) bool { return e.Name == name && is(e.Err) })
}
