package render

import "github.com/kgroups/kgroups/model"

// Kind is how a record value is best shown.
type Kind int

const (
	KindNull   Kind = iota // a tombstone: the value is null (nil slice)
	KindEmpty              // present but zero bytes
	KindJSON               // one valid JSON value in valid UTF-8
	KindText               // valid UTF-8, mostly printable
	KindBinary             // anything else
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "tombstone"
	case KindEmpty:
		return "empty"
	case KindJSON:
		return "json"
	case KindText:
		return "text"
	case KindBinary:
		return "binary"
	}
	return "unknown"
}

// KindOf classifies a value as model.Classify sniffs it, the one sniffing
// the decoders and the CLI share. A nil slice is a tombstone, as Kafka null
// values are.
func KindOf(b []byte) Kind {
	if b == nil {
		return KindNull
	}
	switch model.Classify(b) {
	case "":
		return KindEmpty
	case model.FormatJSON:
		return KindJSON
	case model.FormatText:
		return KindText
	}
	return KindBinary
}
