package mapping

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Dates never shift silently: a date stays a date, a datetime with an offset
// is an instant, and a datetime without one (or a date that must become an
// instant) needs the zone named in the transform ("date:Europe/Berlin").
// Local times that fall into a DST gap or overlap are errors, not guesses.

const dateLayout = "2006-01-02"

type timeKind int

const (
	kindDate    timeKind = iota + 1 // YYYY-MM-DD
	kindInstant                     // has an offset or Z
	kindNaive                       // a wall clock without a zone
)

var (
	instantLayouts = []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05Z07:00"}
	naiveLayouts   = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}
)

// parseTimeValue classifies s. For kindDate and kindNaive the wall clock is
// returned as a UTC time that only carries the fields.
func parseTimeValue(s string) (time.Time, timeKind, error) {
	if s == "" {
		return time.Time{}, 0, nil // blank stays blank; callers check s
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, kindDate, nil
	}
	for _, l := range instantLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, kindInstant, nil
		}
	}
	for _, l := range naiveLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, kindNaive, nil
		}
	}
	return time.Time{}, 0, fmt.Errorf("%q is not a date or datetime (want YYYY-MM-DD or RFC 3339)", s)
}

// resolveWall finds the one instant at which loc's clocks show wall. A wall
// clock in a DST gap has none, one in an overlap has two: both are errors.
func resolveWall(wall time.Time, loc *time.Location) (time.Time, error) {
	cands := wallCandidates(wall, loc)
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return time.Time{}, fmt.Errorf("%s does not exist in %s (skipped by a daylight-saving change)", wall.Format("2006-01-02 15:04:05"), loc)
	default:
		return time.Time{}, fmt.Errorf("%s happens twice in %s (daylight-saving change); give a UTC offset", wall.Format("2006-01-02 15:04:05"), loc)
	}
}

func wallCandidates(wall time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Duration{-36 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 36 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		u := wall.Add(-time.Duration(off) * time.Second)
		if sameWall(u.In(loc), wall) {
			out = append(out, u)
		}
	}
	return out
}

func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() &&
		t.Second() == wall.Second() && t.Nanosecond() == wall.Nanosecond()
}

// earliestWall is the earlier of the instants loc's clocks show wall at
// (two in a DST overlap); false in a gap, where they never show it.
func earliestWall(wall time.Time, loc *time.Location) (time.Time, bool) {
	c := wallCandidates(wall, loc)
	if len(c) == 0 {
		return time.Time{}, false
	}
	first := c[0]
	for _, t := range c[1:] {
		if t.Before(first) {
			first = t
		}
	}
	return first, true
}

// startOfDay is the first instant of the date in loc. Where midnight is
// skipped (Chile, some years) that is the end of the gap; where it happens
// twice, the earlier one.
func startOfDay(date time.Time, loc *time.Location) time.Time {
	if first, ok := earliestWall(date, loc); ok {
		return first
	}
	// Binary search for the first minute whose local date is the date.
	y, m, d := date.Date()
	before := func(t time.Time) bool {
		ty, tm, td := t.In(loc).Date()
		return time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	}
	lo, hi := date.Add(-15*time.Hour), date.Add(15*time.Hour)
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if before(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi.Truncate(time.Second)
}

// sameWallOn is the instant loc's clocks show wall at, as a person moving
// a due date keeps its time: in a DST overlap the earlier, in a gap the
// clock moved on by the gap (02:30 that does not exist is 03:30).
func sameWallOn(wall time.Time, loc *time.Location) time.Time {
	if first, ok := earliestWall(wall, loc); ok {
		return first
	}
	_, before := wall.Add(-12 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(before) * time.Second)
}

// keepTimeOfDay is day (d, formatted as s) at the time of day current, an
// instant, shows in loc; false when current holds no instant or a DST
// change would push that time off the day.
func keepTimeOfDay(d time.Time, s, current string, loc *time.Location) (time.Time, bool) {
	cur, kind, err := parseTimeValue(strings.TrimSpace(current))
	if err != nil || kind != kindInstant {
		return time.Time{}, false
	}
	w := cur.In(loc)
	u := sameWallOn(d.Add(time.Duration(w.Hour())*time.Hour+time.Duration(w.Minute())*time.Minute+time.Duration(w.Second())*time.Second), loc)
	return u, u.In(loc).Format(dateLayout) == s
}

// formatInstant is an instant's canonical form: RFC 3339 in UTC, to the
// second. Vendors keep a datetime at different precisions (HubSpot and
// Salesforce to the millisecond; Zoho, Pipedrive and Mailchimp to the
// second), so a value written with milliseconds reads back without them
// from the latter; compared to the millisecond, that read-back would be an
// edit: copied back over the source's own value on a two-way row, written
// again every run on a one-way one. No CRM user edits a fraction of a
// second.
func formatInstant(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339Nano)
}

