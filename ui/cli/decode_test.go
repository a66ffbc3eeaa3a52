package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kgroups/kgroups/model"
)

const hostileAvro = `{"type":"record","name":"Note","fields":[
	{"name":"text","type":"string"},
	{"name":"by","type":["null","string"],"default":null}]}`

// hostile is what a producer may put inside an Avro string: a screen clear,
// a window-title change, a bell, a bidi override.
const hostile = "\x1b[2J\x1b]0;owned\x07 \u202eevil"

// decodeFixture is a kfake cluster and a srfake registry with one topic of
// records: plain JSON, Avro with hostile strings, a value framed with an
// unknown schema id, and a gzip-compressed JSON value.
func decodeFixture(t *testing.T) (brokers, registry string, plain model.Record) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "notes"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	reg := srfake.New()
	t.Cleanup(reg.Close)
	id, _, err := reg.RegisterSchema("notes-value", sr.Schema{Schema: hostileAvro})
	if err != nil {
		t.Fatal(err)
	}
	var h sr.ConfluentHeader
	avroValue, _ := h.AppendEncode(nil, id, nil)
	avroValue, err = avro.MustParse(hostileAvro).AppendEncode(avroValue, map[string]any{"text": hostile, "by": "mallory\x1b[31m"})
	if err != nil {
		t.Fatal(err)
	}
	unknown, _ := h.AppendEncode(nil, 4242, nil)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"compressed":true}`))
	zw.Close()

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("notes"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ts := time.Date(2025, 1, 15, 8, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, v := range [][]byte{[]byte(`{"plain":1}`), avroValue, append(unknown, 1, 2, 3), gz.Bytes()} {
		r := &kgo.Record{Key: []byte("k" + strconv.Itoa(i)), Value: v, Timestamp: ts}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	plain = model.Record{Topic: "notes", Offset: 0, Timestamp: ts, Key: []byte("k0"), Value: []byte(`{"plain":1}`)}
	return strings.Join(c.ListenAddrs(), ","), reg.URL(), plain
}

func TestConsumeDecodesThroughTheSchemaRegistry(t *testing.T) {
	brokers, registry, plain := decodeFixture(t)
	r := kgroups(t, "consume", "--brokers", brokers, "--schema-registry", registry, "--topic", "notes", "-n", "4", "--peek", "-o", "jsonl")
	mustSucceed(t, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), r.stdout)
	}
	// A plain record prints exactly as before decoding existed.
	if want, _ := model.EncodeRecordJSON(plain); lines[0] != string(want) {
		t.Errorf("plain record\n got %s\nwant %s", lines[0], want)
	}
	var avroLine struct {
		Value       map[string]any `json:"value"`
		ValueFormat string         `json:"value_format"`
		ValueSchema map[string]any `json:"value_schema"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &avroLine); err != nil {
		t.Fatal(err)
	}
	if avroLine.Value["text"] != hostile || avroLine.Value["by"] != "mallory\x1b[31m" || avroLine.ValueFormat != "avro" ||
		avroLine.ValueSchema["subject"] != "notes-value" || avroLine.ValueSchema["version"] != 1.0 || avroLine.ValueSchema["type"] != "avro" {
		t.Errorf("avro record: %s", lines[1])
	}
	if !strings.Contains(lines[2], `"value_error":"schema registry `+registry+` has no schema 4242`) || !strings.Contains(lines[2], `"value_encoding":"base64"`) {
		t.Errorf("unknown schema id: %s", lines[2])
	}
	if !strings.Contains(lines[3], `"value":{"compressed":true}`) || !strings.Contains(lines[3], `"value_format":"gzip+json","value_schema":null`) {
		t.Errorf("gzip record: %s", lines[3])
	}

	// --decode raw prints the bytes, as before.
	raw := kgroups(t, "consume", "--brokers", brokers, "--schema-registry", registry, "--decode", "raw", "--topic", "notes", "-n", "4", "--peek", "-o", "jsonl")
	mustSucceed(t, raw)
	if strings.Contains(raw.stdout, "value_format") || strings.Contains(raw.stdout, "value_error") {
		t.Errorf("--decode raw decoded:\n%s", raw.stdout)
	}
	// The environment names the registry too.
	t.Setenv("KGROUPS_SCHEMA_REGISTRY", registry)
	env := kgroups(t, "consume", "--brokers", brokers, "--topic", "notes", "-n", "2", "--peek", "-o", "jsonl")
	mustSucceed(t, env)
	if !strings.Contains(env.stdout, `"value_format":"avro"`) {
		t.Errorf("KGROUPS_SCHEMA_REGISTRY ignored:\n%s", env.stdout)
	}
}

// Hostile strings inside a decoded Avro value reach the terminal inert.
func TestPrettyDecodedValueIsSanitized(t *testing.T) {
	brokers, registry, _ := decodeFixture(t)
	r := kgroups(t, "consume", "--brokers", brokers, "--schema-registry", registry, "--topic", "notes", "-n", "4", "--peek", "-o", "pretty")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07\u202e") {
		t.Fatalf("raw control characters reach the terminal:\n%q", r.stdout)
	}
	for _, want := range []string{
		"value: avro · schema 1 (notes-value v1) · ",
		`"text": "\u001b[2J\u001b]0;owned\u0007 \u202eevil"`,
		"! schema registry " + registry + " has no schema 4242",
		"value: gzip → json · ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("pretty output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestTUIDecodesLikeConsume: the terminal UI gets the decoder consume
// uses: --schema-registry (or its environment variable) decodes framed
// values, --decode raw shows bytes, and --demo wires the demo's registry.
func TestTUIDecodesLikeConsume(t *testing.T) {
	brokers, registry, _ := decodeFixture(t)
	var h sr.ConfluentHeader
	framed, _ := h.AppendEncode(nil, 1, nil)
	framed, err := avro.MustParse(hostileAvro).AppendEncode(framed, map[string]any{"text": "hi", "by": nil})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"schema registry", []string{"--brokers", brokers, "--schema-registry", registry}, "avro"},
		{"raw", []string{"--brokers", brokers, "--schema-registry", registry, "--decode", "raw"}, "bytes"},
		{"none", []string{"--brokers", brokers}, "bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := resolveSettings(parsedCommand(t, tt.args...))
			if err != nil {
				t.Fatal(err)
			}
			a := &app{now: time.Now}
			conn, err := a.prepare(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			d, err := tuiDeps(conn, a)
			if err != nil {
				t.Fatal(err)
			}
			got := d.Decoder.Bytes(context.Background(), framed)
			if got.Format != tt.want || tt.want == "avro" && string(got.Value) != `{"text":"hi","by":null}` {
				t.Errorf("the TUI decodes a framed value as %q %s (err %v), want %s", got.Format, got.Value, got.Err, tt.want)
			}
		})
	}
}
