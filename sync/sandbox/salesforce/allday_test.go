package salesforce

import "testing"

// TestAllDayEventTimes: an all-day Event is kept at midnight GMT of
// its day (ActivityDate, which StartDateTime must match), lasts a day
// unless an end or a duration says more, and ends at its last day's
// midnight; a start with a time of day gives its GMT date.
func TestAllDayEventTimes(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		name                string
		body                map[string]any
		start, end, minutes string
	}{
		{"day only", map[string]any{"ActivityDate": "2026-12-10"}, "2026-12-10T00:00:00.000+0000", "2026-12-10T00:00:00.000+0000", "1440"},
		{"start with a time", map[string]any{"StartDateTime": "2026-12-10T15:00:00Z"}, "2026-12-10T00:00:00.000+0000", "2026-12-10T00:00:00.000+0000", "1440"},
		{"three days by end", map[string]any{"ActivityDate": "2026-12-10", "EndDateTime": "2026-12-12T00:00:00Z"}, "2026-12-10T00:00:00.000+0000", "2026-12-12T00:00:00.000+0000", "4320"},
		{"two days by duration", map[string]any{"ActivityDate": "2026-12-10", "DurationInMinutes": 2880}, "2026-12-10T00:00:00.000+0000", "2026-12-11T00:00:00.000+0000", "2880"},
	} {
		tc.body["Subject"], tc.body["IsAllDayEvent"] = tc.name, true
		r, raw := e.do("POST", v+"/sobjects/Event", tc.body)
		if r.StatusCode != 201 {
			t.Fatalf("%s: %d %s", tc.name, r.StatusCode, raw)
		}
		id := decode[map[string]any](t, raw)["id"].(string)
		got, _ := e.sim.Get("Event", id)
		if got.Fields["StartDateTime"] != tc.start || got.Fields["EndDateTime"] != tc.end || got.Fields["DurationInMinutes"] != tc.minutes || got.Fields["ActivityDate"] != tc.start[:10] {
			t.Errorf("%s: %v", tc.name, got.Fields)
		}
	}
	r, raw := e.do("POST", v+"/sobjects/Event", map[string]any{"Subject": "x", "IsAllDayEvent": true, "ActivityDate": "2026-12-10", "StartDateTime": "2026-12-11T00:00:00Z"})
	if r.StatusCode != 400 {
		t.Errorf("ActivityDate and StartDateTime apart: %d %s", r.StatusCode, raw)
	}
}
