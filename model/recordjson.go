package model

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// recordTimeLayout is RFC 3339 with milliseconds, Kafka's timestamp precision.
const recordTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// EncodeRecordJSON encodes r as one line of the CLI's jsonl output, without
// a trailing newline:
//
//	{"topic","partition","offset","timestamp","key","value","headers":[{"key","value"}]}
//
// The timestamp is RFC 3339 in UTC with milliseconds (null when unset). A
// value that is valid JSON is embedded as JSON (compacted); other text is a
// JSON string; a tombstone is null. The key is a string, or null. Bytes that
// are not valid UTF-8 are written as base64 and flagged with
// "key_encoding":"base64" or "value_encoding":"base64" next to the field,
// in headers too.
func EncodeRecordJSON(r Record) ([]byte, error) {
	return AppendRecordJSON(make([]byte, 0, 128+len(r.Topic)+2*(len(r.Key)+len(r.Value))), r), nil
}

// AppendRecordJSON appends the line EncodeRecordJSON gives for r to b, for
// writers that reuse one buffer for every line.
func AppendRecordJSON(b []byte, r Record) []byte {
	return appendRecordJSON(b, r, false)
}

// appendRecordJSON is AppendRecordJSON, embedding a key that is valid JSON
// as JSON when keyJSON (a key decoded by a schema).
func appendRecordJSON(b []byte, r Record, keyJSON bool) []byte {
	b = append(b, `{"topic":`...)
	b = AppendJSONString(b, r.Topic)
	b = append(b, `,"partition":`...)
	b = strconv.AppendInt(b, int64(r.Partition), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, r.Offset, 10)
	b = append(b, `,"timestamp":`...)
	if r.Timestamp.IsZero() {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = r.Timestamp.UTC().AppendFormat(b, recordTimeLayout)
		b = append(b, '"')
	}
	b = append(b, `,"key":`...)
	b = appendBytesField(b, r.Key, "key", keyJSON)
	b = append(b, `,"value":`...)
	b = appendBytesField(b, r.Value, "value", true)
	b = append(b, `,"headers":[`...)
	for i, h := range r.Headers {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		if utf8.ValidString(h.Key) {
			b = AppendJSONString(b, h.Key)
		} else {
			b = appendBase64(b, []byte(h.Key), "key")
		}
		b = append(b, `,"value":`...)
		b = appendBytesField(b, h.Value, "value", false)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendBytesField appends data as a JSON value: null when nil, base64 plus a
// "{name}_encoding" member when not UTF-8, embedded JSON when parseJSON and
// data is valid JSON, else a string. A JSON value is read once: checked,
// UTF-8 included, while it is compacted.
func appendBytesField(b, data []byte, name string, parseJSON bool) []byte {
	if data == nil {
		return append(b, "null"...)
	}
	if parseJSON {
		if out, ok := appendCompactJSON(b, data); ok {
			return out
		}
	}
	if !utf8.Valid(data) {
		return appendBase64(b, data, name)
	}
	return appendJSONBytesString(b, data)
}

// appendBase64 appends data as a base64 string followed by the member
// "{name}_encoding":"base64".
func appendBase64(b, data []byte, name string) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, data)
	b = append(b, `","`...)
	b = append(b, name...)
	return append(b, `_encoding":"base64"`...)
}

// appendJSONBytesString is AppendJSONString for a byte slice.
func appendJSONBytesString(b, s []byte) []byte {
	return AppendJSONString(b, unsafeString(s))
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// U+2028 and U+2029 are escaped so the line is safe to embed in JavaScript.
// What a terminal must not see (escape sequences, bidi controls) stays in
// the string, escaped only as JSON requires: views sanitize what they show.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// unsafeString views s as a string without copying; the caller must not
// modify s while the string is in use.
func unsafeString(s []byte) string {
	return unsafe.String(unsafe.SliceData(s), len(s))
}
