// Package decode turns record keys and values into what their producers
// wrote: Avro, Protobuf and JSON Schema values framed by a Confluent schema
// registry (magic byte 0, a 4-byte schema id, Protobuf message indexes), and
// values the application compressed itself (gzip, zstd, lz4 frame, framed
// snappy, recognised by their magic bytes).
//
// It is the seam between the wire and the views: the CLI calls
// Decoder.Decode per record before printing it, the terminal UI calls it in
// a command before a record reaches a view. Schemas are fetched from the
// registry by id once per process, under a timeout; a failure is cached
// briefly and never loses the record: Decoded.Err says why, in one line,
// and the raw bytes are shown.
package decode

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kgroups/kgroups/model"
)

// Mode picks what Decode does.
type Mode int

const (
	// Auto decodes framed and compressed values (the default).
	Auto Mode = iota
	// Raw leaves every value as its bytes, as kgroups showed them before
	// decoding existed.
	Raw
)

// ParseMode parses the --decode flag: "auto" or "raw".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "auto", "":
		return Auto, nil
	case "raw":
		return Raw, nil
	}
	return Auto, fmt.Errorf("unknown decode mode %q (want auto or raw)", s)
}

// Decoder decodes record keys and values. The zero value is not usable; a
// nil *Decoder decodes nothing (every field comes back plain). It is safe
// for concurrent use.
type Decoder struct {
	mode     Mode
	registry *Registry // nil: no schema registry configured
}

// New returns a Decoder in mode, resolving framed values against registry
// (nil when none is configured).
func New(mode Mode, registry *Registry) *Decoder {
	return &Decoder{mode: mode, registry: registry}
}

// Decode decodes r's key and value.
func (d *Decoder) Decode(ctx context.Context, r model.Record) (key, value model.Decoded) {
	return d.Bytes(ctx, r.Key), d.Bytes(ctx, r.Value)
}

// Bytes decodes one key or value.
func (d *Decoder) Bytes(ctx context.Context, b []byte) model.Decoded {
	return d.bytes(ctx, b, plain)
}

// Unwrapped decodes one key or value as Bytes does, for a caller that
// prints bytes that need no decoding as they are: those come back with no
// Format, not classified as json, text or bytes (most of Bytes' cost on
// plain values).
func (d *Decoder) Unwrapped(ctx context.Context, b []byte) model.Decoded {
	return d.bytes(ctx, b, func([]byte) model.Decoded { return model.Decoded{} })
}

// bytes decodes b, returning asIs(b) when it needs no decoding.
func (d *Decoder) bytes(ctx context.Context, b []byte, asIs func([]byte) model.Decoded) model.Decoded {
	if d == nil || d.mode == Raw || len(b) == 0 {
		return asIs(b)
	}
	if id, rest, ok := framed(b); ok {
		if d.registry == nil {
			// Many binary values start with a zero byte: without a registry
			// this is a guess, so the value is shown as before.
			return asIs(b)
		}
		return d.registry.decode(ctx, id, rest)
	}
	if codec := sniffCompression(b); codec != nil {
		out, err := decompress(codec, b)
		if err != nil {
			return model.Decoded{Format: codec.name, Err: err}
		}
		inner := plain(out)
		dec := model.Decoded{Format: codec.name + "+" + inner.Format}
		switch inner.Format {
		case "json":
			dec.Value = out
		case "text":
			dec.Value = jsonString(out)
		default:
			dec.Value = jsonString([]byte(base64.StdEncoding.EncodeToString(out)))
			dec.Format = codec.name + "+bytes"
		}
		return dec
	}
	return asIs(b)
}

// plain is bytes that need no decoding, as model.Classify sniffs them:
// json, text or bytes.
func plain(b []byte) model.Decoded {
	return model.Decoded{Format: model.Classify(b)}
}

// jsonString returns s as a JSON string.
func jsonString(s []byte) []byte {
	out, _ := json.Marshal(string(s))
	return out
}

// framed reports whether b carries the Confluent wire format's header: magic
// byte 0 and a 4-byte big-endian schema id, then the payload.
func framed(b []byte) (id int, rest []byte, ok bool) {
	if len(b) < 5 || b[0] != 0 {
		return 0, nil, false
	}
	return int(binary.BigEndian.Uint32(b[1:5])), b[5:], true
}

// ErrNotFramed is wrapped by the error of a value that starts like a framed
// one but whose payload does not match its schema.
var ErrNotFramed = errors.New("not schema-registry framed")
