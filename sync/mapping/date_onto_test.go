package mapping_test

import (
	"testing"

	"github.com/crmsync/crmsync/sync/mapping"
)

// TestDateOntoDatetimeKeepsTimeOfDay: a date written back onto a
// datetime (date:ZONE, A the datetime) moves the day and keeps the
// target's time of day in the zone; a create, or a target with no time,
// gets the day's start; the written value reads back as the date.
func TestDateOntoDatetimeKeepsTimeOfDay(t *testing.T) {
	r := compileOne(t, mapping.Field{A: "meeting", B: "Birthdate", Transform: "date:America/New_York"}, mapping.TwoWay)
	cases := []struct {
		name, canon, current, want string
	}{
		{"time kept", "2026-12-11", "2026-12-10T20:00:00Z", "2026-12-11T20:00:00Z"},    // 15:00 EST
		{"across DST", "2026-03-09", "2026-03-06T20:00:00Z", "2026-03-09T19:00:00Z"},   // 15:00 EST -> 15:00 EDT
		{"late evening", "2026-12-11", "2026-12-11T04:30:00Z", "2026-12-12T04:30:00Z"}, // 23:30 on the 10th -> on the 11th
		{"blank current", "2026-12-11", "", "2026-12-11T05:00:00Z"},                    // the day's start
		{"unreadable current", "2026-12-11", "soon", "2026-12-11T05:00:00Z"},           // the day's start
		{"in a DST gap", "2026-03-08", "2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z"}, // 02:30 does not exist: 03:30 EDT, still the 8th
		{"blank canon", "", "2026-12-10T20:00:00Z", ""},                                // blank stays blank
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.AppendWriteAOnto(nil, tc.canon, map[string]string{"meeting": tc.current})
			if err != nil || len(got) != 1 || got[0].Value != tc.want {
				t.Fatalf("AppendWriteAOnto(%q onto %q) = %+v, %v; want %s", tc.canon, tc.current, got, err, tc.want)
			}
			if back, err := r.CanonA(map[string]string{"meeting": got[0].Value}); err != nil || back != tc.canon {
				t.Fatalf("CanonA(%q) = %q, %v; want %q: our write must read back as the date", got[0].Value, back, err, tc.canon)
			}
		})
	}
	created, err := r.WriteA("2026-12-11")
	if err != nil || created["meeting"] != "2026-12-11T05:00:00Z" {
		t.Fatalf("WriteA (a create) = %v, %v; want the day's start, 2026-12-11T05:00:00Z", created, err)
	}
}

// TestDateOntoDatetimeOnBKeepsTimeOfDay: the same with the date on A and
// the datetime on B (datetime:ZONE, back as date:ZONE): a date moved on
// A moves B's day and keeps its time of day; a create gets the day's
// start.
func TestDateOntoDatetimeOnBKeepsTimeOfDay(t *testing.T) {
	r := compileOne(t, mapping.Field{A: "birthday", B: "Meeting__c", Transform: "datetime:America/New_York", ReverseTransform: "date:America/New_York"}, mapping.TwoWay)
	canon, err := r.CanonA(map[string]string{"birthday": "2026-12-11"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.AppendWriteBOnto(nil, canon, map[string]string{"Meeting__c": "2026-12-10T20:00:00Z"}) // 15:00 EST
	if err != nil || len(got) != 1 || got[0].Value != "2026-12-11T20:00:00Z" {
		t.Fatalf("AppendWriteBOnto(%q onto 15:00 EST) = %+v, %v; want 2026-12-11T20:00:00Z", canon, got, err)
	}
	created, err := r.AppendWriteB(nil, canon)
	if err != nil || len(created) != 1 || created[0].Value != "2026-12-11T05:00:00Z" {
		t.Fatalf("AppendWriteB (a create) = %+v, %v; want the day's start, 2026-12-11T05:00:00Z", created, err)
	}
}
