package tui

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

const (
	noteAvro = `{"type":"record","name":"Note","fields":[
	{"name":"text","type":"string"},
	{"name":"by","type":["null","string"],"default":null}]}`
	noteProto = `syntax = "proto3";
package notes;
message Card {
  string text = 1;
  Brand brand = 2;
  message Brand { string name = 1; }
}
`
	// hostileString is what a producer may put inside a schema's string: a
	// screen clear, a window title, a bell, a C1 CSI, a bidi override.
	hostileString = "\x1b[2J\x1b]0;owned\x07 \u009b31m \u202eevil"
)

// decodeCluster is a kfake cluster whose topic "notes" holds, in order on
// its one partition: an Avro record, a Protobuf record with a nested
// message (both with hostile strings), a value framed with an unknown
// schema id, a gzip-compressed JSON value, gzip-compressed hostile text,
// and plain JSON. registry is the srfake registry's URL.
func decodeCluster(t *testing.T) (cl *kafka.Cluster, registry string) {
	t.Helper()
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(1, "notes"))
	values, registry := noteValues(t)
	produce(t, brokers, "notes", values...)
	return connect(t, kafka.Config{Brokers: brokers}), registry
}

// noteValues are the values of decodeCluster's topic, in order, framed by
// the srfake registry at registry.
func noteValues(t *testing.T) (values [][]byte, registry string) {
	t.Helper()
	reg := srfake.New()
	t.Cleanup(reg.Close)
	avroID, _, err := reg.RegisterSchema("notes-value", sr.Schema{Schema: noteAvro})
	if err != nil {
		t.Fatal(err)
	}
	protoID, _, err := reg.RegisterSchema("cards-value", sr.Schema{Schema: noteProto, Type: sr.TypeProtobuf})
	if err != nil {
		t.Fatal(err)
	}
	var h sr.ConfluentHeader
	avroValue, _ := h.AppendEncode(nil, avroID, nil)
	avroValue, err = avro.MustParse(noteAvro).AppendEncode(avroValue, map[string]any{"text": hostileString, "by": "mallory"})
	if err != nil {
		t.Fatal(err)
	}
	protoValue, _ := h.AppendEncode(nil, protoID, []int{0})
	protoValue = appendProtoString(protoValue, 1, hostileString)
	protoValue = append(protoValue, 2<<3|2, byte(len("VISA")+2))
	protoValue = appendProtoString(protoValue, 1, "VISA")
	unknown, _ := h.AppendEncode(nil, 4242, nil)
	unknown = append(unknown, 2, 'x')

	return [][]byte{
		avroValue, protoValue, unknown,
		gzipped(t, `{"compressed":true}`), gzipped(t, "log "+hostileString),
		[]byte(`{"plain":true}`),
	}, reg.URL()
}