// dateTransform builds "date[:ZONE]" (B holds a calendar date) and
// "datetime[:ZONE]" (B holds an instant, emitted as RFC 3339 UTC).
func dateTransform(name, arg string, hasArg bool, env transformEnv) (transform, error) {
	var loc *time.Location
	if hasArg {
		if arg == "" {
			return transform{}, fmt.Errorf("transform %s: empty time zone", name)
		}
		l, err := time.LoadLocation(arg)
		if err != nil {
			return transform{}, fmt.Errorf("transform %s: unknown time zone %q (use an IANA name such as Europe/Berlin)", name, arg)
		}
		loc = l
	}
	needZone := func(what string) error {
		return fmt.Errorf("%s needs an explicit time zone, e.g. %s:Europe/Berlin", what, name)
	}
	if name == "date" {
		if loc == nil && env.aType == connector.TypeDateTime {
			return transform{}, needZone("turning a datetime into a date")
		}
		forward := func(s string) (string, error) {
			s = strings.TrimSpace(s)
			t, kind, err := parseTimeValue(s)
			if s == "" || err != nil {
				return "", err
			}
			switch {
			case kind == kindDate:
				return t.Format(dateLayout), nil
			case loc == nil:
				return "", fmt.Errorf("%q is a datetime: %w", s, needZone("turning it into a date"))
			case kind == kindInstant:
				return t.In(loc).Format(dateLayout), nil
			default: // a wall clock in loc: its date is the date
				return t.Format(dateLayout), nil
			}
		}
		t := transform{name: name, forward: forward, canon: forward,
			aTypes: withText(connector.TypeDate, connector.TypeDateTime), bTypes: withText(connector.TypeDate)}
		if env.aType == connector.TypeDateTime {
			// A date onto a datetime is the day's start in the zone, or,
			// where the datetime holds a time already, that time of day on
			// the new date: a HubSpot task due at 15:00 whose date moved
			// in the other CRM stays due at 15:00 (its reminder is
			// relative to it), not at midnight.
			onto := func(s, current string) (string, error) {
				if s == "" {
					return "", nil
				}
				d, err := time.Parse(dateLayout, s)
				if err != nil {
					return "", fmt.Errorf("%q is not a date", s)
				}
				if u, ok := keepTimeOfDay(d, s, current, loc); ok {
					return formatInstant(u), nil
				}
				return formatInstant(startOfDay(d, loc)), nil
			}
			t.inverse = func(s string) (string, error) { return onto(s, "") }
			t.inverseOnto = onto
		} else {
			t.inverse = forward
		}
		return t, nil
	}

	// datetime
	if loc == nil && env.aType == connector.TypeDate {
		return transform{}, needZone("turning a date into a datetime")
	}
	forward := func(s string) (string, error) {
		s = strings.TrimSpace(s)
		t, kind, err := parseTimeValue(s)
		if s == "" || err != nil {
			return "", err
		}
		switch {
		case kind == kindInstant:
			return formatInstant(t), nil
		case loc == nil:
			return "", fmt.Errorf("%q has no time zone: %w", s, needZone("reading it"))
		case kind == kindDate:
			return formatInstant(startOfDay(t, loc)), nil
		default:
			u, err := resolveWall(t, loc)
			if err != nil {
				return "", err
			}
			return formatInstant(u), nil
		}
	}
	t := transform{name: name, forward: forward, canon: forward,
		aTypes: withText(connector.TypeDate, connector.TypeDateTime), bTypes: withText(connector.TypeDateTime)}
	if env.aType == connector.TypeDate {
		// A date cannot hold the time of day: writing it back would lose it
		// and the next read would see a different instant.
		t.whyNot = "a datetime cannot become a date without losing its time; add reverse_transform date:ZONE"
		// The other way, a date moved on A moves B's day and keeps the
		// time of day B holds, as date:ZONE's inverse does for A.
		t.ontoB = func(canon, current string) string {
			c, err := time.Parse(time.RFC3339Nano, canon)
			if err != nil || loc == nil {
				return canon
			}
			day := c.In(loc).Format(dateLayout)
			d, _ := time.Parse(dateLayout, day)
			if u, ok := keepTimeOfDay(d, day, current, loc); ok {
				return formatInstant(u)
			}
			return canon
		}
		// So B reads back as A's day: B's time of day, which A cannot
		// hold and ontoB keeps, is no difference from A (CanonB(WriteB(c))
		// == c); otherwise the row's base swings between the two instants
		// run after run and a date moved on one side reads as a conflict.
		t.canon = func(s string) (string, error) {
			v, err := forward(s)
			if v == "" || err != nil {
				return v, err
			}
			u, _ := time.Parse(time.RFC3339Nano, v)
			d, _ := time.Parse(dateLayout, u.In(loc).Format(dateLayout))
			return formatInstant(startOfDay(d, loc)), nil
		}
		return t, nil
	}
	t.inverse = func(s string) (string, error) {
		if s == "" {
			return "", nil
		}
		u, err := forward(s)
		if err != nil {
			return "", err
		}
		inst, _ := time.Parse(time.RFC3339Nano, u)
		switch {
		case env.aType == connector.TypeDateTime || loc == nil:
			return u, nil
		default: // a text field: show local time, still with its offset
			return inst.In(loc).Format(time.RFC3339Nano), nil
		}
	}
	return t, nil
}

