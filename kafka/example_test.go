package kafka_test

import (
	"context"
	"fmt"
	"log"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// A service processes each batch before it is committed: if store fails,
// nothing of the batch is committed and the next call hands it again.
func ExampleRegistry_ConsumeFunc() {
	reg, err := kafka.NewRegistry("my-batch-consumer", kafka.Config{Brokers: []string{"localhost:9092"}})
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()

	store := func(recs []model.Record) error {
		for _, r := range recs {
			fmt.Printf("%s/%d@%d\n", r.Topic, r.Partition, r.Offset)
		}
		return nil
	}
	err = reg.ConsumeFunc(context.Background(), "spent_detail_topic", "incremental", 500, store)
	if err != nil {
		log.Printf("batch not committed, it will be read again: %v", err)
	}
}
