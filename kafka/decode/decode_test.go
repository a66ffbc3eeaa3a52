package decode

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kgroups/kgroups/model"
)

func avroPayload(t testing.TB, refs []string, schema string, v any) []byte {
	t.Helper()
	var cache avro.SchemaCache
	for _, r := range refs {
		if _, err := cache.Parse(r); err != nil {
			t.Fatal(err)
		}
	}
	s, err := cache.Parse(schema)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func orderValue(note any) map[string]any {
	return map[string]any{
		"id":     "6f1c2a4e-8d1b-4a8e-9d3c-2b7f0e5a9c11",
		"placed": time.UnixMilli(1_714_564_800_123).UTC(),
		"due":    time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC),
		"total":  map[string]any{"amount": big.NewRat(1234505, 100), "currency": "EUR"},
		"note":   note,
		"coupon": nil,
		"items":  []any{"book", "pen"},
		"qty":    map[string]any{"pen": int32(2), "book": int32(1)},
	}
}

func TestAvroWithReferenceUnionAndLogicalTypes(t *testing.T) {
	reg := newTestRegistry(t)
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL()})
	payload := avroPayload(t, []string{moneyAvro}, orderAvro, orderValue("leave at the door"))
	got := d.Bytes(context.Background(), frame(t, reg.orderID, nil, payload))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if got.Format != "avro" || got.Schema == nil || *got.Schema != (model.SchemaRef{ID: reg.orderID, Subject: "orders-value", Version: 1, Type: "avro"}) {
		t.Fatalf("format %q schema %+v", got.Format, got.Schema)
	}
	want := `{"id":"6f1c2a4e-8d1b-4a8e-9d3c-2b7f0e5a9c11","placed":"2024-05-01T12:00:00.123Z","due":"2024-05-31",` +
		`"total":{"amount":"12345.05","currency":"EUR"},"note":"leave at the door","coupon":null,"items":["book","pen"],"qty":{"book":1,"pen":2}}`
	if string(got.Value) != want {
		t.Fatalf("decoded\n %s\nwant\n %s", got.Value, want)
	}
	if l := got.Label(); l != "avro · schema "+itoa(reg.orderID)+" (orders-value v1)" {
		t.Fatalf("label %q", l)
	}
}

// Without logical types, the JSON is the reference encoder's (twmb/avro's
// EncodeJSON, bare unions) for every primitive, union branch and enum.
func TestAvroMatchesReferenceJSON(t *testing.T) {
	reg := newTestRegistry(t)
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL()})
	schema := avro.MustParse(plainAvro)
	for _, tag := range []any{nil, "campaign \x1b[31m<b>", int64(42)} {
		v := map[string]any{"user": "u_001", "count": int64(-7), "score": 0.25, "ok": true, "tag": tag, "kind": "VIEW"}
		payload, err := schema.Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		var back any
		if _, err := schema.Decode(payload, &back); err != nil {
			t.Fatal(err)
		}
		ref, err := schema.EncodeJSON(back)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Bytes(context.Background(), frame(t, reg.plainID, nil, payload))
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		sameJSON(t, got.Value, string(ref))
	}
}

