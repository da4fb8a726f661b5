package database

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	// RDS (and Lightsail) refuse windows shorter than half an hour.
	minWindowMinutes = 30
)

var (
	weekdays        = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	maintenanceForm = regexp.MustCompile(`^([a-z]{3}):([0-9]{2}):([0-9]{2})-([a-z]{3}):([0-9]{2}):([0-9]{2})$`)
	backupForm      = regexp.MustCompile(`^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$`)
)

// window is a span of minutes on a circle (a week or a day): it may wrap around the end.
type window struct{ start, length int }

// maintenanceWindow parses "ddd:hh:mm-ddd:hh:mm" (UTC, day names in any case) into minutes of
// the week.
func maintenanceWindow(s string) (window, error) {
	const use = `use ddd:hh:mm-ddd:hh:mm in UTC, e.g. "sun:05:00-sun:06:00"`
	m := maintenanceForm.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return window{}, fmt.Errorf("%q is not a maintenance window: %s", s, use)
	}
	start, ok1 := weekMinute(m[1], m[2], m[3])
	end, ok2 := weekMinute(m[4], m[5], m[6])
	if !ok1 || !ok2 {
		return window{}, fmt.Errorf("%q is not a maintenance window: days are mon to sun, hours 00 to 23, minutes 00 to 59; %s", s, use)
	}
	w := window{start, mod(end-start, minutesPerWeek)}
	if w.length < minWindowMinutes {
		return window{}, fmt.Errorf("%q lasts %d minutes: the database needs at least %d", s, w.length, minWindowMinutes)
	}
	return w, nil
}

// backupWindow parses "hh:mm-hh:mm" (UTC) into minutes of the day.
func backupWindow(s string) (window, error) {
	const use = `use hh:mm-hh:mm in UTC, e.g. "03:00-04:00"`
	m := backupForm.FindStringSubmatch(s)
	if m == nil {
		return window{}, fmt.Errorf("%q is not a backup window: %s", s, use)
	}
	start, ok1 := dayMinute(m[1], m[2])
	end, ok2 := dayMinute(m[3], m[4])
	if !ok1 || !ok2 {
		return window{}, fmt.Errorf("%q is not a backup window: hours are 00 to 23, minutes 00 to 59; %s", s, use)
	}
	w := window{start, mod(end-start, minutesPerDay)}
	if w.length < minWindowMinutes {
		return window{}, fmt.Errorf("%q lasts %d minutes: the database needs at least %d", s, w.length, minWindowMinutes)
	}
	return w, nil
}

// overlaps reports whether a daily backup window meets a weekly maintenance window on any day.
func overlaps(maintenance, backup window) bool {
	for day := range 7 {
		b := window{day*minutesPerDay + backup.start, backup.length}
		if mod(b.start-maintenance.start, minutesPerWeek) < maintenance.length ||
			mod(maintenance.start-b.start, minutesPerWeek) < b.length {
			return true
		}
	}
	return false
}

func weekMinute(day, hh, mm string) (int, bool) {
	d := slices.Index(weekdays, day)
	m, ok := dayMinute(hh, mm)
	return d*minutesPerDay + m, d >= 0 && ok
}

func dayMinute(hh, mm string) (int, bool) {
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	return h*60 + m, h < 24 && m < 60
}

func mod(a, n int) int { return ((a % n) + n) % n }
