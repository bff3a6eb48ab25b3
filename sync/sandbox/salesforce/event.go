package salesforce

import (
	"strconv"
	"time"
)

// Event is a calendar event (a meeting), linked to its Contact (or Lead)
// through WhoId. Its times follow the Event object reference:
//   - StartDateTime and ActivityDateTime hold the same instant; either may
//     be given, and ActivityDate is the start's date.
//   - An event that is not all-day needs DurationInMinutes or EndDateTime;
//     given both, they must add up to the same time. Salesforce keeps the
//     other in step, so it is derived here.
//   - A start moved alone keeps the duration, and the end moves with it.
//   - An event lasts at most 14 days (20160 minutes), multiday events
//     being enabled; longer is FIELD_INTEGRITY_EXCEPTION on
//     DurationInMinutes.
func eventObject() *Object {
	allDay := typed("IsAllDayEvent", "All-Day Event", "boolean")
	allDay.Nillable, allDay.DefaultedOnCreate, allDay.Default = false, true, "false"
	o := newObject("Event", "Event", "Events", "00U",
		str("Subject", "Subject", 255), typed("StartDateTime", "Start Date Time", "datetime"),
		typed("EndDateTime", "End Date Time", "datetime"), typed("ActivityDateTime", "Due Date Time", "datetime"),
		typed("ActivityDate", "Due Date Only", "date"), typed("DurationInMinutes", "Duration", "int"), allDay,
		str("Location", "Location", 255), typed("Description", "Description", "textarea"),
		whoID(), extKey())
	o.rule = eventTimes
	return o
}

// eventTimes checks and completes an Event's times after vals are applied
// to base (nil on create). The wording of its messages is this sandbox's
// [unverified]; the status codes are the ones Salesforce documents.
func eventTimes(o *Object, base []string, vals map[int]string) *recError {
	idx := func(name string) int { i, _ := o.field(name); return i }
	start, end, at, day, dur, allDay := idx("StartDateTime"), idx("EndDateTime"), idx("ActivityDateTime"),
		idx("ActivityDate"), idx("DurationInMinutes"), idx("IsAllDayEvent")
	get := func(i int) (string, bool) {
		if v, set := vals[i]; set {
			return v, true
		}
		if base != nil {
			return base[i], false
		}
		return "", false
	}
	if v, _ := get(allDay); v == "true" {
		return allDayTimes(vals, get, start, end, at, day, dur)
	}
	s, _ := get(start)
	if s == "" {
		s, _ = get(at)
	}
	if s == "" {
		return &recError{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [StartDateTime]", Fields: []string{"StartDateTime"}}
	}
	startMs, _ := parseDateTime(s)
	e, endSet := get(end)
	d, durSet := get(dur)
	var endMs int64
	switch {
	case endSet && e != "":
		endMs, _ = parseDateTime(e)
		if durSet && d != "" {
			if m, _ := strconv.ParseInt(d, 10, 64); startMs+m*60000 != endMs {
				return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"DurationInMinutes", "EndDateTime"},
					Message: "DurationInMinutes and EndDateTime do not add up to the same time"}
			}
		}
	case d != "":
		m, _ := strconv.ParseInt(d, 10, 64)
		endMs = startMs + m*60000
	default:
		return &recError{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [DurationInMinutes]", Fields: []string{"DurationInMinutes"}}
	}
	if endMs < startMs {
		return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"EndDateTime"},
			Message: "End Date Time: the end can't be before the start"}
	}
	if endMs-startMs > maxEventMinutes*60000 {
		// Wording after the 1440-minute refusal orgs without multiday
		// events give ("Duration must be between 0 and 1440 minutes").
		return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"DurationInMinutes"},
			Message: "Duration must be between 0 and 20160 minutes"}
	}
	vals[start], vals[at], vals[end] = fmtMillis(startMs), fmtMillis(startMs), fmtMillis(endMs)
	vals[dur] = strconv.FormatInt((endMs-startMs)/60000, 10)
	vals[day] = time.UnixMilli(startMs).UTC().Format("2006-01-02")
	return nil
}

// allDayTimes completes an all-day Event's times. ActivityDate is its day,
// and StartDateTime, which must match it, is that day at midnight GMT
// whatever the zone; an end or a duration may be given, the duration
// defaulting to one day (Event reference, EndDateTime). EndDateTime is
// midnight GMT of the last day, so a one-day event starts and ends at the
// same instant with DurationInMinutes 1440 [unverified: as orgs return it].
func allDayTimes(vals map[int]string, get func(int) (string, bool), start, end, at, day, dur int) *recError {
	const dayMs = 24 * 60 * 60000
	midnight := func(v string) (int64, bool) {
		if ms, ok := parseDateTime(v); ok {
			return ms - ms%dayMs, true
		}
		t, err := time.Parse("2006-01-02", v)
		return t.UnixMilli(), err == nil
	}
	var first int64
	s, sSet := get(start)
	if !sSet {
		if a, aSet := vals[at]; aSet {
			s, sSet = a, true
		}
	}
	d, dSet := get(day)
	switch {
	case sSet && s != "":
		first, _ = midnight(s)
	case d != "":
		first, _ = midnight(d)
	case s != "":
		first, _ = midnight(s)
	default:
		return &recError{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [ActivityDate]", Fields: []string{"ActivityDate"}}
	}
	if sSet && dSet && d != "" && s != "" {
		if dd, _ := midnight(d); dd != first {
			return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"ActivityDate", "StartDateTime"},
				Message: "ActivityDate and StartDateTime must match"}
		}
	}
	days := int64(1)
	e, eSet := get(end)
	m, mSet := get(dur)
	switch {
	case eSet && e != "":
		last, _ := midnight(e)
		days = (last-first)/dayMs + 1
	case mSet && m != "":
		n, _ := strconv.ParseInt(m, 10, 64)
		days = (n + 1439) / 1440
	case m != "": // a day moved alone keeps the event's length
		n, _ := strconv.ParseInt(m, 10, 64)
		days = max((n+1439)/1440, 1)
	}
	if days < 1 {
		return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"EndDateTime"},
			Message: "End Date Time: the end can't be before the start"}
	}
	if days*1440 > maxEventMinutes {
		return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"DurationInMinutes"},
			Message: "Duration must be between 0 and 20160 minutes"}
	}
	vals[start], vals[at], vals[end] = fmtMillis(first), fmtMillis(first), fmtMillis(first+(days-1)*dayMs)
	vals[dur] = strconv.FormatInt(days*1440, 10)
	vals[day] = time.UnixMilli(first).UTC().Format("2006-01-02")
	return nil
}

// maxEventMinutes is an Event's longest duration: 14 days.
const maxEventMinutes = 14 * 24 * 60

// intValue checks an int field's value.
func intValue(v string) (string, bool) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || f != float64(int64(f)) {
			return "", false
		}
		n = int64(f)
	}
	return strconv.FormatInt(n, 10), true
}
