package logs

import (
	"strings"
	"testing"
)

func TestCheckRetention(t *testing.T) {
	for _, d := range []int{1, 30, 365, 3653} {
		if err := CheckRetention(d); err != nil {
			t.Errorf("%d: got %v, want nil", d, err)
		}
	}
	for _, d := range []int{0, 2, 10, 4000} {
		err := CheckRetention(d)
		if err == nil || !strings.Contains(err.Error(), "is not a CloudWatch Logs retention period: use one of 1, 3, 5, 7, 14, 30") {
			t.Errorf("%d: got %v", d, err)
		}
	}
}
