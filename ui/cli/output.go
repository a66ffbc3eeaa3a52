package cli

import (
	"fmt"
	"slices"
	"strings"
)

// outputFlag is a -o/--output value restricted to a fixed set of formats;
// any other value is a usage error at parse time.
type outputFlag struct {
	value   string
	allowed []string
}

func newOutputFlag(def string, allowed ...string) *outputFlag {
	return &outputFlag{value: def, allowed: allowed}
}

func (o *outputFlag) String() string { return o.value }
func (o *outputFlag) Type() string   { return strings.Join(o.allowed, "|") }

func (o *outputFlag) Set(v string) error {
	if !slices.Contains(o.allowed, v) {
		return fmt.Errorf("must be one of %s", strings.Join(o.allowed, ", "))
	}
	o.value = v
	return nil
}

// timeLayout is RFC 3339 in UTC with milliseconds, Kafka's timestamp
// precision; the same layout as the jsonl record timestamps.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"
