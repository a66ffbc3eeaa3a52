package cli

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
)

// TestLagJSONContract checks the lag -o json shape field by field on a
// snapshot built out of order: groups sorted by name, partitions by number,
// committed null without a commit, oldest_unconsumed RFC 3339 in UTC or
// null, unmatched sorted, and empty lists as [] rather than null.
func TestLagJSONContract(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	snap := model.Snapshot{
		Base: "svc",
		Groups: []model.Group{
			{
				ID: "svc-orders-x", Name: model.GroupName{Base: "svc", Topic: "orders", Suffix: "x"},
				State: "Stable", Members: []model.Member{{ID: "m1"}, {ID: "m2"}}, Lag: 9,
				Partitions: []model.PartitionLag{
					{Partition: 1, Start: 0, End: 4, Lag: 4},
					{Partition: 0, Start: 3, End: 10, Committed: 1, HasCommitted: true, Lag: 7, Expired: 2,
						OldestUnconsumed: time.Date(2025, 1, 15, 9, 30, 0, 123e6, paris)},
					{Partition: 2, Err: errors.New("not authorized")},
				},
			},
			{
				ID: "svc-orders", Name: model.GroupName{Base: "svc", Topic: "orders"},
				State: "Empty", Err: errors.New("coordinator down"),
				Partitions: []model.PartitionLag{{Partition: 0, Start: 0, End: 0, Committed: 0, HasCommitted: true}},
			},
		},
		Unmatched: []string{"svc-zz", "svc-aa"},
	}
	want := `{
  "base": "svc",
  "groups": [
    {
      "group": "svc-orders",
      "topic": "orders",
      "suffix": "",
      "state": "Empty",
      "members": 0,
      "lag": 0,
      "partitions": [
        {
          "partition": 0,
          "start": 0,
          "end": 0,
          "committed": 0,
          "lag": 0,
          "expired": 0,
          "oldest_unconsumed": null
        }
      ],
      "error": "coordinator down"
    },
    {
      "group": "svc-orders-x",
      "topic": "orders",
      "suffix": "x",
      "state": "Stable",
      "members": 2,
      "lag": 9,
      "partitions": [
        {
          "partition": 0,
          "start": 3,
          "end": 10,
          "committed": 1,
          "lag": 7,
          "expired": 2,
          "oldest_unconsumed": "2025-01-15T08:30:00.123Z"
        },
        {
          "partition": 1,
          "start": 0,
          "end": 4,
          "committed": null,
          "lag": 4,
          "expired": 0,
          "oldest_unconsumed": null
        },
        {
          "partition": 2,
          "start": 0,
          "end": 0,
          "committed": null,
          "lag": 0,
          "expired": 0,
          "oldest_unconsumed": null,
          "error": "not authorized"
        }
      ]
    }
  ],
  "unmatched": [
    "svc-aa",
    "svc-zz"
  ]
}
`
	var got bytes.Buffer
	if err := writeLagJSON(&got, snap); err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		t.Errorf("lag JSON:\n%s\nwant:\n%s", got.String(), want)
	}

	got.Reset()
	if err := writeLagJSON(&got, model.Snapshot{Base: "svc"}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"base\": \"svc\",\n  \"groups\": [],\n  \"unmatched\": []\n}\n"; got.String() != want {
		t.Errorf("no groups: %s, want %s", got.String(), want)
	}
}
