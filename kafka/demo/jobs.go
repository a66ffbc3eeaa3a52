package demo

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// JobInterval is how often the demo's simulated batch jobs commit.
const JobInterval = 3 * time.Second

// job is one of the service's batch jobs as the demo simulates it: between
// two runs it holds no membership, and each run commits a batch's worth of
// progress on every partition, from wherever the group stands (so a reset
// made in kgroups is honoured, as the real service would honour it).
type job struct {
	group string
	topic string
	// step is how many records per partition one run reads; 0 reads to
	// the end of the log.
	step int64
}

// jobs gives the demo's groups the statuses a real deployment shows:
// full-index keeps up (OK), incremental works off its backlog (CATCHING
// UP), analytics reads slower than user_events grows (FALLING BEHIND). The
// default group of spent_detail_topic has no job (STOPPED), and
// realtime-alerts is the live member (see startLive).
var jobs = []job{
	{group: Base + "-" + SpentTopic + "-full-index", topic: SpentTopic, step: 0},
	{group: Base + "-" + SpentTopic + "-incremental", topic: SpentTopic, step: 15},
	{group: Base + "-" + UserEventsTopic + "-analytics", topic: UserEventsTopic, step: 2},
}

// startJobs runs the simulated batch jobs every interval until runCtx ends.
func (d *Demo) startJobs(runCtx context.Context, cl *kgo.Client, interval time.Duration) {
	adm := kadm.NewClient(cl)
	d.wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
			}
			for _, j := range jobs {
				// Failures are transient on an in-process cluster (or
				// it is closing); the next run catches up.
				_ = j.run(runCtx, adm)
			}
		}
	})
}

// run commits one batch's progress of j, never past the log end and never
// backwards.
func (j job) run(ctx context.Context, adm *kadm.Client) error {
	ends, err := adm.ListEndOffsets(ctx, j.topic)
	if err != nil {
		return err
	}
	committed, err := adm.FetchOffsets(ctx, j.group)
	if err != nil {
		return err
	}
	next := make(kadm.Offsets)
	ends.Each(func(end kadm.ListedOffset) {
		if end.Err != nil {
			return
		}
		from := int64(0)
		if c, ok := committed.Lookup(j.topic, end.Partition); ok && c.Err == nil {
			from = c.At
		}
		to := end.Offset
		if j.step > 0 {
			to = min(from+j.step, end.Offset)
		}
		if to > from {
			next.Add(kadm.Offset{Topic: j.topic, Partition: end.Partition, At: to, LeaderEpoch: -1})
		}
	})
	if len(next) == 0 {
		return nil
	}
	_, err = adm.CommitOffsets(ctx, j.group, next)
	return err
}