func appendProtoString(b []byte, field int, s string) []byte {
	b = append(b, byte(field<<3|2), byte(len(s)))
	return append(b, s...)
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// produce writes values to partition 0 of topic, in order, keyed k0, k1, ….
func produce(t *testing.T, brokers []string, topic string, values ...[]byte) {
	t.Helper()
	pc, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var recs []*kgo.Record
	for i, v := range values {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 0, Key: []byte{'k', byte('0' + i)}, Value: v})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pc.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// registryDecoder is the decoder the CLI builds for a registry at url.
func registryDecoder(t *testing.T, opt decode.RegistryOptions) *decode.Decoder {
	t.Helper()
	reg, err := decode.NewRegistry(opt)
	if err != nil {
		t.Fatal(err)
	}
	return decode.New(decode.Auto, reg)
}

// peekNotes peeks every record of "notes" through the model, as the peek
// form does, and hands the model the result.
func peekNotes(t *testing.T, m Model) Model {
	t.Helper()
	tg := target{Group: model.GroupName{Base: "svc", Topic: "notes"}}
	m, cmd := startPeek(m, tg, kafka.PeekRequest{Topic: "notes", Group: tg.ID(), From: kafka.PeekEarliest, Max: 100})
	msgs := make(chan tea.Msg, 16)
	runAll(cmd, msgs)
	got := awaitMsg[batchMsg](t, msgs, 30*time.Second, "the peek's batch")
	if got.err != nil {
		t.Fatalf("peek: %v", got.err)
	}
	m, _ = update(m, got)
	return m
}

// detailText is the detail pane of the selected record, unstyled.
func detailText(m Model) string {
	return anySGR.ReplaceAllString(strings.Join(m.batchPage().detail.lines, "\n"), "")
}

// TestDecodedRecordsInTheTUI peeks records framed by a schema registry or
// compressed by their producer: the detail pane shows each decoded, under
// a line naming its format, schema and size; v shows the raw hex and back;
// a value that cannot be decoded shows raw with the reason.
func TestDecodedRecordsInTheTUI(t *testing.T) {
	cl, url := decodeCluster(t)
	m := sized(New(Deps{Cluster: cl, Base: "svc", Now: nowFixed, Decoder: registryDecoder(t, decode.RegistryOptions{URL: url})}), 160, 50)
	defer m.Close()
	m = peekNotes(t, m)
	if n := len(m.batchPage().records); n != 6 {
		t.Fatalf("peeked %d records, want 6", n)
	}
	tests := []struct {
		name string
		want []string
	}{
		{"avro", []string{"avro · schema 1 (notes-value v1) · ", " B · view decoded (v changes)", `"text": "\u001b[2J`, `"by": "mallory"`}},
		{"protobuf", []string{"protobuf · schema 2 (cards-value v1) · ", `"brand": {`, `"name": "VISA"`}},
		{"unknown schema", []string{"binary · 7 B · view auto", "! not decoded: schema registry " + url + " has no schema 4242", "00 00 00 10 92 02 78"}},
		{"gzip json", []string{"gzip → json · ", `"compressed": true`}},
		{"gzip text", []string{"gzip → text · ", `log \x1b[2J`}},
		{"plain json", []string{"json · 14 B · view auto", `"plain": true`}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			detail := detailText(m)
			for _, w := range tt.want {
				if !strings.Contains(detail, w) {
					t.Errorf("record %d: the detail pane lacks %q:\n%s", i, w, detail)
				}
			}
			checkInert(t, m.View(), true)
		})
		m = press(m, "down")
	}

	// v on a decoded value: raw hex, then decoded again (text is skipped:
	// the schema's binary encoding is no text).
	m = press(m, "home")
	m, cmd := update(m, keyMsg("v"))
	if d := detailText(m); !strings.Contains(d, "view raw hex") || !strings.Contains(d, "00 00 00 00 01") {
		t.Errorf("v did not show the raw hex:\n%s", d)
	}
	if !hasStatus(cmd, widget.LevelInfo, "raw hex") {
		t.Errorf("v said %+v", statusOf(cmd))
	}
	m = press(m, "v")
	if d := detailText(m); !strings.Contains(d, "view decoded") || !strings.Contains(d, `"by": "mallory"`) {
		t.Errorf("v twice did not come back to the decoded value:\n%s", d)
	}

	// A search finds what only the decoded value holds.
	m = typeText(press(m, "/"), "compressed")
	m, cmd = update(m, keyMsg("enter"))
	for _, msg := range msgsOf(cmd) {
		m, _ = update(m, msg)
	}
	if got := m.batchPage().matches.indices; len(got) != 1 || got[0] != 3 {
		t.Errorf("a search for a decoded field matched %v, want [3]", got)
	}
}

