// Package logs holds the CloudWatch Logs rules strata's components share.
package logs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// RetentionDays are the retention periods CloudWatch Logs accepts. 0 (never expire) is left out:
// every strata log group has a retention.
var RetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// CheckRetention checks a log group's retention in days.
func CheckRetention(days int) error {
	if slices.Contains(RetentionDays, days) {
		return nil
	}
	allowed := make([]string, len(RetentionDays))
	for i, d := range RetentionDays {
		allowed[i] = strconv.Itoa(d)
	}
	return fmt.Errorf("%d is not a CloudWatch Logs retention period: use one of %s days", days, strings.Join(allowed, ", "))
}
