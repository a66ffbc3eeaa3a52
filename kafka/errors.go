package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// AuthError says a broker refused kgroups' SASL authentication: a wrong
// username or password, a mechanism the broker does not enable, or SASL that
// the broker requires but the configuration lacks. It never holds the
// password.
type AuthError struct {
	Broker    string // address of the broker that refused
	Mechanism string // "" when no SASL was configured
	Reason    AuthFailure
	Err       error
}

// AuthFailure says why SASL authentication failed.
type AuthFailure int

const (
	// AuthBadCredentials: the broker rejected the username or password.
	AuthBadCredentials AuthFailure = iota
	// AuthMechanismUnsupported: the broker does not enable the mechanism.
	AuthMechanismUnsupported
	// AuthMissing: the broker closed the connection as soon as an
	// unauthenticated request arrived, as brokers that require SASL do.
	AuthMissing
)

func (e *AuthError) Error() string {
	switch e.Reason {
	case AuthMechanismUnsupported:
		return fmt.Sprintf("SASL authentication failed at %s: the broker does not enable mechanism %s", e.Broker, e.Mechanism)
	case AuthMissing:
		return fmt.Sprintf("SASL authentication failed at %s: the broker closed the connection to an unauthenticated client; it likely requires SASL (configure sasl)", e.Broker)
	default:
		msg := fmt.Sprintf("SASL authentication failed at %s with %s: wrong username or password", e.Broker, e.Mechanism)
		// A real broker explains itself; keep its words, they never hold
		// the password.
		if e.Err != nil && errors.Is(e.Err, kerr.SaslAuthenticationFailed) {
			msg += " (" + oneLine(e.Err.Error()) + ")"
		}
		return msg
	}
}

func (e *AuthError) Unwrap() error { return e.Err }

// TLSError says the TLS handshake with a broker failed, and why in words a
// user can act on (unknown authority, wrong host name, client certificate
// rejected, TLS on one side only).
type TLSError struct {
	Broker string
	Reason string
	Err    error
}

func (e *TLSError) Error() string {
	return fmt.Sprintf("TLS with %s failed: %s", e.Broker, e.Reason)
}

func (e *TLSError) Unwrap() error { return e.Err }

// IsNotAuthorized reports whether err is an ACL denial (topic, group,
// cluster or transactional id authorization failed), the kind of error a
// snapshot keeps per item and shows as "not authorized".
func IsNotAuthorized(err error) bool {
	return errors.Is(err, kerr.TopicAuthorizationFailed) ||
		errors.Is(err, kerr.GroupAuthorizationFailed) ||
		errors.Is(err, kerr.ClusterAuthorizationFailed) ||
		errors.Is(err, kerr.TransactionalIDAuthorizationFailed)
}

// IsConnectionError reports whether err means the cluster could not be
// reached or refused the connection itself (as opposed to one item failing).
// Callers map it to exit status 1.
func IsConnectionError(err error) bool {
	var (
		u *UnreachableError
		a *AuthError
		t *TLSError
	)
	return errors.As(err, &u) || errors.As(err, &a) || errors.As(err, &t)
}

// dialWatch is a kgo hook that remembers why connections failed while Dial
// pinged the cluster: kgo's Ping returns only the last broker's error, and
// for a broker that hangs up mid-SASL that error is a bare EOF. It keeps the
// most recent failures for the life of the client, so that a call can
// explain a request that failed later.
type dialWatch struct {
	mu       sync.Mutex
	failures []connFailure // the most recent ones, oldest first
	recorded int           // failures ever recorded; see mark and since
	// answered is set once a broker answered a request past the
	// connection's setup: from then on a hang-up is a broker going away,
	// not a sign of missing SASL or TLS.
	answered atomic.Bool
}

// connFailure is one failed connection step. Key is the request key that
// failed (-1 while dialing or initialising the connection).
type connFailure struct {
	addr string
	key  int16
	err  error
}

const maxWatchedFailures = 64

var (
	_ kgo.HookBrokerConnect = (*dialWatch)(nil)
	_ kgo.HookBrokerRead    = (*dialWatch)(nil)
	_ kgo.HookBrokerWrite   = (*dialWatch)(nil)
)

func (w *dialWatch) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	w.record(meta, -1, err)
}

func (w *dialWatch) OnBrokerRead(meta kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if err == nil && key != keyAPIVersions && key != keySASLHandshake && key != keySASLAuthenticate && !w.answered.Load() {
		w.answered.Store(true)
	}
	w.record(meta, key, err)
}

func (w *dialWatch) OnBrokerWrite(meta kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	w.record(meta, key, err)
}

func (w *dialWatch) record(meta kgo.BrokerMetadata, key int16, err error) {
	if err == nil || errors.Is(err, kgo.ErrClientClosed) || errors.Is(err, context.Canceled) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.failures) == maxWatchedFailures {
		w.failures = append(w.failures[:0], w.failures[1:]...)
	}
	addr := net.JoinHostPort(meta.Host, strconv.Itoa(int(meta.Port)))
	w.failures = append(w.failures, connFailure{addr: addr, key: key, err: err})
	w.recorded++
}