func TestProtobufNestedMessagesAndReferences(t *testing.T) {
	reg := newTestRegistry(t)
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL()})
	cases := []struct {
		name  string
		index []int
		msg   string
		js    string
	}{
		{"first message by the [0] shortcut", []int{0}, "payments.Payment",
			`{"id":"p-1","amount":{"currency":"EUR","cents":"1250"},"card":{"last4":"4242","brand":"VISA"}}`},
		{"nested message", []int{0, 0}, "payments.Payment.Card", `{"last4":"0005","brand":"VISA"}`},
		{"second top-level message", []int{1}, "payments.Refund", `{"paymentId":"p-1","reasons":["late","damaged"]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			payload := protoPayload(t, protoMessage(t, protoreflectName(c.msg)), c.js)
			got := d.Bytes(context.Background(), frame(t, reg.paymentID, c.index, payload))
			if got.Err != nil {
				t.Fatal(got.Err)
			}
			if got.Format != "protobuf" || got.Schema.Subject != "payments-value" || got.Schema.Type != "protobuf" {
				t.Fatalf("format %q schema %+v", got.Format, got.Schema)
			}
			sameJSON(t, got.Value, c.js)
		})
	}
	// The [0] shortcut as a count of zero, which franz-go writes for [0].
	if b := frame(t, reg.paymentID, []int{0}, nil); len(b) != 6 || b[5] != 0 {
		t.Fatalf("franz-go frames [0] as % x, the test assumes the one-byte shortcut", b)
	}
}

func TestJSONSchemaStripsTheHeader(t *testing.T) {
	reg := newTestRegistry(t)
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL()})
	got := d.Bytes(context.Background(), frame(t, reg.eventID, nil, []byte(`{"user":"u_001"}`)))
	if got.Err != nil || got.Format != "json-schema" || string(got.Value) != `{"user":"u_001"}` || got.Schema.ID != reg.eventID {
		t.Fatalf("%+v", got)
	}
}

// failure decodes a framed value with d and returns its error line,
// failing unless the record kept its bytes undecoded.
func failure(t *testing.T, d *Decoder, b []byte) string {
	t.Helper()
	got := d.Bytes(context.Background(), b)
	if got.Err == nil || got.Decoded() {
		t.Fatalf("decoded %+v, want a failure", got)
	}
	if strings.ContainsAny(got.Err.Error(), "\n\r") {
		t.Fatalf("error is not one line: %q", got.Err)
	}
	return got.Err.Error()
}

func TestUnknownSchemaIDAndUnframedMagicZero(t *testing.T) {
	reg := newTestRegistry(t)
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL()})
	msg := failure(t, d, frame(t, 4242, nil, []byte("x")))
	if !strings.Contains(msg, reg.URL()) || !strings.Contains(msg, "no schema 4242") {
		t.Fatalf("unknown id: %q", msg)
	}
	// A value that starts with 0 and names a real schema but is not Avro
	// written with it.
	msg = failure(t, d, append([]byte{0, 0, 0, 0, byte(reg.orderID)}, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"...))
	if !strings.Contains(msg, "does not match") {
		t.Fatalf("unframed: %q", msg)
	}
}

func TestRegistryDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	d := newTestDecoder(t, RegistryOptions{URL: url})
	msg := failure(t, d, frame(t, 1, nil, []byte("x")))
	if !strings.Contains(msg, url) || !strings.Contains(msg, "unreachable") {
		t.Fatalf("down: %q", msg)
	}
}

func TestSlowRegistryTimesOut(t *testing.T) {
	reg := newTestRegistry(t)
	release := make(chan struct{})
	defer close(release)
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	})
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL(), Timeout: 100 * time.Millisecond})
	msg := failure(t, d, frame(t, reg.orderID, nil, []byte("x")))
	if !strings.Contains(msg, "did not answer within 100ms") || !strings.Contains(msg, reg.URL()) {
		t.Fatalf("slow: %q", msg)
	}
}

func TestWrongCredentials(t *testing.T) {
	reg := newTestRegistry(t, srfake.WithAuth("Basic "+basic("kgroups", "right-password")))
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL(), Username: "kgroups", Password: "wrong-password-s3cret"})
	msg := failure(t, d, frame(t, reg.orderID, nil, []byte("x")))
	if !strings.Contains(msg, reg.URL()) || !strings.Contains(msg, "refused the credentials") || strings.Contains(msg, "s3cret") {
		t.Fatalf("401: %q", msg)
	}
	ok := newTestDecoder(t, RegistryOptions{URL: reg.URL(), Username: "kgroups", Password: "right-password"})
	if got := ok.Bytes(context.Background(), frame(t, reg.eventID, nil, []byte(`{}`))); got.Err != nil {
		t.Fatalf("right credentials: %v", got.Err)
	}
}

// One registry fetch per schema id however many records, concurrent ones
// included, and one for an unknown id while its failure is remembered.
func TestOneFetchPerSchemaID(t *testing.T) {
	reg := newTestRegistry(t)
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL(), Now: clock, FailureTTL: 30 * time.Second})
	payload := frame(t, reg.plainID, nil, avroPayload(t, nil, plainAvro,
		map[string]any{"user": "u", "count": int64(1), "score": 1.0, "ok": false, "tag": nil, "kind": "CLICK"}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if got := d.Bytes(context.Background(), payload); got.Err != nil {
					t.Error(got.Err)
					return
				}
			}
		})
	}
	wg.Wait()
	perID := reg.requests.Load()
	if perID == 0 || perID > 2 { // the schema, and its subject and version
		t.Fatalf("%d registry requests for one schema id decoded 8,000 times", perID)
	}

	unknown := frame(t, 999, nil, []byte("x"))
	for range 10_000 {
		d.Bytes(context.Background(), unknown)
	}
	if n := reg.requests.Load() - perID; n != 1 {
		t.Fatalf("%d registry requests for 10,000 records with one unknown id", n)
	}
	mu.Lock()
	now = now.Add(31 * time.Second)
	mu.Unlock()
	d.Bytes(context.Background(), unknown)
	if n := reg.requests.Load() - perID; n != 2 {
		t.Fatalf("after the failure expired: %d requests, want 2", n)
	}
}

func compressWith(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch name {
	case "gzip":
		w := gzip.NewWriter(&buf)
		w.Write(data)
		w.Close()
	case "zstd":
		w, _ := zstd.NewWriter(&buf)
		w.Write(data)
		w.Close()
	case "lz4":
		w := lz4.NewWriter(&buf)
		w.Write(data)
		w.Close()
	case "snappy":
		w := s2.NewWriter(&buf, s2.WriterSnappyCompat())
		w.Write(data)
		w.Close()
	}
	return buf.Bytes()
}

func TestCompressedValues(t *testing.T) {
	d := New(Auto, nil)
	for _, codec := range []string{"gzip", "zstd", "lz4", "snappy"} {
		t.Run(codec, func(t *testing.T) {
			got := d.Bytes(context.Background(), compressWith(t, codec, []byte(`{"order":17,"note":"\u001b[2J"}`)))
			if got.Err != nil || got.Format != codec+"+json" || string(got.Value) != `{"order":17,"note":"\u001b[2J"}` {
				t.Fatalf("%+v (%s)", got, got.Value)
			}
			if got.Label() != codec+" → json" || !got.Decoded() {
				t.Fatalf("label %q", got.Label())
			}
			got = d.Bytes(context.Background(), compressWith(t, codec, []byte("plain log line")))
			if got.Format != codec+"+text" || string(got.Value) != `"plain log line"` {
				t.Fatalf("%+v (%s)", got, got.Value)
			}
		})
	}
}

func TestDecompressionBombRefused(t *testing.T) {
	d := New(Auto, nil)
	for _, codec := range []string{"gzip", "zstd", "lz4", "snappy"} {
		t.Run(codec, func(t *testing.T) {
			bomb := compressWith(t, codec, make([]byte, 64<<20))
			got := d.Bytes(context.Background(), bomb)
			if got.Err == nil || got.Decoded() || !strings.Contains(got.Err.Error(), "refused") {
				t.Fatalf("a %d-byte %s bomb of 64 MiB: format %q, %d bytes out, error %v", len(bomb), codec, got.Format, len(got.Value), got.Err)
			}
			// Within the ratio but past the 16 MiB cap.
			if len(bomb)*MaxRatio > MaxDecompressed && !strings.Contains(got.Err.Error(), "16 MiB") {
				t.Fatalf("%q", got.Err)
			}
		})
	}
	got := d.Bytes(context.Background(), []byte{0x1f, 0x8b, 1, 2, 3})
	if got.Err == nil || !strings.Contains(got.Err.Error(), "gzip: corrupt") {
		t.Fatalf("corrupt gzip: %+v", got)
	}
}

func TestPlainAndRawValuesUntouched(t *testing.T) {
	reg := newTestRegistry(t)
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL()})
	for _, v := range [][]byte{nil, {}, []byte(`{"a":1}`), []byte("text"), {0xff, 0x00}, {0, 1, 2}} {
		if got := d.Bytes(context.Background(), v); got.Decoded() || got.Err != nil {
			t.Fatalf("%q: %+v", v, got)
		}
	}
	raw := New(Raw, nil)
	gz := compressWith(t, "gzip", []byte(`{}`))
	if got := raw.Bytes(context.Background(), gz); got.Decoded() || got.Err != nil {
		t.Fatalf("raw mode decoded %+v", got)
	}
	// Without a registry, a value that merely starts with 0 stays as it is.
	if got := New(Auto, nil).Bytes(context.Background(), frame(t, 1, nil, []byte("x"))); got.Decoded() || got.Err != nil {
		t.Fatalf("no registry: %+v", got)
	}
}

func TestCallerCancelDoesNotWaitForTheRegistry(t *testing.T) {
	reg := newTestRegistry(t)
	release := make(chan struct{})
	defer close(release)
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	})
	d := newTestDecoder(t, RegistryOptions{URL: reg.URL(), Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := d.Bytes(ctx, frame(t, reg.orderID, nil, []byte("x")))
	if !errors.Is(got.Err, context.Canceled) {
		t.Fatalf("%+v", got)
	}
}

// TestUnwrappedDecodesWhatBytesDecodes: Unwrapped decodes framed and
// compressed values as Bytes does, and leaves plain ones unclassified,
// with no Format.
func TestUnwrappedDecodesWhatBytesDecodes(t *testing.T) {
	d := New(Auto, nil)
	for _, v := range [][]byte{
		compressWith(t, "gzip", []byte(`{"a":1}`)),
		compressWith(t, "zstd", []byte("plain log line")),
		{0x1f, 0x8b, 1, 2, 3}, // corrupt gzip
	} {
		got, want := d.Unwrapped(context.Background(), v), d.Bytes(context.Background(), v)
		if got.Format != want.Format || string(got.Value) != string(want.Value) || fmt.Sprint(got.Err) != fmt.Sprint(want.Err) {
			t.Errorf("%q: Unwrapped %+v, Bytes %+v", v, got, want)
		}
	}
	for _, v := range [][]byte{nil, []byte(`{"a":1}`), []byte("text"), {0xff, 0x00}, {0, 1, 2, 3, 4, 5}} {
		if got := d.Unwrapped(context.Background(), v); got.Decoded() || got.Format != "" || got.Err != nil {
			t.Errorf("plain %q: %+v, want nothing", v, got)
		}
	}
	var none *Decoder
	if got := none.Unwrapped(context.Background(), []byte(`{}`)); got.Format != "" {
		t.Errorf("nil decoder: %+v", got)
	}
}
