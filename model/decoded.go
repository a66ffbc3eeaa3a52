package model

import "strconv"

// Decoded is a record key or value as kgroups shows it once decoded: the
// bytes a producer wrote, unwrapped from a schema registry's framing or from
// the compression the application applied itself.
//
// Format names what was found: "avro", "protobuf", "json-schema" (framed by
// a schema registry), "json", "text", "bytes" (plain), and "gzip+json",
// "zstd+text", … for values the application compressed. Value holds JSON
// when Decoded reports true; otherwise the raw bytes are shown as they are.
// Err says in one line why decoding failed; the raw bytes are then shown.
type Decoded struct {
	Value  []byte
	Format string
	Schema *SchemaRef
	Err    error
}

// SchemaRef names the registry schema a value was written with.
type SchemaRef struct {
	ID      int
	Subject string // "" when the registry did not say
	Version int    // 0 when the registry did not say
	Type    string // "avro", "protobuf" or "json-schema"
}

// Decoded reports whether d replaces the raw bytes: a schema or a
// decompression produced Value.
func (d Decoded) Decoded() bool {
	return d.Err == nil && d.Value != nil && (d.Schema != nil || d.Format != "json" && d.Format != "text" && d.Format != "bytes" && d.Format != "")
}

// Label is how a person reads d's provenance in one line, without sizes:
// "avro · schema 7 (orders-value v3)", "gzip → json".
func (d Decoded) Label() string {
	label := d.Format
	for i := 0; i+1 < len(label); i++ {
		if label[i] == '+' {
			label = label[:i] + " → " + label[i+1:]
			break
		}
	}
	if d.Schema != nil {
		label += " · schema " + strconv.Itoa(d.Schema.ID)
		if d.Schema.Subject != "" {
			label += " (" + d.Schema.Subject
			if d.Schema.Version > 0 {
				label += " v" + strconv.Itoa(d.Schema.Version)
			}
			label += ")"
		}
	}
	return label
}

// AppendDecodedJSON appends the members the jsonl output adds for a decoded
// key or value, name being "key" or "value": `,"{name}_format":…,
// "{name}_schema":{"id","subject","version","type"}|null`, or
// `,"{name}_error":…` when decoding failed. Nothing is appended for a plain
// field, so plain records keep their lines unchanged.
func AppendDecodedJSON(b []byte, d Decoded, name string) []byte {
	if d.Err != nil {
		b = append(b, `,"`...)
		b = append(b, name...)
		b = append(b, `_error":`...)
		return AppendJSONString(b, d.Err.Error())
	}
	if !d.Decoded() {
		return b
	}
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `_format":`...)
	b = AppendJSONString(b, d.Format)
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `_schema":`...)
	if d.Schema == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(d.Schema.ID), 10)
	b = append(b, `,"subject":`...)
	if d.Schema.Subject == "" {
		b = append(b, "null"...)
	} else {
		b = AppendJSONString(b, d.Schema.Subject)
	}
	b = append(b, `,"version":`...)
	if d.Schema.Version == 0 {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(d.Schema.Version), 10)
	}
	b = append(b, `,"type":`...)
	b = AppendJSONString(b, d.Schema.Type)
	return append(b, '}')
}

// AppendDecodedRecordJSON is AppendRecordJSON with the key and value
// replaced by their decoded JSON where they were decoded, and the members
// AppendDecodedJSON adds. A record with neither decoded nor failed comes out
// byte for byte as AppendRecordJSON writes it.
func AppendDecodedRecordJSON(b []byte, r Record, key, value Decoded) []byte {
	if key.Decoded() {
		r.Key = key.Value
	}
	if value.Decoded() {
		r.Value = value.Value
	}
	b = appendRecordJSON(b, r, key.Decoded())
	if key.Err == nil && value.Err == nil && !key.Decoded() && !value.Decoded() {
		return b
	}
	// Insert the members before the closing brace.
	b = b[:len(b)-1]
	b = AppendDecodedJSON(b, key, "key")
	b = AppendDecodedJSON(b, value, "value")
	return append(b, '}')
}