func (w *dialWatch) snapshot() []connFailure {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]connFailure(nil), w.failures...)
}

// mark returns the position since reports failures from.
func (w *dialWatch) mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.recorded
}

// since returns the failures recorded after mark that are still kept.
func (w *dialWatch) since(mark int) []connFailure {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := min(w.recorded-mark, len(w.failures))
	return append([]connFailure(nil), w.failures[len(w.failures)-n:]...)
}

// Request keys the classification cares about.
const (
	keyMetadata         = 3
	keySASLHandshake    = 17
	keyAPIVersions      = 18
	keySASLAuthenticate = 36
)

// dialError turns the error of a failed Dial into an *AuthError, a *TLSError
// or an *UnreachableError naming the addresses tried. Authentication and TLS
// explanations win over "unreachable" because they say what to fix.
func dialError(cfg Config, w *dialWatch, pingErr error) error {
	var failures []connFailure
	if w != nil {
		failures = w.snapshot()
	}
	for _, f := range failures {
		if err := explain(cfg, f); err != nil {
			return err
		}
	}
	if err := explain(cfg, connFailure{addr: strings.Join(cfg.Brokers, ","), key: -1, err: pingErr}); err != nil {
		return err
	}
	err := pingErr
	if errors.Is(err, context.DeadlineExceeded) {
		hint := ""
		if cfg.TLS != nil {
			// A plaintext listener waits for more bytes of what it takes
			// for a request, so a TLS handshake to it never ends.
			hint = "; TLS is on: a plaintext listener never completes the handshake"
		}
		err = fmt.Errorf("no broker answered within %s%s: %w", cfg.timeout(), hint, err)
	}
	return &UnreachableError{Brokers: cfg.Brokers, Err: err}
}

// explain classifies one failed connection step, or returns nil when it is
// only a failure to reach the broker.
func explain(cfg Config, f connFailure) error {
	mech := ""
	if cfg.SASL != nil {
		mech = cfg.SASL.Name()
	}
	auth := func(r AuthFailure) error {
		return &AuthError{Broker: f.addr, Mechanism: mech, Reason: r, Err: f.err}
	}
	tlsErr := func(reason string) error {
		return &TLSError{Broker: f.addr, Reason: reason, Err: f.err}
	}
	err := f.err

	switch {
	case errors.Is(err, kerr.UnsupportedSaslMechanism):
		return auth(AuthMechanismUnsupported)
	case errors.Is(err, kerr.SaslAuthenticationFailed):
		return auth(AuthBadCredentials)
	case f.key == keySASLHandshake || f.key == keySASLAuthenticate:
		// Brokers that hang up mid-authentication refused the
		// credentials (kfake does this rather than answering with
		// SASL_AUTHENTICATION_FAILED).
		if isHangUp(err) {
			return auth(AuthBadCredentials)
		}
	}

	if reason := tlsReason(cfg, err); reason != "" {
		return tlsErr(reason)
	}

	var firstEOF *kgo.ErrFirstReadEOF
	switch {
	case cfg.TLS != nil && f.key == -1 && errors.As(err, &firstEOF):
		return tlsErr("the broker closed the connection during the TLS handshake; this listener may not use TLS")
	case cfg.TLS == nil && f.key == keyAPIVersions && isHangUp(err):
		return tlsErr("the broker closed the connection before answering; this listener may require TLS (enable tls)")
	case cfg.SASL == nil && f.key == keyMetadata && isHangUp(err):
		return auth(AuthMissing)
	}
	return nil
}

// tlsReason explains a TLS failure, or returns "" when err is not one.
func tlsReason(cfg Config, err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		op        *net.OpError
	)
	switch {
	case errors.As(err, &unknownCA):
		return "the broker's certificate is signed by an unknown authority (set the CA file to the cluster's CA)"
	case errors.As(err, &hostname):
		return fmt.Sprintf("the broker's certificate is not valid for host name %q (%s; set the server name)",
			hostname.Host, certNames(hostname.Certificate))
	case errors.As(err, &invalid):
		return "the broker's certificate is invalid: " + oneLine(invalid.Error())
	case errors.As(err, &record):
		return "the broker did not answer with TLS; this listener may be plaintext"
	case errors.As(err, &op) && op.Op == "remote error":
		reason := "the broker rejected the TLS handshake: " + oneLine(op.Err.Error())
		if cfg.TLS != nil && len(cfg.TLS.Certificates) == 0 && cfg.TLS.GetClientCertificate == nil {
			reason += " (it may require a client certificate)"
		}
		return reason
	}
	var verify *tls.CertificateVerificationError
	if errors.As(err, &verify) {
		return "the broker's certificate could not be verified: " + oneLine(verify.Err.Error())
	}
	return ""
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "no certificate"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		return "it names no hosts"
	}
	return "it is valid for " + strings.Join(names, ", ")
}

// isHangUp reports whether err is the peer closing or resetting the
// connection.
func isHangUp(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
