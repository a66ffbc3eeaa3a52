package decode

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/avro"

	"github.com/kgroups/kgroups/model"
)

// avroCodec decodes Avro binary written with one schema to JSON as a person
// reads it (see avroJSON).
type avroCodec struct {
	schema *avro.Schema
	root   *avro.SchemaNode
	named  map[string]*avro.SchemaNode // named types by full and short name
}

// newAvroCodec parses schema after its references (in dependency order) in
// a cache of its own, so two versions of one record name never collide.
func newAvroCodec(refs []string, schema string) (*avroCodec, error) {
	var cache avro.SchemaCache
	for _, ref := range refs {
		if _, err := cache.Parse(ref); err != nil {
			return nil, fmt.Errorf("avro reference: %v", err)
		}
	}
	s, err := cache.Parse(schema)
	if err != nil {
		return nil, fmt.Errorf("avro schema: %v", err)
	}
	c := &avroCodec{schema: s, root: s.Root(), named: map[string]*avro.SchemaNode{}}
	c.index(c.root)
	return c, nil
}

// index records every named type defined under n, so name references in the
// tree can be followed.
func (c *avroCodec) index(n *avro.SchemaNode) {
	switch n.Type {
	case "record", "error", "enum", "fixed":
		if n.Name != "" {
			if _, seen := c.named[fullName(n)]; seen {
				return
			}
			c.named[fullName(n)] = n
			if _, ok := c.named[n.Name]; !ok {
				c.named[n.Name] = n
			}
		}
	}
	for i := range n.Fields {
		c.index(&n.Fields[i].Type)
	}
	if n.Items != nil {
		c.index(n.Items)
	}
	if n.Values != nil {
		c.index(n.Values)
	}
	for i := range n.Branches {
		c.index(&n.Branches[i])
	}
}

func fullName(n *avro.SchemaNode) string {
	if strings.Contains(n.Name, ".") || n.Namespace == "" {
		return n.Name
	}
	return n.Namespace + "." + n.Name
}

// resolve follows a name reference to its definition.
func (c *avroCodec) resolve(n *avro.SchemaNode) *avro.SchemaNode {
	for range 8 {
		switch n.Type {
		case "null", "boolean", "int", "long", "float", "double", "string", "bytes",
			"record", "error", "enum", "fixed", "array", "map", "union":
			return n
		}
		def, ok := c.named[n.Type]
		if !ok || def == n {
			return n
		}
		n = def
	}
	return n
}

// decode decodes payload to JSON; bytes left over mean the payload was not
// written with this schema.
func (c *avroCodec) decode(payload []byte) ([]byte, error) {
	var v any
	rest, err := c.schema.Decode(payload, &v, avro.TaggedUnions())
	if err != nil {
		return nil, fmt.Errorf("avro payload does not match the schema: %v", err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("avro payload does not match the schema: %d bytes left over", len(rest))
	}
	return c.appendJSON(make([]byte, 0, 2*len(payload)+16), c.root, v)
}

// appendJSON appends v, decoded with schema n, as JSON a person reads:
// unions bare (the branch's value, not {"type": value}); timestamp-millis
// and -micros as RFC 3339 UTC with milliseconds or microseconds; date as
// YYYY-MM-DD; time-millis as HH:MM:SS.sss; decimal as an exact decimal
// string; uuid as its text; bytes and fixed as base64; record fields in
// schema order.
func (c *avroCodec) appendJSON(b []byte, n *avro.SchemaNode, v any) ([]byte, error) {
	n = c.resolve(n)
	if v == nil {
		return append(b, "null"...), nil
	}
	switch n.Type {
	case "union":
		return c.appendUnion(b, n, v)
	case "record", "error":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("avro: record %s decoded as %T", n.Name, v)
		}
		b = append(b, '{')
		for i := range n.Fields {
			f := &n.Fields[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = model.AppendJSONString(b, f.Name)
			b = append(b, ':')
			var err error
			if b, err = c.appendJSON(b, &f.Type, m[f.Name]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case "array":
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("avro: array decoded as %T", v)
		}
		b = append(b, '[')
		for i, item := range items {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = c.appendJSON(b, n.Items, item); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("avro: map decoded as %T", v)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys) // deterministic output
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = model.AppendJSONString(b, k)
			b = append(b, ':')
			var err error
			if b, err = c.appendJSON(b, n.Values, m[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return appendAvroScalar(b, n, v)
}

// appendUnion appends the value of the branch TaggedUnions named.
func (c *avroCodec) appendUnion(b []byte, n *avro.SchemaNode, v any) ([]byte, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, fmt.Errorf("avro: union decoded as %T", v)
	}
	for name, inner := range m {
		for i := range n.Branches {
			br := &n.Branches[i]
			def := c.resolve(br)
			if name == br.Type || name == def.Type && def.Name == "" || def.Name != "" && (name == fullName(def) || name == def.Name) {
				return c.appendJSON(b, br, inner)
			}
		}
		return nil, fmt.Errorf("avro: union branch %q not in the schema", name)
	}
	return b, nil
}

// appendAvroScalar appends a primitive, enum or fixed value.
func appendAvroScalar(b []byte, n *avro.SchemaNode, v any) ([]byte, error) {
	switch x := v.(type) {
	case bool:
		return strconv.AppendBool(b, x), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float32:
		return appendFloat(b, float64(x), 32), nil
	case float64:
		return appendFloat(b, x, 64), nil
	case string:
		return model.AppendJSONString(b, x), nil
	case []byte:
		if n.LogicalType == "uuid" && len(x) == 16 {
			return model.AppendJSONString(b, uuidText(x)), nil
		}
		return model.AppendJSONString(b, base64.StdEncoding.EncodeToString(x)), nil
	case [16]byte:
		return model.AppendJSONString(b, uuidText(x[:])), nil
	case time.Time:
		switch n.LogicalType {
		case "date":
			return model.AppendJSONString(b, x.UTC().Format(time.DateOnly)), nil
		case "timestamp-micros", "local-timestamp-micros":
			return model.AppendJSONString(b, x.UTC().Format("2006-01-02T15:04:05.000000Z07:00")), nil
		case "timestamp-nanos", "local-timestamp-nanos":
			return model.AppendJSONString(b, x.UTC().Format(time.RFC3339Nano)), nil
		}
		return model.AppendJSONString(b, x.UTC().Format("2006-01-02T15:04:05.000Z07:00")), nil
	case time.Duration:
		d := x
		h := d / time.Hour
		d -= h * time.Hour
		m := d / time.Minute
		d -= m * time.Minute
		s := d / time.Second
		d -= s * time.Second
		frac := fmt.Sprintf("%03d", d/time.Millisecond)
		if n.LogicalType == "time-micros" {
			frac = fmt.Sprintf("%06d", d/time.Microsecond)
		}
		return model.AppendJSONString(b, fmt.Sprintf("%02d:%02d:%02d.%s", h, m, s, frac)), nil
	case *big.Rat:
		return model.AppendJSONString(b, x.FloatString(max(n.Scale, 0))), nil
	case avro.Duration:
		return model.AppendJSONString(b, fmt.Sprintf("P%dM%dD%dms", x.Months, x.Days, x.Milliseconds)), nil
	}
	return nil, fmt.Errorf("avro: %s decoded as %T", n.Type, v)
}

// appendFloat appends f as JSON; NaN and infinities, which JSON lacks, as
// the strings Java's Avro writes.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

func uuidText(x []byte) string {
	h := hex.EncodeToString(x)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
