package kafka

import (
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestGroupErrorsReadAsOneLine(t *testing.T) {
	denied := kerr.GroupAuthorizationFailed
	other := errors.New("coordinator 2 (127.0.0.1:9093): NOT_COORDINATOR")
	tests := []struct {
		name              string
		describe, offsets error
		want              string
	}{
		{"none", nil, nil, ""},
		{"describe only", other, nil, other.Error()},
		{"same denial twice is said once", denied, denied, denied.Error()},
		{"two different failures", other, denied, other.Error() + "; offsets: " + denied.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := joinGroupErrs(tt.describe, tt.offsets)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want || strings.Contains(got, "\n") {
				t.Fatalf("got %q, want %q on one line", got, tt.want)
			}
		})
	}
	// A denied FindCoordinator is a denial, not a missing coordinator.
	if got := coordinatorErr(kgo.ResponseShard{Meta: kgo.BrokerMetadata{NodeID: -1}}, denied).Error(); strings.Contains(got, "no coordinator") {
		t.Fatalf("denial reported as %q", got)
	}
}
