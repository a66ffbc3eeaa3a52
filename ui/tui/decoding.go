package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/model"
)

// decodeTimeout bounds the decoding of one batch: each schema id is fetched
// once under the registry's own timeout, and this caps a batch written with
// many ids that all hang. What is left undecoded shows raw, saying why.
const decodeTimeout = 20 * time.Second

// decoding is a record's key and value as the decoder read them; the zero
// value is a record shown as its bytes.
type decoding struct {
	key, value model.Decoded
}

// decodeRecords decodes the key and value of every record with dec, in the
// command that read them, before they reach a view: fetching a schema is
// network I/O. It returns nil when there is no decoder.
func decodeRecords(ctx context.Context, dec *decode.Decoder, recs []model.Record) []decoding {
	if dec == nil || len(recs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, decodeTimeout)
	defer cancel()
	out := make([]decoding, len(recs))
	for i, r := range recs {
		if err := ctx.Err(); err != nil {
			// Undecoded records still show, raw, with the reason.
			why := stoppedDecoding(err)
			for j := i; j < len(recs); j++ {
				out[j] = decoding{key: failedIfFramed(recs[j].Key, why), value: failedIfFramed(recs[j].Value, why)}
			}
			break
		}
		out[i].key, out[i].value = dec.Decode(ctx, r)
		if ctx.Err() != nil {
			out[i].key = restopped(out[i].key, ctx.Err())
			out[i].value = restopped(out[i].value, ctx.Err())
		}
	}
	return out
}

// stoppedDecoding says why decoding stopped before the end of a batch.
func stoppedDecoding(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("decoding the batch took over %s", decodeTimeout)
	}
	return errors.New("the read was cancelled while decoding")
}

// restopped words a decoding cut by the end of the batch's time as such.
func restopped(d model.Decoded, err error) model.Decoded {
	if d.Err != nil && (errors.Is(d.Err, context.DeadlineExceeded) || errors.Is(d.Err, context.Canceled)) {
		d.Err = stoppedDecoding(err)
	}
	return d
}

// failedIfFramed is the decoding of b left undecoded for why: only a value
// a decoder would have tried to decode says so.
func failedIfFramed(b []byte, why error) model.Decoded {
	if len(b) >= 5 && b[0] == 0 {
		return model.Decoded{Err: why}
	}
	return model.Decoded{Format: model.Classify(b)}
}

// decodedText is what a decoded key or value reads as: decompressed text
// as its text, anything else as its JSON.
func decodedText(d model.Decoded) []byte {
	if strings.HasSuffix(d.Format, "+text") {
		var s string
		if json.Unmarshal(d.Value, &s) == nil {
			return []byte(s)
		}
	}
	return d.Value
}
