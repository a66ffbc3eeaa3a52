package demo

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestSeedRecordsAreDeterministic(t *testing.T) {
	a, b := seedRecords(SeedBase), seedRecords(SeedBase)
	if len(a) != SpentRecords+OddRecords+UserEventsRecords+OrdersRecords {
		t.Fatalf("%d seed records", len(a))
	}
	for i := range a {
		ra, rb := a[i], b[i]
		if ra.Topic != rb.Topic || ra.Partition != rb.Partition || !reflect.DeepEqual(ra.Key, rb.Key) ||
			!reflect.DeepEqual(ra.Value, rb.Value) || !reflect.DeepEqual(ra.Headers, rb.Headers) || !ra.Timestamp.Equal(rb.Timestamp) {
			t.Fatalf("record %d differs between two builds:\n%+v\n%+v", i, ra, rb)
		}
	}
	if n := len(oddRecords(OddPartition)); n != OddRecords {
		t.Errorf("OddRecords is %d, oddRecords builds %d", OddRecords, n)
	}
}

func TestSeedRecordsShape(t *testing.T) {
	base := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	keyPartition := map[string]int32{}
	perPartition := map[string]map[int32]int{}
	for _, r := range seedRecords(base) {
		if r.Timestamp.IsZero() || !r.Timestamp.Before(base) || r.Timestamp.Before(base.Add(-6*time.Hour)) {
			t.Fatalf("%s/%d at %s, want within 6 hours before %s", r.Topic, r.Partition, r.Timestamp, base)
		}
		if perPartition[r.Topic] == nil {
			perPartition[r.Topic] = map[int32]int{}
		}
		perPartition[r.Topic][r.Partition]++
		odd := r.Topic == SpentTopic && r.Partition == OddPartition && perPartition[r.Topic][r.Partition] > 500
		if !odd && !json.Valid(r.Value) {
			t.Fatalf("%s/%d: value is not JSON: %q", r.Topic, r.Partition, r.Value)
		}
		if r.Topic != OrdersTopic && r.Key != nil {
			// Keyed by user: one user, one partition.
			k := r.Topic + "/" + string(r.Key)
			if p, seen := keyPartition[k]; seen && p != r.Partition {
				t.Errorf("key %s on partitions %d and %d", k, p, r.Partition)
			}
			keyPartition[k] = r.Partition
		}
	}
	want := map[string]map[int32]int{
		SpentTopic:      {0: 500, 1: 500, 2: 500, 3: 500, 4: 500, 5: 500 + OddRecords},
		UserEventsTopic: {0: 300, 1: 300, 2: 300},
		OrdersTopic:     {0: 60, 1: 60, 2: 60, 3: 60},
	}
	if !reflect.DeepEqual(perPartition, want) {
		t.Errorf("records per partition %v, want %v", perPartition, want)
	}
}
