package tui

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/model/filter"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// A follow runs as two commands in the scope of its page. followReadCmd
// reads the stream (kafka.FollowStream.Next) as fast as the cluster hands
// records over and puts them in a followFeed; followChunkCmd waits for
// records in the feed, lets one frame's worth gather, filters them and
// returns them as one followChunkMsg, and the page asks for the next one.
// So the page takes at most one message a frame however fast records
// come, decoding (a schema may be fetched from the registry) and
// filtering (a jq filter parses every value) never run in Update,
// and leaving the page ends the scope: the read stops, its client is
// closed, and the chunk command returns nothing.

// followFrame is the shortest time between two chunks: the view is
// redrawn at most this often, not per record.
const followFrame = 33 * time.Millisecond

// followLifetime bounds the commands of a follow: a follow runs until its
// page is left, so this is only a backstop.
const followLifetime = 7 * 24 * time.Hour

// followFeed carries a follow's records from the command that reads them
// to the one that hands them to the page. It holds at most limit records
// (the page's ring holds no more): when the page falls behind, the oldest
// are dropped and counted. It is safe for concurrent use.
type followFeed struct {
	res   *widget.Resources // the page's scope
	limit int

	mu      sync.Mutex
	recs    []model.Record
	dropped int64
	done    bool
	err     error // why the read ended; nil for its Until
	wake    chan struct{}
}

func newFollowFeed(res *widget.Resources, limit int) *followFeed {
	return &followFeed{res: res, limit: max(limit, 1), wake: make(chan struct{}, 1)}
}

// push adds records read. The oldest go once twice the limit is held, so
// a page that falls behind costs a copy every limit records, not one a
// fetch; take hands over no more than the limit.
func (f *followFeed) push(batch []model.Record) {
	f.mu.Lock()
	f.recs = append(f.recs, batch...)
	if len(f.recs) > 2*f.limit {
		f.recs = f.dropOldest(f.recs)
	}
	f.mu.Unlock()
	f.signal()
}

// dropOldest keeps the newest limit of recs, in a new slice, and counts the
// others as dropped.
func (f *followFeed) dropOldest(recs []model.Record) []model.Record {
	over := len(recs) - f.limit
	if over <= 0 {
		return recs
	}
	f.dropped += int64(over)
	return append(recs[:0:0], recs[over:]...)
}

// finish records that the read ended, and why.
func (f *followFeed) finish(err error) {
	f.mu.Lock()
	f.done, f.err = true, err
	f.mu.Unlock()
	f.signal()
}

func (f *followFeed) signal() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take empties the feed.
func (f *followFeed) take() (recs []model.Record, dropped int64, done bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	recs = f.dropOldest(f.recs)
	dropped = f.dropped
	f.recs, f.dropped = nil, 0
	return recs, dropped, f.done, f.err
}

// followChunkMsg is what arrived in a follow since the last chunk.
type followChunkMsg struct {
	id      int            // the follow
	records []model.Record // in the order read
	decoded []decoding     // one per record; nil when there is no decoder
	dropped int64          // read but dropped before they could be shown
	// match says which records the filter of generation filterGen keeps;
	// nil when that filter keeps every record.
	match     []bool
	filterGen int
	ended     bool  // the read is over: no chunk follows
	err       error // why it ended
}

// followRefilterMsg is a new filter applied to the records a follow holds.
type followRefilterMsg struct {
	id        int
	filterGen int
	scanned   int
	matches   []model.Record // of the records shown
	matchDecs []decoding     // one per match; nil when none was decoded
	// pendingMatch marks the records arrived while paused, not shown yet.
	pendingMatch []bool
}

// followReadCmd opens the follow and reads it into feed until its scope
// ends or the read fails.
func followReadCmd(cl *kafka.Cluster, req kafka.FollowRequest, feed *followFeed) tea.Cmd {
	return widget.Run(feed.res, followLifetime, func(ctx context.Context) tea.Msg {
		if cl == nil {
			feed.finish(widget.ErrNoCluster)
			return nil
		}
		openCtx, cancel := context.WithTimeout(ctx, peekTimeout)
		s, err := cl.OpenFollow(openCtx, req)
		cancel()
		if err != nil {
			feed.finish(err)
			return nil
		}
		defer s.Close()
		for {
			batch, err := s.Next(ctx)
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				feed.finish(err)
				return nil
			}
			feed.push(batch)
		}
	})
}

// followChunkCmd waits for records in feed, gives them a frame to gather,
// and returns them decoded by dec (nil: not decoded), under the same time
// limit as a batch's (decodeRecords), and marked by flt (of generation
// filterGen). The filter reads the bytes as they arrived, as the CLI's
// consume and tail do, not the decoded value. It returns nothing once the
// page is left.
func followChunkCmd(id int, feed *followFeed, dec *decode.Decoder, flt *filter.Filter, filterGen int) tea.Cmd {
	return widget.Run(feed.res, followLifetime, func(ctx context.Context) tea.Msg {
		started := time.Now()
		select {
		case <-feed.wake:
		case <-ctx.Done():
			return nil
		}
		if wait := followFrame - time.Since(started); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil
			}
		}
		recs, dropped, done, err := feed.take()
		msg := followChunkMsg{id: id, records: recs, dropped: dropped, filterGen: filterGen, ended: done, err: err}
		msg.decoded = decodeRecords(ctx, dec, recs)
		if ctx.Err() != nil {
			return nil // the page was left while decoding
		}
		if !flt.Empty() {
			msg.match = matchAll(flt, recs)
		}
		return msg
	})
}

// followRefilterCmd applies a new filter to the records a follow holds:
// recs, shown (with decs, their decodings or nil), and pending, arrived
// while paused. The matches keep their decodings: nothing is decoded again.
func followRefilterCmd(id int, res *widget.Resources, recs []model.Record, decs []decoding, pending []model.Record, flt *filter.Filter, filterGen int) tea.Cmd {
	return widget.Run(res, followLifetime, func(ctx context.Context) tea.Msg {
		msg := followRefilterMsg{id: id, filterGen: filterGen, scanned: len(recs), pendingMatch: matchAll(flt, pending)}
		for i := range recs {
			if i%1024 == 0 && ctx.Err() != nil {
				return nil
			}
			if flt.Match(&recs[i]) {
				msg.matches = append(msg.matches, recs[i])
				if decs != nil {
					msg.matchDecs = append(msg.matchDecs, decs[i])
				}
			}
		}
		return msg
	})
}

// matchAll says which of recs flt keeps.
func matchAll(flt *filter.Filter, recs []model.Record) []bool {
	match := make([]bool, len(recs))
	for i := range recs {
		match[i] = flt.Match(&recs[i])
	}
	return match
}