// TestDecodedExportAndCopy exports and copies decoded records: the file
// and the clipboard hold the decoded JSON, with its format and schema, as
// consume -o jsonl writes them.
func TestDecodedExportAndCopy(t *testing.T) {
	cl, url := decodeCluster(t)
	m := sized(New(Deps{Cluster: cl, Base: "svc", Now: nowFixed, Decoder: registryDecoder(t, decode.RegistryOptions{URL: url})}), 160, 50)
	defer m.Close()
	var clip bytes.Buffer
	m.res.Clipboard = &clip
	m = peekNotes(t, m)

	path := filepath.Join(t.TempDir(), "notes.jsonl")
	m = typeText(press(m, "e", "ctrl+u"), path)
	m, cmd := update(m, keyMsg("enter"))
	for _, msg := range msgsOf(cmd) {
		if e, ok := msg.(exportMsg); ok && e.err != nil {
			t.Fatalf("export: %v", e.err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("exported %d lines, want 6:\n%s", len(lines), data)
	}
	for i, want := range []string{
		`"value":{"text":"\u001b[2J\u001b]0;owned\u0007`,
		`"value_format":"protobuf","value_schema":{"id":2,"subject":"cards-value","version":1,"type":"protobuf"}`,
		`"value_error":"schema registry ` + url + ` has no schema 4242`,
		`"value":{"compressed":true},"headers":[],"value_format":"gzip+json","value_schema":null}`,
		`"value_format":"gzip+text"`,
		`"value":{"plain":true},"headers":[]}`,
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d lacks %s:\n%s", i, want, lines[i])
		}
	}
	if !strings.Contains(lines[0], `"value_format":"avro","value_schema":{"id":1,"subject":"notes-value","version":1,"type":"avro"}`) {
		t.Errorf("line 0 does not name its schema:\n%s", lines[0])
	}

	copied := func(keys ...string) string {
		t.Helper()
		clip.Reset()
		m, cmd := update(press(m, keys[:len(keys)-1]...), keyMsg(keys[len(keys)-1]))
		_ = m
		for _, msg := range msgsOf(cmd) {
			if c, ok := msg.(copyMsg); ok && c.err != nil {
				t.Fatalf("copy: %v", c.err)
			}
		}
		seq := clip.String()
		b64 := strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b]52;c;"), "\a")
		out, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatalf("clipboard %q: %v", seq, err)
		}
		return string(out)
	}
	m = press(m, "down", "down", "down") // the gzip JSON
	if got := copied("y"); got != `{"compressed":true}` {
		t.Errorf("y copied %q, want the decompressed JSON", got)
	}
	if got := copied("Y"); !strings.Contains(got, `"value":{"compressed":true}`) || !strings.Contains(got, `"value_format":"gzip+json"`) {
		t.Errorf("Y copied %q, want the decoded record", got)
	}
}

// TestUnreachableRegistryInTheTUI peeks framed records with the registry
// down (connection refused) and hanging past its timeout: the batch still
// arrives, every record shows raw with one line naming the registry.
func TestUnreachableRegistryInTheTUI(t *testing.T) {
	cl, _ := decodeCluster(t)
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	downURL := "http://" + refused.Addr().String()
	refused.Close()
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	go func() { // accepts and never answers
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	hangURL := "http://" + hang.Addr().String()

	for _, tt := range []struct {
		name, url, why string
	}{
		{"refused", downURL, "unreachable fetching schema 1"},
		{"hangs", hangURL, "did not answer within 300ms fetching schema 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dec := registryDecoder(t, decode.RegistryOptions{URL: tt.url, Timeout: 300 * time.Millisecond})
			m := sized(New(Deps{Cluster: cl, Base: "svc", Now: nowFixed, Decoder: dec}), 80, 24)
			defer m.Close()
			m = peekNotes(t, m)
			d := detailText(m)
			if !strings.Contains(d, "! not decoded: schema registry "+tt.url) || !strings.Contains(strings.ReplaceAll(d, "\n", " "), tt.why) {
				t.Errorf("the Avro record does not say why it is raw:\n%s", d)
			}
			if !strings.Contains(d, "00 00 00 00 01") {
				t.Errorf("the Avro record is not shown as raw hex:\n%s", d)
			}
			if d := detailText(press(m, "down", "down", "down")); !strings.Contains(d, `"compressed": true`) {
				t.Errorf("a compressed value needs no registry, yet:\n%s", d)
			}
		})
	}
}

// TestNarrowDetailKeepsTheSchema: in a narrow pane the value line leaves
// out the v hint and the view's name whole, never the format and schema.
func TestNarrowDetailKeepsTheSchema(t *testing.T) {
	st := ptrTo(widget.DefaultStyles())
	r := model.Record{Topic: "payments-proto", Value: make([]byte, 75)}
	d := decoding{value: model.Decoded{Format: "protobuf", Value: []byte(`{}`),
		Schema: &model.SchemaRef{ID: 4, Subject: "payments-proto-value", Version: 1, Type: "protobuf"}}}
	for _, tt := range []struct {
		width int
		want  string
	}{
		{80, "value    protobuf · schema 4 (payments-proto-value v1) · 75 B · view decoded"},
		{70, "value    protobuf · schema 4 (payments-proto-value v1) · 75 B"},
	} {
		lines := renderDetail(st, r, d, fixedNow, tt.width, modeAuto, "v")
		got := anySGR.ReplaceAllString(lines[2], "")
		if got != tt.want {
			t.Errorf("width %d: value line %q, want %q", tt.width, got, tt.want)
		}
	}
}

