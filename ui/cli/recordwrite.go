package cli

import (
	"bufio"
	"context"

	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// streamPeek runs a peek and prints its records as each fetch arrives, in
// the order PeekEach gives them (by partition, then offset, within each
// fetch), flushing after each: a peek of many records never holds them all,
// and a reader of the pipe sees the first ones early. It returns the number
// of records printed.
func (a *app) streamPeek(ctx context.Context, cluster *kafka.Cluster, req kafka.PeekRequest, format string, dec *decode.Decoder) (int, error) {
	rw := a.newRecordWriter(ctx, format, dec)
	return cluster.PeekEach(ctx, req, rw.write)
}

// recordWriter prints records as jsonl (one AppendRecordJSON line each),
// pretty (indented, coloured when a.colour(), everything from the cluster
// sanitized, one blank line between records) or value (each value alone on
// a line, as kcat -C prints them: the bytes as they are into a pipe or a
// file, sanitized on a terminal; a tombstone is an empty line). With a
// decoder, each key and value is decoded first (see
// model.AppendDecodedRecordJSON and render.DecodedRecord); records that need
// no decoding print as without.
type recordWriter struct {
	ctx      context.Context
	dec      *decode.Decoder // nil: no decoding
	w        *bufio.Writer
	format   string
	printer  *render.RecordPrinter // for pretty
	sanitize bool                  // for value: escape what a terminal would act on
	written  int
	line     []byte
}

func (a *app) newRecordWriter(ctx context.Context, format string, dec *decode.Decoder) *recordWriter {
	rw := &recordWriter{ctx: ctx, dec: dec, w: bufio.NewWriterSize(a.stdout, 64<<10), format: format}
	switch format {
	case "pretty":
		theme := render.PlainTheme()
		if a.colour() {
			theme = render.ColorThemeFor(lipgloss.NewRenderer(a.stdout))
		}
		rw.printer = render.NewRecordPrinter(theme, render.DefaultLimits())
	case "value":
		rw.sanitize = a.stdoutIsTerminal()
	}
	return rw
}

// write prints recs and flushes them: when it returns nil, every record was
// handed to the operating system.
func (rw *recordWriter) write(recs []model.Record) error {
	for _, r := range recs {
		switch rw.format {
		case "value":
			rw.writeValue(r)
		case "pretty":
			key, value := rw.decode(r)
			if rw.written > 0 {
				rw.w.WriteString("\n")
			}
			rw.w.WriteString(rw.printer.DecodedRecord(r, key, value))
			rw.w.WriteString("\n")
		default:
			key, value := rw.decode(r)
			rw.line = model.AppendDecodedRecordJSON(rw.line[:0], r, key, value)
			rw.line = append(rw.line, '\n')
			rw.w.Write(rw.line)
		}
		rw.written++
	}
	return rw.w.Flush()
}

// decode is r's key and value as the decoder reads them; plain without one.
func (rw *recordWriter) decode(r model.Record) (key, value model.Decoded) {
	if rw.dec == nil {
		return model.Decoded{}, model.Decoded{}
	}
	return rw.dec.Decode(rw.ctx, r)
}

// writeValue prints r's value alone on a line: decoded when it is encoded
// (a schema or a compression), else its bytes as they are. Its key is not
// decoded.
func (rw *recordWriter) writeValue(r model.Record) {
	v := r.Value
	if rw.dec != nil {
		if d := rw.dec.Unwrapped(rw.ctx, r.Value); d.Decoded() {
			v = d.Value
		}
	}
	if rw.sanitize {
		rw.w.WriteString(render.SanitizeLine(string(v)))
	} else {
		rw.w.Write(v)
	}
	rw.w.WriteByte('\n')
}
