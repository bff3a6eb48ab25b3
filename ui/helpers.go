package ui

import (
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// ago says how long ago t was, in words people read at a glance; a date
// in now's zone (UI.now).
func ago(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min ago"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h ago"
	}
	return t.In(now.Location()).Format("2 Jan 15:04")
}

// until says when t comes, for next-run labels, in now's zone (UI.now).
func until(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "not scheduled"
	}
	d := t.Sub(now)
	switch {
	case d <= time.Minute:
		return "in under a minute"
	case d < time.Hour:
		return "in " + strconv.Itoa(int(d.Minutes())) + " min"
	}
	// Within a day is not always today: a daily slot already passed is tomorrow's.
	tl, nl := t.In(now.Location()), now
	switch {
	case sameDay(tl, nl):
		return tl.Format("today 15:04")
	case sameDay(tl, nl.AddDate(0, 0, 1)):
		return tl.Format("tomorrow 15:04")
	}
	return tl.Format("2 Jan 15:04")
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// zone is the machine's zone as the last screen load read it (readZone);
// the zone the app started in until then.
func (u *UI) zone() *time.Location {
	if z := u.zoneLoc.Load(); z != nil {
		return z
	}
	return time.Local
}

// readZone reads the machine's zone, which changes when a laptop
// travels; screens that show times call it in their background load,
// since it may read a file.
func (u *UI) readZone() {
	if u.a != nil {
		u.zoneLoc.Store(u.a.Zone())
	}
}

// now is the app's clock (app.Options.Now) in the machine's zone, for ago
// and until: the clock the app's schedules and waits run by.
func (u *UI) now() time.Time {
	if u.a != nil {
		return u.a.Now().In(u.zone())
	}
	return time.Now().In(u.zone())
}
