//go:build linux

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBenchAlternate runs whole programs alternately and prints, for each,
// the median wall time, peak RSS (ru_maxrss) and CPU (user + system) over
// the runs, with the wall time's range: the harness behind the
// whole-process tables of BENCHMARKS.md. Commands are separated by ";;",
// run through sh -c with stdout to /dev/null, in turn, KGROUPS_BENCH_RUNS
// times (default 9); a failing run fails the test.
//
//	KGROUPS_BENCH_ALTERNATE='./kgroups lag -o json --brokers $B --base bench;;KGROUPS_BENCH_FLOOR=$B ./cli.test -test.run ^TestBenchFloor$' \
//	  ./cli.test -test.run '^TestBenchAlternate$' -test.v
func TestBenchAlternate(t *testing.T) {
	spec := os.Getenv("KGROUPS_BENCH_ALTERNATE")
	if spec == "" {
		t.Skip("runs whole programs alternately when KGROUPS_BENCH_ALTERNATE is set")
	}
	runs := 9
	if s := os.Getenv("KGROUPS_BENCH_RUNS"); s != "" {
		var err error
		if runs, err = strconv.Atoi(s); err != nil || runs < 1 {
			t.Fatalf("KGROUPS_BENCH_RUNS=%q: want a positive count", s)
		}
	}
	cmds := strings.Split(spec, ";;")
	wall := make([][]time.Duration, len(cmds))
	rss := make([][]int64, len(cmds))
	cpu := make([][]time.Duration, len(cmds))
	for range runs {
		for i, c := range cmds {
			cmd := exec.Command("sh", "-c", c)
			cmd.Stderr = os.Stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			wall[i] = append(wall[i], time.Since(start))
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			rss[i] = append(rss[i], ru.Maxrss) // KiB on Linux
			cpu[i] = append(cpu[i], time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
		}
	}
	for i, c := range cmds {
		slices.Sort(wall[i])
		fmt.Printf("%-72.72s wall %7.1f ms (%.1f–%.1f)  rss %6.1f MiB  cpu %6.1f ms\n", strings.TrimSpace(c),
			ms(median(wall[i])), ms(wall[i][0]), ms(wall[i][len(wall[i])-1]), float64(median(rss[i]))/1024, ms(median(cpu[i])))
	}
}

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
