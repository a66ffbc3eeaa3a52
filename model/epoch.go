package model

import (
	"fmt"
	"time"
)

// KafkaEpoch is the earliest time a Kafka timestamp can name: timestamps are
// milliseconds since the Unix epoch, and the negative ones are sentinels
// (ListOffsets reads -1 as "the log end" and -2 as "the log start").
var KafkaEpoch = time.Unix(0, 0).UTC()

// TimeLayout shows a point in time to the millisecond, as plans and records
// do: a plan made for 08:59:59.999 must not read as 08:59:59.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// CheckKafkaTime returns an error saying so when t is before KafkaEpoch.
func CheckKafkaTime(t time.Time) error {
	if t.Before(KafkaEpoch) {
		return fmt.Errorf("%s is before 1970, where Kafka time starts", t.Format(time.RFC3339Nano))
	}
	return nil
}
