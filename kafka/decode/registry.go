package decode

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kgroups/kgroups/model"
)

// Defaults for RegistryOptions.
const (
	DefaultRegistryTimeout = 5 * time.Second
	DefaultFailureTTL      = 30 * time.Second
)

// maxReferenceDepth bounds how deep schema references are followed.
const maxReferenceDepth = 16

// RegistryOptions say how to reach a Confluent-compatible schema registry.
type RegistryOptions struct {
	URL         string
	Username    string // basic auth, with Password
	Password    string
	BearerToken string
	TLS         *tls.Config // nil: the system's defaults
	// Timeout bounds every fetch of one schema id, references included.
	// Zero: DefaultRegistryTimeout.
	Timeout time.Duration
	// FailureTTL is how long a failed fetch is remembered before the id is
	// asked for again. Zero: DefaultFailureTTL.
	FailureTTL time.Duration
	// Now is the clock for FailureTTL; nil means time.Now.
	Now func() time.Time
}

// Registry fetches schemas by id, compiles them once and remembers them
// for the life of the process; concurrent requests for one id share one
// fetch. It is safe for concurrent use.
type Registry struct {
	url    string
	client *sr.Client
	opt    RegistryOptions

	mu      sync.Mutex
	schemas map[int]*schemaEntry
}

// schemaEntry is one schema id's fetch: done closes when it has finished.
type schemaEntry struct {
	done     chan struct{}
	schema   *compiledSchema
	err      error
	finished time.Time
}

// compiledSchema is a schema ready to decode with.
type compiledSchema struct {
	ref   model.SchemaRef
	avro  *avroCodec
	proto *protoCodec
}

