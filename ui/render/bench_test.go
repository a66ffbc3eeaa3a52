package render

import (
	"strings"
	"testing"

	"github.com/kgroups/kgroups/model"
)

var benchOut string

func BenchmarkSanitize(b *testing.B) {
	cases := []struct{ name, in string }{
		{"clean name", "my-batch-consumer-spent_detail_topic-full-index"},
		{"clean 1KB text", strings.Repeat("Café n°42 spent 12.50 EUR ", 40)},
		{"escaping name", "topic\x1b[2J\x1b]0;pwned\a"},
		{"escaping 1KB text", strings.Repeat("\x1b[31mred\x1b[0m \u009b2J \u202eabc ", 40)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				benchOut = SanitizeLine(c.in)
			}
		})
	}
}

func BenchmarkPrettyJSON1MB(b *testing.B) {
	in := spentDetails(1 << 20)
	themes := []struct {
		name  string
		theme Theme
	}{
		{"plain", PlainTheme()},
		{"color", ColorThemeFor(colorRenderer())},
	}
	for _, th := range themes {
		b.Run(th.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				benchOut, _ = PrettyJSON(in, th.theme, DefaultLimits())
			}
		})
	}
	b.Run("plain unlimited", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			benchOut, _ = PrettyJSON(in, PlainTheme(), Limits{})
		}
	})
}

func BenchmarkKindOf1MB(b *testing.B) {
	in := spentDetails(1 << 20)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if KindOf(in) != KindJSON {
			b.Fatal("not JSON")
		}
	}
}

func BenchmarkRecord1MB(b *testing.B) {
	r := model.Record{Topic: "spent_detail_topic", Partition: 3, Offset: 1234, Timestamp: at, Key: []byte("order-17"), Value: spentDetails(1 << 20)}
	theme := ColorThemeFor(colorRenderer())
	b.ReportAllocs()
	b.SetBytes(int64(len(r.Value)))
	for b.Loop() {
		benchOut = Record(r, theme, DefaultLimits())
	}
}

func BenchmarkHexDump1MB(b *testing.B) {
	in := make([]byte, 1<<20)
	for i := range in {
		in[i] = byte(i * 7)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		benchOut = HexDump(in, DefaultLimits())
	}
}

// BenchmarkRecordSmall renders a record of ~150 B of JSON, as consume -o
// pretty does 100,000 times in a row: "each call" works the theme's
// sequences out per record (DecodedRecord), "printer" once (RecordPrinter).
func BenchmarkRecordSmall(b *testing.B) {
	r := model.Record{Topic: "peek150", Partition: 1, Offset: 12345, Timestamp: at, Key: []byte("spent-0000001"),
		Value: []byte(`{"spent_id":"spent-0000001","user":{"id":1,"name":"user 1"},"amount":{"value":1.01,"currency":"EUR"},"category":"groceries"}`)}
	theme := ColorThemeFor(colorRenderer())
	b.Run("each call", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchOut = DecodedRecord(r, model.Decoded{}, model.Decoded{}, theme, DefaultLimits())
		}
	})
	b.Run("printer", func(b *testing.B) {
		b.ReportAllocs()
		p := NewRecordPrinter(theme, DefaultLimits())
		for b.Loop() {
			benchOut = p.DecodedRecord(r, model.Decoded{}, model.Decoded{})
		}
	})
}
