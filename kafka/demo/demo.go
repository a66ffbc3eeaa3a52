// Package demo runs an in-process Kafka cluster (kfake) seeded the way the
// service's cluster looks: base "my-batch-consumer", a spent_detail_topic
// indexed by a default, a full-index and an incremental group, user_events
// read by an analytics job and a live real-time alerting member, an orders
// topic, another service's group and an unmatched name under the base;
// beside it a schema registry (srfake) serving the Avro topic orders-avro
// and the Protobuf topic payments-proto.
// `kgroups demo` serves it on loopback; `--demo` starts one in process.
package demo

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// Brokers is the number of brokers a Demo starts when Options.Ports is empty.
const Brokers = 3

// DefaultProduceInterval is how often the slow producer writes one record
// to SpentTopic, one to UserEventsTopic, one framed order to
// OrdersAvroTopic and one framed payment to PaymentsProtoTopic.
const DefaultProduceInterval = 400 * time.Millisecond

// liveInterval and liveBatch pace the live real-time alerts member: it
// reads at most liveBatch records every liveInterval, a little faster than
// the producer writes, so its lag stays small but visible.
const (
	liveInterval = time.Second
	liveBatch    = 5
)

// Options tunes a Demo. The zero value serves 3 brokers on random loopback
// ports with records timed up to SeedBase and a slow producer running.
type Options struct {
	// Ports to listen on, one broker each, on 127.0.0.1. Empty: 3 brokers
	// on random ports.
	Ports []int
	// NoProducer freezes the demo: no records are produced, the batch
	// jobs do not run and the live member holds its partitions without
	// reading or committing, so every offset stays as seeded.
	NoProducer bool
	// ProduceInterval overrides DefaultProduceInterval.
	ProduceInterval time.Duration
	// JobInterval overrides JobInterval, the pace of the batch jobs.
	JobInterval time.Duration
	// Now times the seeded records (they lead up to Now()) and the
	// produced ones. Nil: seeded records lead up to SeedBase and produced
	// ones use the wall clock.
	Now func() time.Time
}

// Demo is a running demo cluster. Close stops it.
type Demo struct {
	cluster  *kfake.Cluster
	brokers  []string
	live     *kgo.Client
	producer *kgo.Client
	registry *srfake.Registry
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	close    sync.Once
}

// Start starts the cluster, seeds it (see Seed), joins the live
// real-time alerts member and, unless opt.NoProducer, starts the slow
// producer and the simulated batch jobs (see jobs). ctx bounds the start only; the demo runs until Close.
func Start(ctx context.Context, opt Options) (*Demo, error) {
	kopts := []kfake.Opt{kfake.NumBrokers(Brokers)}
	if len(opt.Ports) > 0 {
		kopts = append(kopts, kfake.Ports(opt.Ports...))
	}
	cluster, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("start demo cluster: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	d := &Demo{cluster: cluster, brokers: cluster.ListenAddrs(), cancel: cancel}

	base, now := SeedBase, time.Now
	if opt.Now != nil {
		base, now = opt.Now(), opt.Now
	}
	if err := SeedAt(ctx, d.brokers, base); err != nil {
		d.Close()
		return nil, err
	}
	registry, orderID, paymentID, err := startRegistry()
	if err != nil {
		d.Close()
		return nil, err
	}
	d.registry = registry
	if err := seedRegistryTopics(ctx, d.brokers, base, orderID, paymentID); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.startLive(ctx, runCtx, !opt.NoProducer); err != nil {
		d.Close()
		return nil, err
	}
	if !opt.NoProducer {
		interval := opt.ProduceInterval
		if interval <= 0 {
			interval = DefaultProduceInterval
		}
		if err := d.startProducer(runCtx, interval, now, orderID, paymentID); err != nil {
			d.Close()
			return nil, err
		}
		jobEvery := opt.JobInterval
		if jobEvery <= 0 {
			jobEvery = JobInterval
		}
		d.startJobs(runCtx, d.producer, jobEvery)
	}
	return d, nil
}

// RegistryURL is the address of the demo's schema registry, on loopback.
func (d *Demo) RegistryURL() string { return d.registry.URL() }

// Brokers returns the bootstrap addresses (127.0.0.1:port, one per broker).
func (d *Demo) Brokers() []string { return slices.Clone(d.brokers) }

// Close stops the producer and the live member (which leaves its group),
// then the cluster. It waits for every goroutine it started. Safe to call
// more than once.
func (d *Demo) Close() {
	d.close.Do(func() {
		d.cancel()
		d.wg.Wait()
		if d.live != nil {
			d.live.Close()
		}
		if d.producer != nil {
			d.producer.Close()
		}
		d.cluster.Close()
		if d.registry != nil {
			d.registry.Close()
		}
	})
}

// startLive joins LiveGroup with one member and waits until it holds its
// partitions. When consume is set, a goroutine reads slowly and commits what
// it read, as the service's real-time alerting job would.
func (d *Demo) startLive(ctx, runCtx context.Context, consume bool) error {
	assigned := make(chan struct{})
	var once sync.Once
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(d.brokers...),
		kgo.ClientID("realtime-alerts"),
		kgo.ConsumerGroup(LiveGroup),
		kgo.ConsumeTopics(UserEventsTopic),
		kgo.DisableAutoCommit(),
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) {
			once.Do(func() { close(assigned) })
		}),
	)
	if err != nil {
		return fmt.Errorf("demo live member: %w", err)
	}
	d.live = cl
	select {
	case <-assigned:
	case <-ctx.Done():
		return fmt.Errorf("demo live member: joining %s: %w", LiveGroup, ctx.Err())
	}
	if !consume {
		return nil
	}
	d.wg.Go(func() {
		tick := time.NewTicker(liveInterval)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
			}
			recs := cl.PollRecords(runCtx, liveBatch).Records()
			if len(recs) == 0 {
				continue
			}
			// A failed commit (say, during a rebalance) is retried by
			// the next one, as the alerting job would.
			_ = cl.CommitRecords(runCtx, recs...)
		}
	})
	return nil
}

// startProducer writes one spent, one user event, one order and one
// payment every interval, keyed, partitioned and framed like the seeded
// ones, with deterministic content: so a follow of any demo topic but
// orders sees records arrive.
func (d *Demo) startProducer(runCtx context.Context, interval time.Duration, now func() time.Time, orderID, paymentID int) error {
	framed, err := newRegistryEncoder(orderID, paymentID, newGenerator(13))
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(d.brokers...),
		kgo.ClientID("kgroups-demo-producer"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	)
	if err != nil {
		return fmt.Errorf("demo producer: %w", err)
	}
	d.producer = cl
	d.wg.Go(func() {
		spents, events := newGenerator(11), newGenerator(12)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
			}
			ts := now()
			recs := []*kgo.Record{spents.spent(SpentRecords+i, ts), events.userEvent(UserEventsRecords+i, ts)}
			if order, err := framed.order(OrdersAvroRecords+i, ts); err == nil {
				recs = append(recs, order)
			}
			if payment, err := framed.payment(PaymentsProtoRecords+i, ts); err == nil {
				recs = append(recs, payment)
			}
			// The cluster is in process: a failure is transient or
			// the demo is closing; either way keep the pace.
			_ = cl.ProduceSync(runCtx, recs...).FirstErr()
		}
	})
	return nil
}
