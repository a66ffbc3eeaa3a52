package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The demo's names, as the service would have them.
const (
	Base = "my-batch-consumer"

	SpentTopic      = "spent_detail_topic"
	UserEventsTopic = "user_events"
	OrdersTopic     = "orders"

	SpentPartitions      = 6
	UserEventsPartitions = 3
	OrdersPartitions     = 4

	// SpentRecords JSON spents go round-robin by user over the partitions
	// (500 each); then OddPartition gets the odd records.
	SpentRecords      = 3000
	UserEventsRecords = 900
	OrdersRecords     = 240

	// OddPartition of SpentTopic ends with the records that are not JSON
	// objects (see OddRecords), inside the default group's lag.
	OddPartition = 5

	// TrimmedPartition of SpentTopic has its first TrimmedTo records
	// deleted, as retention would, so a group committed below it shows
	// expired records.
	TrimmedPartition = 4
	TrimmedTo        = 40

	// OddRecords is how many non-JSON-object records end OddPartition.
	OddRecords = 7

	// LiveGroup has a live member while a Demo runs; Seed only commits it.
	LiveGroup = Base + "-" + UserEventsTopic + "-realtime-alerts"
)

// SeedBase is the time Seed's records lead up to: the last seeded record of
// each topic is a little before it.
var SeedBase = time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)

// Commits returns the seeded committed offset of every group, by group,
// topic and partition. A partition missing from a topic's map has no commit.
// The offsets are absolute and match the seeded end offsets: 500 per
// partition of SpentTopic (507 on OddPartition), 300 per partition of
// UserEventsTopic, 60 per partition of OrdersTopic.
func Commits() map[string]map[string]map[int32]int64 {
	return map[string]map[string]map[int32]int64{
		// Default group: some lag, none on partition 1, the odd records unread.
		Base + "-" + SpentTopic: {SpentTopic: {0: 488, 1: 500, 2: 465, 3: 493, 4: 450, 5: 486}},
		// Full indexing: caught up.
		Base + "-" + SpentTopic + "-full-index": {SpentTopic: {0: 500, 1: 500, 2: 500, 3: 500, 4: 500, 5: 507}},
		// Incremental indexing: lagging, behind the log start on the trimmed
		// partition (expired records) and never committed on partition 5.
		Base + "-" + SpentTopic + "-incremental": {SpentTopic: {0: 300, 1: 310, 2: 320, 3: 290, 4: 25}},
		// Analytics: big batches, lagging.
		Base + "-" + UserEventsTopic + "-analytics": {UserEventsTopic: {0: 180, 1: 220, 2: 100}},
		// Real-time alerts: nearly caught up; a Demo's live member resumes here.
		LiveGroup: {UserEventsTopic: {0: 295, 1: 297, 2: 292}},
		// Another service's group on the same topic.
		"billing-service-" + SpentTopic: {SpentTopic: {0: 499, 1: 498, 2: 497, 3: 496, 4: 495, 5: 494}},
		// Under the base but fitting no topic: an old job's group.
		Base + "-legacy": {OrdersTopic: {0: 60, 1: 60, 2: 58, 3: 55}},
	}
}

// Seed creates the demo topics on an empty cluster, fills them with
// deterministic records timed up to SeedBase, and commits the groups'
// offsets (see Commits) without joining any group. It fails if a demo topic
// already exists.
func Seed(ctx context.Context, brokers []string) error {
	return SeedAt(ctx, brokers, SeedBase)
}

// SeedAt is Seed with records timed up to base instead of SeedBase: the
// spents over the 6 hours before it, the user events over 3 hours, the
// orders over 2.
func SeedAt(ctx context.Context, brokers []string, base time.Time) error {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ClientID("kgroups-demo-seed"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	)
	if err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	for _, t := range []struct {
		name       string
		partitions int32
	}{
		{SpentTopic, SpentPartitions},
		{UserEventsTopic, UserEventsPartitions},
		{OrdersTopic, OrdersPartitions},
	} {
		resp, err := adm.CreateTopic(ctx, t.partitions, -1, nil, t.name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("demo seed: create topic %s: %w", t.name, err)
		}
	}

	if err := cl.ProduceSync(ctx, seedRecords(base)...).FirstErr(); err != nil {
		return fmt.Errorf("demo seed: produce: %w", err)
	}

	var trim kadm.Offsets
	trim.AddOffset(SpentTopic, TrimmedPartition, TrimmedTo, -1)
	deleted, err := adm.DeleteRecords(ctx, trim)
	if err == nil {
		err = deleted.Error()
	}
	if err != nil {
		return fmt.Errorf("demo seed: delete records of %s/%d: %w", SpentTopic, TrimmedPartition, err)
	}

	var errs []error
	for group, topics := range Commits() {
		var os kadm.Offsets
		for topic, parts := range topics {
			for p, at := range parts {
				os.AddOffset(topic, p, at, -1)
			}
		}
		if err := adm.CommitAllOffsets(ctx, group, os); err != nil {
			errs = append(errs, fmt.Errorf("demo seed: commit %s: %w", group, err))
		}
	}
	return errors.Join(errs...)
}

// seedRecords builds every seeded record, in produce order.
func seedRecords(base time.Time) []*kgo.Record {
	recs := make([]*kgo.Record, 0, SpentRecords+OddRecords+UserEventsRecords+OrdersRecords)

	spents := newGenerator(1)
	spentStart := base.Add(-6 * time.Hour)
	step := 6 * time.Hour / time.Duration(SpentRecords+OddRecords+1)
	for i := range SpentRecords {
		recs = append(recs, spents.spent(i, spentStart.Add(time.Duration(i)*step)))
	}
	for j, r := range oddRecords(OddPartition) {
		r.Timestamp = spentStart.Add(time.Duration(SpentRecords+j) * step)
		recs = append(recs, r)
	}

	events := newGenerator(2)
	eventStart := base.Add(-3 * time.Hour)
	step = 3 * time.Hour / UserEventsRecords
	for i := range UserEventsRecords {
		recs = append(recs, events.userEvent(i, eventStart.Add(time.Duration(i)*step)))
	}

	orders := newGenerator(3)
	orderStart := base.Add(-2 * time.Hour)
	step = 2 * time.Hour / OrdersRecords
	for i := range OrdersRecords {
		recs = append(recs, orders.order(i, orderStart.Add(time.Duration(i)*step)))
	}
	return recs
}