// NewRegistry returns a Registry for opt. It does not contact the registry.
func NewRegistry(opt RegistryOptions) (*Registry, error) {
	if opt.URL == "" {
		return nil, errors.New("schema registry: no URL")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultRegistryTimeout
	}
	if opt.FailureTTL <= 0 {
		opt.FailureTTL = DefaultFailureTTL
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = opt.TLS
	copts := []sr.ClientOpt{
		sr.URLs(opt.URL),
		sr.HTTPClient(&http.Client{Transport: transport, Timeout: opt.Timeout}),
		sr.UserAgent("kgroups"),
	}
	if opt.TLS != nil {
		copts = append(copts, sr.DialTLSConfig(opt.TLS))
	}
	switch {
	case opt.BearerToken != "":
		copts = append(copts, sr.BearerToken(opt.BearerToken))
	case opt.Username != "" || opt.Password != "":
		copts = append(copts, sr.BasicAuth(opt.Username, opt.Password))
	}
	cl, err := sr.NewClient(copts...)
	if err != nil {
		return nil, fmt.Errorf("schema registry %s: %v", opt.URL, err)
	}
	return &Registry{url: opt.URL, client: cl, opt: opt, schemas: map[int]*schemaEntry{}}, nil
}

// URL is the registry's address, for messages.
func (r *Registry) URL() string { return r.url }

// schema returns schema id, fetching and compiling it unless it is known;
// a failure is returned again without asking until FailureTTL has passed.
func (r *Registry) schema(ctx context.Context, id int) (*compiledSchema, error) {
	r.mu.Lock()
	e := r.schemas[id]
	if e != nil && e.err != nil && isDone(e.done) && r.opt.Now().Sub(e.finished) >= r.opt.FailureTTL {
		e = nil // a remembered failure expired: ask again
	}
	if e == nil {
		e = &schemaEntry{done: make(chan struct{})}
		r.schemas[id] = e
		// The fetch outlives the caller that started it (others may wait
		// on it) but never its timeout.
		go r.fetch(id, e)
	}
	r.mu.Unlock()
	select {
	case <-e.done:
		return e.schema, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func isDone(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// fetch fetches and compiles schema id into e.
func (r *Registry) fetch(id int, e *schemaEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), r.opt.Timeout)
	defer cancel()
	s, err := r.compile(ctx, id)
	if err != nil {
		err = r.describe(err, id)
	}
	r.mu.Lock()
	e.schema, e.err, e.finished = s, err, r.opt.Now()
	r.mu.Unlock()
	close(e.done)
}

// compile fetches schema id, its subject and version and its references,
// and compiles them.
func (r *Registry) compile(ctx context.Context, id int) (*compiledSchema, error) {
	s, err := r.client.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ref := model.SchemaRef{ID: id, Type: schemaType(s.Type)}
	// Subject and version are for people; a registry that cannot say still
	// decodes.
	if versions, err := r.client.SchemaVersionsByID(ctx, id); err == nil && len(versions) > 0 {
		ref.Subject, ref.Version = versions[0].Subject, versions[0].Version
	}
	refs, err := r.references(ctx, s.References, nil, map[string]bool{}, 0)
	if err != nil {
		return nil, err
	}
	out := &compiledSchema{ref: ref}
	switch s.Type {
	case sr.TypeAvro:
		texts := make([]string, len(refs))
		for i, rs := range refs {
			texts[i] = rs.Schema.Schema
		}
		out.avro, err = newAvroCodec(texts, s.Schema)
	case sr.TypeProtobuf:
		files := make(map[string]string, len(refs))
		for _, rs := range refs {
			files[rs.name] = rs.Schema.Schema
		}
		out.proto, err = newProtoCodec(ctx, files, s.Schema)
	case sr.TypeJSON:
	default:
		err = fmt.Errorf("schema type %q not supported", s.Type)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// namedSchema is a referenced schema and the name it is referenced by.
type namedSchema struct {
	name string
	sr.SubjectSchema
}

// references appends the schemas refs name to into, depth first, so each
// comes after the schemas it references itself.
func (r *Registry) references(ctx context.Context, refs []sr.SchemaReference, into []namedSchema, seen map[string]bool, depth int) ([]namedSchema, error) {
	if depth > maxReferenceDepth {
		return nil, fmt.Errorf("schema references nested deeper than %d", maxReferenceDepth)
	}
	for _, ref := range refs {
		key := fmt.Sprintf("%s\x00%d", ref.Subject, ref.Version)
		if seen[key] {
			continue
		}
		seen[key] = true
		s, err := r.client.SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return nil, fmt.Errorf("reference %s (%s v%d): %w", ref.Name, ref.Subject, ref.Version, err)
		}
		if into, err = r.references(ctx, s.References, into, seen, depth+1); err != nil {
			return nil, err
		}
		into = append(into, namedSchema{name: ref.Name, SubjectSchema: s})
	}
	return into, nil
}

// describe turns a fetch failure into one line naming the registry (never
// its credentials) and the id.
func (r *Registry) describe(err error, id int) error {
	var re *sr.ResponseError
	var op *net.OpError
	switch {
	case errors.As(err, &re) && (re.StatusCode == http.StatusUnauthorized || re.StatusCode == http.StatusForbidden):
		return fmt.Errorf("schema registry %s refused the credentials (HTTP %d) fetching schema %d", r.url, re.StatusCode, id)
	case errors.As(err, &re) && re.StatusCode == http.StatusNotFound:
		return fmt.Errorf("schema registry %s has no schema %d (is the value really schema-registry framed?)", r.url, id)
	case errors.As(err, &re):
		return fmt.Errorf("schema registry %s: HTTP %d fetching schema %d: %s", r.url, re.StatusCode, id, oneLine(re.Message))
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("schema registry %s did not answer within %s fetching schema %d", r.url, r.opt.Timeout, id)
	case errors.As(err, &op):
		return fmt.Errorf("schema registry %s unreachable fetching schema %d: %s", r.url, id, oneLine(op.Err.Error()))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("schema registry %s answered schema %d with something that is not JSON", r.url, id)
	}
	return fmt.Errorf("schema %d from %s: %s", id, r.url, oneLine(err.Error()))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// oneLine keeps the first line of s.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

func schemaType(t sr.SchemaType) string {
	switch t {
	case sr.TypeProtobuf:
		return "protobuf"
	case sr.TypeJSON:
		return "json-schema"
	}
	return "avro"
}

// decode decodes a framed payload written with schema id.
func (r *Registry) decode(ctx context.Context, id int, payload []byte) model.Decoded {
	s, err := r.schema(ctx, id)
	if err != nil {
		return model.Decoded{Err: err}
	}
	ref := s.ref
	dec := model.Decoded{Format: ref.Type, Schema: &ref}
	switch {
	case s.avro != nil:
		dec.Value, err = s.avro.decode(payload)
	case s.proto != nil:
		dec.Value, err = s.proto.decode(payload)
	default:
		if json.Valid(payload) {
			dec.Value = payload
		} else {
			err = errors.New("json-schema payload is not valid JSON")
		}
	}
	if err != nil {
		return model.Decoded{Format: ref.Type, Schema: &ref, Err: fmt.Errorf("schema %d: %v", id, err)}
	}
	return dec
}