// TestEndToEndDemoRegistryTopics drives the TUI on the demo, as a user
// would: orders-avro, its group, a peek, v; then payments-proto. Each
// record shows decoded by the demo's registry, and v shows its raw hex.
func TestEndToEndDemoRegistryTopics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := demo.Start(ctx, demo.Options{NoProducer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cl := connect(t, kafka.Config{Brokers: d.Brokers()})
	dec := registryDecoder(t, decode.RegistryOptions{URL: d.RegistryURL()})

	dr := drive(t, New(Deps{Cluster: cl, Base: demo.Base, Brokers: d.Brokers(), Decoder: dec}), 160, 50)
	wait, keys := dr.wait, dr.keys
	open := func(topic string) {
		keys("/")
		dr.typeText(topic)
		keys("enter", "enter")
		wait("topic " + topic + " · ")
	}
	wait(demo.OrdersAvroTopic)
	open(demo.OrdersAvroTopic)
	keys("enter") // the default group, at offset 16 of 20 on partition 0
	wait("no live member")
	keys("p")
	wait("Peek " + demo.OrdersAvroGroup)
	keys("enter")
	wait("avro · schema 2 (orders-avro-value v1) · 75 B · view decoded", `"order_id": "ord_000033"`)
	keys("v")
	wait("view raw hex")
	keys("v") // the next batch shows values as this one did
	wait("view decoded")
	keys("esc", "esc", "esc", "esc") // the batch, the group, the topic, the filter
	open(demo.PaymentsProtoTopic)
	keys("p") // the default group does not exist: the peek starts at earliest
	wait("Peek " + demo.Base + "-" + demo.PaymentsProtoTopic)
	keys("enter")
	wait("protobuf · schema 4 (payments-proto-value v1) · ", `"paymentId": "pay_000001"`)
	dr.quit("q")
}

// TestDecodingOutOfTime: records the batch's time left undecoded still
// arrive, framed ones saying why, plain ones as they are.
func TestDecodingOutOfTime(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0)) // long past
	defer cancel()
	dec := registryDecoder(t, decode.RegistryOptions{URL: "http://127.0.0.1:1"})
	recs := []model.Record{{Value: []byte{0, 0, 0, 0, 1, 2}}, {Value: []byte(`{"a":1}`)}}
	got := decodeRecords(ctx, dec, recs)
	if len(got) != 2 {
		t.Fatalf("%d decodings for 2 records", len(got))
	}
	if err := got[0].value.Err; err == nil || err.Error() != "decoding the batch took over "+decodeTimeout.String() {
		t.Errorf("framed record: %v", err)
	}
	if got[1].value.Err != nil || got[1].value.Format != model.FormatJSON {
		t.Errorf("plain record: %+v", got[1].value)
	}
}

// TestConsumeDecodes: a consume's records come back decoded too.
func TestConsumeDecodes(t *testing.T) {
	if testing.Short() {
		t.Skip("joins a group")
	}
	cl, url := decodeCluster(t)
	res := widget.NewResources(nil)
	defer res.Close()
	tg := target{Group: model.GroupName{Base: "svc", Topic: "notes"}}
	msg := consumeCmd(res, cl.Config(), registryDecoder(t, decode.RegistryOptions{URL: url}), 1, tg, 6, false)().(batchMsg)
	if msg.err != nil || len(msg.records) != 6 || len(msg.decoded) != 6 {
		t.Fatalf("consumed %d records, %d decoded: %v", len(msg.records), len(msg.decoded), msg.err)
	}
	for i, r := range msg.records {
		if r.Offset == 0 && msg.decoded[i].value.Format != "avro" {
			t.Errorf("the Avro record came back as %+v", msg.decoded[i].value)
		}
	}
}
