package cli

import (
	"bufio"
	"context"

	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// streamPeek runs a peek and prints its records as each fetch arrives, in
// the order PeekEach gives them (by partition, then offset, within each
// fetch), flushing after each: a peek of many records never holds them all,
// and a reader of the pipe sees the first ones early. It returns the number
// of records printed.
func (a *app) streamPeek(ctx context.Context, cluster *kafka.Cluster, req kafka.PeekRequest, format string) (int, error) {
	rw := a.newRecordWriter(format)
	return cluster.PeekEach(ctx, req, rw.write)
}

// recordWriter prints records as jsonl (one AppendRecordJSON line each) or
// pretty: indented, coloured when a.colour(), everything from the cluster
// sanitized, one blank line between records.
type recordWriter struct {
	w       *bufio.Writer
	pretty  bool
	theme   render.Theme
	written int
	line    []byte
}

func (a *app) newRecordWriter(format string) *recordWriter {
	rw := &recordWriter{w: bufio.NewWriterSize(a.stdout, 64<<10), pretty: format == "pretty", theme: render.PlainTheme()}
	if rw.pretty && a.colour() {
		rw.theme = render.ColorThemeFor(lipgloss.NewRenderer(a.stdout))
	}
	return rw
}

// write prints recs and flushes them: when it returns nil, every record was
// handed to the operating system.
func (rw *recordWriter) write(recs []model.Record) error {
	for _, r := range recs {
		if rw.pretty {
			if rw.written > 0 {
				rw.w.WriteString("\n")
			}
			rw.w.WriteString(render.Record(r, rw.theme, render.DefaultLimits()))
			rw.w.WriteString("\n")
		} else {
			rw.line = model.AppendRecordJSON(rw.line[:0], r)
			rw.line = append(rw.line, '\n')
			rw.w.Write(rw.line)
		}
		rw.written++
	}
	return rw.w.Flush()
}
