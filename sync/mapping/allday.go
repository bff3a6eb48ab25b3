package mapping

import (
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// allDayTransform builds "allday:ZONE" (a start) and "alldayend:ZONE" (an
// end): A holds an instant, B an instant and the all-day flag beside it
// (b: StartDateTime+IsAllDayEvent). A timed B maps as datetime does. An
// all-day B is a calendar day stored at midnight UTC (Salesforce's Event
// reference: not to be shifted for time zones), so A gets that day in ZONE:
// from its start to the start of the day after the last (an end in
// Salesforce is the last day's midnight). HubSpot has no all-day meeting:
// one moved onto whole days in ZONE (midnight to midnight) keeps its
// record all-day on those days; one moved to a time of day makes it timed.
// The start row writes the flag; the end row only reads it, and a create
// is timed.
func allDayTransform(name, arg string) (transform, error) {
	loc, err := clockZone(name, arg)
	if err != nil {
		return transform{}, err
	}
	end := name == "alldayend"
	instant := func(s string) (string, error) {
		t, ok, err := parseInstant(s)
		if !ok {
			return "", err
		}
		return formatInstant(t), nil
	}
	// split reads "INSTANT FLAG" (either may be missing).
	split := func(s string) (string, bool) {
		parts := strings.Fields(s)
		if n := len(parts); n > 0 && (parts[n-1] == "true" || parts[n-1] == "false") {
			return strings.Join(parts[:n-1], " "), parts[n-1] == "true"
		}
		return strings.Join(parts, " "), false
	}
	canon := func(s string) (string, error) {
		v, allDay := split(s)
		t, ok, err := parseInstant(v)
		switch {
		case !ok:
			return "", err
		case !allDay:
			return formatInstant(t), nil
		}
		day, _ := time.Parse(dateLayout, t.UTC().Format(dateLayout))
		if end {
			day = day.AddDate(0, 0, 1)
		}
		return formatInstant(startOfDay(day, loc)), nil
	}
	// onto is c written onto B's fields as they are (current joined, ""
	// for a create).
	onto := func(c, current string) string {
		_, allDay := split(current)
		t, ok, _ := parseInstant(c)
		if !ok {
			return c
		}
		day, _ := time.Parse(dateLayout, t.In(loc).Format(dateLayout))
		midnight := t.Equal(startOfDay(day, loc))
		switch {
		case end && allDay && midnight:
			return formatInstant(day.AddDate(0, 0, -1)) // an end at midnight closes the day before
		case end:
			return c
		case allDay && midnight:
			return formatInstant(day) + " true"
		}
		return c + " false"
	}
	return transform{name: name, forward: instant, canon: canon, inverse: instant, ontoJoined: onto, writesFirst: end,
		aTypes: withText(connector.TypeDateTime), bTypes: []connector.FieldType{connector.TypeDateTime, connector.TypeBool}}, nil
}
