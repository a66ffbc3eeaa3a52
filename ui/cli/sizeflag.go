package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kgroups/kgroups/model"
)

// byteSize is a memory size flag: a number with an optional unit (KiB, MiB,
// GiB, or KB, MB, GB; case does not matter), MiB when there is none.
type byteSize int64

// defaultHistoryBudget is --history-budget unless set.
const defaultHistoryBudget = byteSize(model.DefaultHistoryBudget)

// minHistoryBudget keeps --history-budget from meaning nothing at all.
const minHistoryBudget = 1 << 20

var sizeUnits = []struct {
	suffix string
	bytes  int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30},
}

func (b *byteSize) String() string {
	n := int64(*b)
	switch {
	case n%(1<<30) == 0 && n > 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	v := strings.ToLower(strings.TrimSpace(s))
	unit := int64(1 << 20)
	for _, u := range sizeUnits {
		if strings.HasSuffix(v, u.suffix) {
			v, unit = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.bytes
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || n*float64(unit) > 1<<50 {
		return fmt.Errorf("want a size such as 256MiB or 1GiB")
	}
	size := int64(n * float64(unit))
	if size < minHistoryBudget {
		return fmt.Errorf("%s is less than 1MiB", s)
	}
	*b = byteSize(size)
	return nil
}
