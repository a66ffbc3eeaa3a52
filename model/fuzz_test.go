package model

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzEncodeRecordJSON(f *testing.F) {
	f.Add("spent_detail_topic", int32(3), int64(1234), int64(1_700_000_000_123), []byte("order-17"), false,
		[]byte(`{"id": 1, "tags": ["a"]}`), false, "trace-id", []byte("abc"))
	f.Add("t", int32(0), int64(0), int64(0), []byte(nil), true, []byte(nil), true, "", []byte(nil))
	f.Add("\xff\x1b]0;x\x07", int32(-1), int64(-1), int64(-62135596800001), []byte("\xff\xfe"), false,
		[]byte("\x00\x1b[31m\u2028\u2029\"\\"), false, "\xc3", []byte("\u009b\xff"))
	f.Add("t", int32(1), int64(2), int64(253402300800000), []byte(""), false, []byte("1e999"), false, "k", []byte(""))
	f.Fuzz(func(t *testing.T, topic string, partition int32, offset, tsMillis int64, key []byte, keyNil bool,
		value []byte, valueNil bool, headerKey string, headerValue []byte) {
		if keyNil {
			key = nil
		} else if key == nil {
			key = []byte{}
		}
		if valueNil {
			value = nil
		} else if value == nil {
			value = []byte{}
		}
		r := Record{Topic: topic, Partition: partition, Offset: offset, Key: key, Value: value,
			Headers: []Header{{Key: headerKey, Value: headerValue}}}
		if tsMillis != 0 {
			r.Timestamp = time.UnixMilli(tsMillis)
		}
		out, err := EncodeRecordJSON(r)
		if err != nil {
			t.Fatalf("EncodeRecordJSON: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("not valid JSON: %s", out)
		}
		if bytes.ContainsAny(out, "\n\r") {
			t.Fatalf("not one line: %q", out)
		}

		var got struct {
			Topic         string          `json:"topic"`
			Partition     int32           `json:"partition"`
			Offset        int64           `json:"offset"`
			Timestamp     *string         `json:"timestamp"`
			Key           json.RawMessage `json:"key"`
			KeyEncoding   string          `json:"key_encoding"`
			Value         json.RawMessage `json:"value"`
			ValueEncoding string          `json:"value_encoding"`
			Headers       []struct {
				Key           string          `json:"key"`
				KeyEncoding   string          `json:"key_encoding"`
				Value         json.RawMessage `json:"value"`
				ValueEncoding string          `json:"value_encoding"`
			} `json:"headers"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("decode %s: %v", out, err)
		}
		if utf8.ValidString(topic) && got.Topic != topic {
			t.Fatalf("topic %q, want %q", got.Topic, topic)
		}
		if got.Partition != partition || got.Offset != offset {
			t.Fatalf("partition/offset %d/%d, want %d/%d", got.Partition, got.Offset, partition, offset)
		}
		switch {
		case r.Timestamp.IsZero() != (got.Timestamp == nil):
			t.Fatalf("timestamp %v for %v", got.Timestamp, r.Timestamp)
		case got.Timestamp != nil && r.Timestamp.Year() >= 0 && r.Timestamp.Year() <= 9999:
			ts, err := time.Parse(time.RFC3339Nano, *got.Timestamp)
			if err != nil || !ts.Equal(r.Timestamp) {
				t.Fatalf("timestamp %q (%v), want %v", *got.Timestamp, err, r.Timestamp)
			}
		}
		checkBytesField(t, "key", got.Key, got.KeyEncoding, key, false)
		checkBytesField(t, "value", got.Value, got.ValueEncoding, value, true)
		if len(got.Headers) != 1 {
			t.Fatalf("%d headers, want 1", len(got.Headers))
		}
		h := got.Headers[0]
		switch {
		case h.KeyEncoding == "base64":
			dec, err := base64.StdEncoding.DecodeString(h.Key)
			if err != nil || string(dec) != headerKey {
				t.Fatalf("header key %q decodes to %q (%v), want %q", h.Key, dec, err, headerKey)
			}
		case h.KeyEncoding != "" || !utf8.ValidString(headerKey) || h.Key != headerKey:
			t.Fatalf("header key %q (%q), want %q", h.Key, h.KeyEncoding, headerKey)
		}
		checkBytesField(t, "header value", h.Value, h.ValueEncoding, headerValue, false)
	})
}

// checkBytesField checks that raw, the JSON written for data, gives data
// back: null for nil, base64 flagged by encoding for invalid UTF-8, embedded
// JSON equal to data compacted (when embedJSON), else the string itself.
func checkBytesField(t *testing.T, name string, raw json.RawMessage, encoding string, data []byte, embedJSON bool) {
	t.Helper()
	if data == nil {
		if string(raw) != "null" || encoding != "" {
			t.Fatalf("%s: %s (%q) for null", name, raw, encoding)
		}
		return
	}
	if !utf8.Valid(data) {
		var s string
		if encoding != "base64" || json.Unmarshal(raw, &s) != nil {
			t.Fatalf("%s: %s (%q) for invalid UTF-8 %q", name, raw, encoding, data)
		}
		if dec, err := base64.StdEncoding.DecodeString(s); err != nil || !bytes.Equal(dec, data) {
			t.Fatalf("%s: base64 %q decodes to %q (%v), want %q", name, s, dec, err, data)
		}
		return
	}
	if encoding != "" {
		t.Fatalf("%s: encoding %q for valid UTF-8 %q", name, encoding, data)
	}
	if embedJSON && json.Valid(data) {
		var want bytes.Buffer
		if err := json.Compact(&want, data); err != nil || !bytes.Equal(raw, want.Bytes()) {
			t.Fatalf("%s: embedded %s, want %s", name, raw, want.Bytes())
		}
		return
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || s != string(data) {
		t.Fatalf("%s: %s decodes to %q (%v), want %q", name, raw, s, err, data)
	}
}

// fuzzList splits a fuzzer string into a list on commas.
func fuzzList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func FuzzParseGroupName(f *testing.F) {
	f.Add("my-batch-consumer-spent-detail-job7", "my-batch-consumer", "spent,spent-detail,other", "")
	f.Add("my-batch-consumer-a-b-c", "my-batch-consumer", "a,a-b", "a")
	f.Add("base--x", "base", ",x,-x", "")
	f.Add("base-t-", "base", "t,t-", "t-")
	f.Add("base", "base", "base", "")
	f.Add("b-\xff-\u202e", "b", "\xff,\xff-\u202e", "\xff")
	f.Fuzz(func(t *testing.T, id, base, topicList, committedList string) {
		topics := NewTopicSet(fuzzList(topicList))
		committed := fuzzList(committedList)
		name, ok := ParseGroupName(id, base, topics, committed)

		// Every topic the id fits, by brute force.
		var fits []string
		if UnderBase(id, base) {
			rest := id[len(base)+1:]
			for topic := range topics {
				if rest == topic || (strings.HasPrefix(rest, topic+"-") && len(rest) > len(topic)+1) {
					fits = append(fits, topic)
				}
			}
		}
		if ok != (len(fits) > 0) {
			t.Fatalf("ParseGroupName(%q, %q) ok=%v, but it fits topics %q", id, base, ok, fits)
		}
		if !ok {
			if name != (GroupName{}) {
				t.Fatalf("not ok, but returned %+v", name)
			}
			return
		}
		if name.String() != id || name.Base != base || !topics.Has(name.Topic) || !slices.Contains(fits, name.Topic) {
			t.Fatalf("ParseGroupName(%q, %q) = %+v (%q), fits %q", id, base, name, name.String(), fits)
		}
		if name.IsDefault() != (name.Suffix == "") {
			t.Fatalf("IsDefault %v for suffix %q", name.IsDefault(), name.Suffix)
		}
		// Committed offsets decide between fitting topics; else the longest wins.
		preferred := fits
		if c := slices.DeleteFunc(slices.Clone(fits), func(s string) bool { return !slices.Contains(committed, s) }); len(c) > 0 {
			preferred = c
		} else if !slices.Contains(committed, name.Topic) {
			for _, f := range fits {
				if len(f) > len(name.Topic) {
					t.Fatalf("topic %q chosen over the longer %q", name.Topic, f)
				}
			}
		}
		if !slices.Contains(preferred, name.Topic) {
			t.Fatalf("topic %q chosen, want one of %q", name.Topic, preferred)
		}
	})
}

func FuzzDetectBases(f *testing.F) {
	f.Add("my-batch-consumer-spent,my-batch-consumer-spent-job1,other-spent,a-b-t,x", "spent,t,b-t")
	f.Add("-t,--t,a--t,a-t-,a-t-,a-t", "t,-t")
	f.Add("\xff-t,a\u202e-t-\x00", "t")
	f.Fuzz(func(t *testing.T, idList, topicList string) {
		ids := fuzzList(idList)
		topics := NewTopicSet(fuzzList(topicList))
		bases := DetectBases(ids, topics)

		distinct := slices.Compact(slices.Sorted(slices.Values(ids)))
		seen := make(map[string]bool, len(bases))
		for i, bc := range bases {
			if bc.Base == "" || bc.Groups < 1 || seen[bc.Base] {
				t.Fatalf("bad or repeated entry %+v in %+v", bc, bases)
			}
			seen[bc.Base] = true
			if i > 0 {
				prev := bases[i-1]
				if prev.Groups < bc.Groups || (prev.Groups == bc.Groups && prev.Base >= bc.Base) {
					t.Fatalf("not sorted: %+v before %+v", prev, bc)
				}
			}
			// The count is the number of distinct ids that start with
			// base+"-" and parse under it.
			n := 0
			for _, id := range distinct {
				if _, ok := ParseGroupName(id, bc.Base, topics, nil); ok {
					if !strings.HasPrefix(id, bc.Base+"-") {
						t.Fatalf("id %q parses under %q without the dash", id, bc.Base)
					}
					n++
				}
			}
			if n != bc.Groups {
				t.Fatalf("base %q counts %d groups, %d parse under it", bc.Base, bc.Groups, n)
			}
		}
		// No base is missed: every dash in an id that leads to a topic gives one.
		for _, id := range distinct {
			for i := 1; i < len(id); i++ {
				if id[i] != '-' {
					continue
				}
				if _, ok := ParseGroupName(id, id[:i], topics, nil); ok && !seen[id[:i]] {
					t.Fatalf("base %q of group %q not detected in %+v", id[:i], id, bases)
				}
			}
		}
	})
}
