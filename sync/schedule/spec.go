// Package schedule runs syncs in the background: one goroutine per sync
// with a select loop over its timer, a "sync now" channel and config
// updates (syncthing's folder loop), back-off after failures, and one
// catch-up run after the machine slept through its schedule.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kinds of schedule.
const (
	Manual = "manual"
	Every  = "every"
	Daily  = "daily"
)

// MinEvery is the shortest interval allowed; shorter would burn API budgets.
const MinEvery = time.Minute

// Spec is a parsed schedule.
type Spec struct {
	Kind  string        // Manual, Every or Daily
	Every time.Duration // Kind Every
	At    string        // Kind Daily: "HH:MM"
	Loc   *time.Location
}

// Parse reads "manual", "every 15m", "every 1h30m", "every 2 hours",
// "daily 09:30", "daily at 09:30" and "daily 09:30 Europe/Berlin". Daily
// times without a zone are in the machine's zone (Options.Location at each plan).
func Parse(s string) (Spec, error) {
	words := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(words) == 0 {
		return Spec{}, fmt.Errorf("schedule: empty; use manual, every 15m or daily 09:30")
	}
	orig := strings.Fields(strings.TrimSpace(s))
	switch words[0] {
	case Manual:
		if len(words) > 1 {
			return Spec{}, fmt.Errorf("schedule %q: manual takes nothing after it", s)
		}
		return Spec{Kind: Manual}, nil
	case Every:
		d, err := parseInterval(strings.Join(words[1:], " "))
		if err != nil {
			return Spec{}, fmt.Errorf("schedule %q: %w", s, err)
		}
		if d < MinEvery {
			return Spec{}, fmt.Errorf("schedule %q: every must be at least %s", s, formatDuration(MinEvery))
		}
		return Spec{Kind: Every, Every: d}, nil
	case Daily:
		rest, orest := words[1:], orig[1:]
		if len(rest) > 0 && rest[0] == "at" {
			rest, orest = rest[1:], orest[1:]
		}
		if len(rest) == 0 || len(rest) > 2 {
			return Spec{}, fmt.Errorf("schedule %q: want daily HH:MM [Zone], e.g. daily 09:30", s)
		}
		at, err := parseClock(rest[0])
		if err != nil {
			return Spec{}, fmt.Errorf("schedule %q: %w", s, err)
		}
		loc := time.Local
		if len(orest) == 2 {
			if loc, err = time.LoadLocation(orest[1]); err != nil {
				return Spec{}, fmt.Errorf("schedule %q: unknown time zone %q", s, orest[1])
			}
		}
		return Spec{Kind: Daily, At: at, Loc: loc}, nil
	}
	return Spec{}, fmt.Errorf("schedule %q: start with manual, every or daily", s)
}

// parseInterval accepts Go durations ("1h30m") and "N minutes|hours".
func parseInterval(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("every needs an interval, e.g. every 15m")
	}
	if d, err := time.ParseDuration(strings.ReplaceAll(s, " ", "")); err == nil {
		return d, nil
	}
	f := strings.Fields(s)
	if len(f) == 2 {
		n, err := strconv.Atoi(f[0])
		unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute,
			"hour": time.Hour, "hours": time.Hour}[f[1]]
		if err == nil && unit > 0 && n > 0 {
			return time.Duration(n) * unit, nil
		}
	}
	return 0, fmt.Errorf("interval %q is not a duration like 15m or 1h30m", s)
}

func parseClock(s string) (string, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return "", fmt.Errorf("time %q is not HH:MM (24-hour)", s)
	}
	return t.Format("15:04"), nil
}

// Next is the first run time strictly after after; zero for manual.
// Wall-clock times are used (monotonic readings stripped) because a
// laptop's monotonic clock stops while it sleeps.
func (s Spec) Next(after time.Time) time.Time {
	after = after.Round(0)
	switch s.Kind {
	case Every:
		if s.Every <= 0 {
			return time.Time{}
		}
		return after.Add(s.Every)
	case Daily:
		loc := s.Loc
		if loc == nil {
			loc = time.Local
		}
		at, err := time.Parse("15:04", s.At)
		if err != nil {
			return time.Time{}
		}
		local := after.In(loc)
		y, m, d := local.Date()
		for i := range 3 {
			// time.Date moves a wall clock inside a DST gap forward; the
			// run still happens once that day.
			t := time.Date(y, m, d+i, at.Hour(), at.Minute(), 0, 0, loc)
			if t.After(after) {
				return t
			}
		}
	}
	return time.Time{}
}

// machineZone says whether s is a daily time without a zone of its own,
// which follows the machine's zone.
func (s Spec) machineZone() bool {
	return s.Kind == Daily && (s.Loc == nil || s.Loc == time.Local || s.Loc.String() == "Local")
}

// in is s with a daily time without a zone placed in loc.
func (s Spec) in(loc *time.Location) Spec {
	if s.machineZone() && loc != nil {
		s.Loc = loc
	}
	return s
}

// sameZone says whether a and b are the same zone at t.
func sameZone(a, b *time.Location, t time.Time) bool {
	_, ao := t.In(a).Zone()
	_, bo := t.In(b).Zone()
	return a.String() == b.String() && ao == bo
}

// interval is how far apart scheduled runs are, used to tell a late timer
// from a machine that slept through the schedule.
func (s Spec) interval() time.Duration {
	switch s.Kind {
	case Every:
		return s.Every
	case Daily:
		return 24 * time.Hour
	}
	return 0
}

// Equal compares specs, zones by name (LoadLocation returns new pointers).
func (s Spec) Equal(o Spec) bool {
	name := func(l *time.Location) string {
		if l == nil {
			return ""
		}
		return l.String()
	}
	return s.Kind == o.Kind && s.Every == o.Every && s.At == o.At && name(s.Loc) == name(o.Loc)
}

// String is the form Parse reads back.
func (s Spec) String() string {
	switch s.Kind {
	case Every:
		return "every " + formatDuration(s.Every)
	case Daily:
		if s.Loc != nil && s.Loc != time.Local && s.Loc.String() != "Local" {
			return "daily " + s.At + " " + s.Loc.String()
		}
		return "daily " + s.At
	case Manual, "":
		return Manual
	}
	return s.Kind
}

// formatDuration prints 1h30m rather than 1h30m0s.
func formatDuration(d time.Duration) string {
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}