// wallLayout is a wall clock to the minute, as a date field and a time
// field joined hold it ("due_date+due_time").
const wallLayout = "2006-01-02 15:04"

// wallclockTransform builds "wallclock:ZONE": A holds an instant, B the
// wall clock in ZONE to the minute ("2026-12-10 09:30"), usually a date
// field and a time field joined (B: due_date+due_time). It turns a HubSpot
// meeting's start into a Pipedrive activity's due date and time (UTC).
// Seconds are dropped on the way to B, so an instant read back differs
// from A's only below the minute, which the canonical form ignores.
//
// B may hold a day with no time (a Pipedrive activity with a due date
// alone): that is the day's start in DAYZONE, "wallclock:ZONE,DAYZONE"
// (ZONE when not named), so the day is the same in A's calendar.
func wallclockTransform(arg string) (transform, error) {
	arg, dayArg, hasDay := strings.Cut(arg, ",")
	loc, err := clockZone("wallclock", arg)
	if err != nil {
		return transform{}, err
	}
	dayLoc := loc
	if hasDay {
		if dayLoc, err = clockZone("wallclock", strings.TrimSpace(dayArg)); err != nil {
			return transform{}, err
		}
	}
	forward := func(s string) (string, error) {
		t, ok, err := parseInstant(s)
		if !ok {
			return "", err
		}
		return t.In(loc).Format(wallLayout), nil
	}
	canon := func(s string) (string, error) {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" {
			return "", nil
		}
		if d, err := time.Parse(dateLayout, s); err == nil {
			return startOfDay(d, dayLoc).In(loc).Format(wallLayout), nil
		}
		for _, l := range []string{wallLayout, "2006-01-02 15:04:05"} {
			if t, err := time.Parse(l, s); err == nil {
				return t.Format(wallLayout), nil
			}
		}
		return "", fmt.Errorf("%q is not a date and time as YYYY-MM-DD HH:MM", s)
	}
	inverse := func(s string) (string, error) {
		c, err := canon(s)
		if err != nil || c == "" {
			return c, err
		}
		wall, _ := time.Parse(wallLayout, c)
		u, err := resolveWall(wall, loc)
		if err != nil {
			return "", err
		}
		return formatInstant(u), nil
	}
	return transform{name: "wallclock", forward: forward, canon: canon, inverse: inverse,
		aTypes: withText(connector.TypeDateTime), bTypes: withText(connector.TypeDate)}, nil
}

// endAtTransform builds "endat:ZONE", one way from B to A: B is a start as
// a wall clock in ZONE and a length, three fields joined (b:
// due_date+due_time+duration: "YYYY-MM-DD HH:MM HH:MM"), A the instant it
// ends. A Pipedrive activity keeps a length, so a HubSpot meeting made
// from it gets its end this way; span turns the end back into the length.
// No length gives no end. An end cannot say when it started, so A cannot
// be written back to B.
func endAtTransform(arg string) (transform, error) {
	loc, err := clockZone("endat", arg)
	if err != nil {
		return transform{}, err
	}
	instant := func(s string) (string, error) {
		t, ok, err := parseInstant(s)
		if !ok {
			return "", err
		}
		return formatInstant(t), nil
	}
	canon := func(s string) (string, error) {
		parts := strings.Fields(s)
		if len(parts) != 3 {
			return "", nil // a start without a length, or none: no end
		}
		wall, err := time.Parse(wallLayout, parts[0]+" "+parts[1])
		if err != nil {
			return "", fmt.Errorf("%q is not a date and time as YYYY-MM-DD HH:MM", parts[0]+" "+parts[1])
		}
		length, err := canonClock("hhmm", parts[2])
		if err != nil {
			return "", err
		}
		start, err := resolveWall(wall, loc)
		if err != nil {
			return "", err
		}
		var h, m int
		fmt.Sscanf(length, "%d:%d", &h, &m)
		return formatInstant(start.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)), nil
	}
	return transform{name: "endat", forward: instant, canon: canon, inverse: instant,
		fromBOnly: "an end cannot say when it started", aTypes: withText(connector.TypeDateTime), bTypes: withText(connector.TypeDate)}, nil
}

// clockZone loads the time zone B's clock shows, which wallclock:ZONE and
// endat:ZONE name.
func clockZone(name, arg string) (*time.Location, error) {
	if arg == "" {
		return nil, fmt.Errorf("transform %s needs the time zone B's clock shows, e.g. %s:UTC", name, name)
	}
	loc, err := time.LoadLocation(arg)
	if err != nil {
		return nil, fmt.Errorf("transform %s: unknown time zone %q (use an IANA name such as Europe/Berlin)", name, arg)
	}
	return loc, nil
}

// parseInstant reads s as an instant: ok is false for a blank, and for a
// value that is not an instant, with the error saying why.
func parseInstant(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	t, kind, err := parseTimeValue(s)
	switch {
	case s == "" || err != nil:
		return t, false, err
	case kind != kindInstant:
		return t, false, fmt.Errorf("%q has no time zone: it is not an instant", s)
	}
	return t, true, nil
}
