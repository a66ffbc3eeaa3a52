package widget

import (
	"fmt"

	"github.com/kgroups/kgroups/model"
)

// ValidSuffix keeps new suffixes to names the service's jobs would use:
// the suffix of a group created by a consume or by an offset operation.
func ValidSuffix(s string) error {
	if s == "" {
		return fmt.Errorf("give a suffix, e.g. full-index")
	}
	if len(s) > 200 {
		return fmt.Errorf("suffix: at most 200 characters")
	}
	if err := model.CheckNameChars(s); err != nil {
		return fmt.Errorf("suffix: %v: use letters, digits, '-', '_' and '.' only", err)
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("suffix: use letters, digits, '-', '_' and '.' only")
		}
	}
	return nil
}
