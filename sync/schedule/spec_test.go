package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		in      string
		want    Spec
		str     string
		wantErr string
	}{
		{"manual", Spec{Kind: Manual}, "manual", ""},
		{" Every 15m ", Spec{Kind: Every, Every: 15 * time.Minute}, "every 15m", ""},
		{"every 1h30m", Spec{Kind: Every, Every: 90 * time.Minute}, "every 1h30m", ""},
		{"every 2 hours", Spec{Kind: Every, Every: 2 * time.Hour}, "every 2h", ""},
		{"every 1m", Spec{Kind: Every, Every: time.Minute}, "every 1m", ""},
		{"daily 09:30", Spec{Kind: Daily, At: "09:30", Loc: time.Local}, "daily 09:30", ""},
		{"daily at 9:05", Spec{Kind: Daily, At: "09:05", Loc: time.Local}, "daily 09:05", ""},
		{"daily 18:00 Europe/Berlin", Spec{Kind: Daily, At: "18:00", Loc: berlin}, "daily 18:00 Europe/Berlin", ""},
		{"every 30s", Spec{}, "", "at least 1m"},
		{"every", Spec{}, "", "needs an interval"},
		{"every soon", Spec{}, "", "not a duration"},
		{"daily 25:00", Spec{}, "", "not HH:MM"},
		{"daily", Spec{}, "", "want daily HH:MM"},
		{"daily 09:00 Mars/Base", Spec{}, "", "unknown time zone"},
		{"hourly", Spec{}, "", "start with manual, every or daily"},
		{"manual please", Spec{}, "", "takes nothing"},
		{"", Spec{}, "", "empty"},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%q) = %+v, %v; want error %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
		if again, err := Parse(got.String()); err != nil || !again.Equal(got) {
			t.Errorf("Parse(String()) of %q = %+v, %v", tc.in, again, err)
		}
	}
}

func TestNext(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		spec  Spec
		after string
		want  string // "" = zero
	}{
		{Spec{Kind: Manual}, "2024-01-01T00:00:00Z", ""},
		{Spec{Kind: Every, Every: 15 * time.Minute}, "2024-01-01T10:07:00Z", "2024-01-01T10:22:00Z"},
		{Spec{Kind: Daily, At: "09:30", Loc: berlin}, "2024-01-01T08:00:00Z", "2024-01-01T08:30:00Z"},
		{Spec{Kind: Daily, At: "09:30", Loc: berlin}, "2024-01-01T08:30:00Z", "2024-01-02T08:30:00Z"}, // strictly after
		{Spec{Kind: Daily, At: "09:30", Loc: berlin}, "2024-03-30T08:30:00Z", "2024-03-31T07:30:00Z"}, // 23h day
		{Spec{Kind: Daily, At: "09:30", Loc: berlin}, "2024-10-26T07:30:00Z", "2024-10-27T08:30:00Z"}, // 25h day
		{Spec{Kind: Daily, At: "02:30", Loc: berlin}, "2024-03-30T12:00:00Z", "2024-03-31T01:30:00Z"}, // in the gap: 03:30 CEST
		{Spec{Kind: Daily, At: "23:30", Loc: time.UTC}, "2024-12-31T23:45:00Z", "2025-01-01T23:30:00Z"},
	}
	for _, tc := range cases {
		got := tc.spec.Next(utc(tc.after))
		if tc.want == "" {
			if !got.IsZero() {
				t.Errorf("%s.Next(%s) = %v, want zero", tc.spec, tc.after, got)
			}
			continue
		}
		if !got.Equal(utc(tc.want)) {
			t.Errorf("%s.Next(%s) = %v, want %s", tc.spec, tc.after, got.UTC(), tc.want)
		}
	}
}
