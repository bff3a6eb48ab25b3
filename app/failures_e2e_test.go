package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestRunFailuresGrouped: a run where records fail in two ways says how,
// once per way: three HubSpot meetings with no end fail in Salesforce with
// REQUIRED_FIELD_MISSING, and one whose title is longer than an Event's
// Subject with STRING_TOO_LONG. The run's result and its detail both group
// them, the larger group first, each with its count, the side's connection
// and object, Salesforce's own message and the records' ids; the other
// meetings are created.
func TestRunFailuresGrouped(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 47, 30)
	hs := srv.HubSpot()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts"))
	var open []string
	for i := range 3 {
		m, err := hs.Create("meetings", map[string]string{"hs_meeting_title": fmt.Sprintf("Open-ended review %d", i), "hs_meeting_start_time": "2026-12-10T15:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, m.ID)
	}
	long, err := hs.Create("meetings", map[string]string{"hs_meeting_title": strings.Repeat("Quarterly planning ", 20),
		"hs_meeting_start_time": "2026-12-11T15:00:00Z", "hs_meeting_end_time": "2026-12-11T16:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "partial" || res.Summary.Failed != 4 {
		t.Fatalf("run: %v %+v; want partial with four failures", err, res.Summary)
	}
	check := func(what string, groups []app.ErrorGroup) {
		t.Helper()
		if len(groups) != 2 {
			t.Fatalf("%s: %d groups %+v; want two", what, len(groups), groups)
		}
		g := groups[0]
		if g.Count != 3 || g.Side != "b" || g.Where != "sf Event" || g.Code != "REQUIRED_FIELD_MISSING" ||
			!strings.Contains(g.Message, "DurationInMinutes") || len(g.Records) != 3 {
			t.Errorf("%s: first group %+v; want the three meetings without an end", what, g)
		}
		for _, id := range open {
			if !strings.Contains(strings.Join(g.Records, " "), id) {
				t.Errorf("%s: first group's records %v lack meeting %s", what, g.Records, id)
			}
		}
		if line := g.Line(); !strings.HasPrefix(line, "3 × sf Event · ") || !strings.Contains(line, "REQUIRED_FIELD_MISSING") || !strings.Contains(line, open[0]) {
			t.Errorf("%s: first group's line %q", what, line)
		}
		g = groups[1]
		if g.Count != 1 || g.Code != "STRING_TOO_LONG" || !strings.Contains(g.Message, "max length") || len(g.Records) != 1 || g.Records[0] != long.ID {
			t.Errorf("%s: second group %+v; want the long title alone", what, g)
		}
	}
	check("run result", res.Failures)
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 4 {
		t.Fatalf("run detail: %d errors, %v", len(d.Errors), err)
	}
	check("run detail", d.Groups)
	// The log file, which a window started from a launcher has instead of
	// a terminal, names the same: the run, and each group with its records,
	// field and Salesforce's words.
	log := logFileText(t, a)
	for _, want := range []string{"msg=\"run finished\" sync=meetings run=", "status=partial", "failed=4",
		"msg=\"records failed\" sync=meetings", "count=3 where=\"sf Event\"", "code=REQUIRED_FIELD_MISSING", open[0], "DurationInMinutes",
		"code=STRING_TOO_LONG records=" + long.ID} {
		if !strings.Contains(log, want) {
			t.Errorf("the log file lacks %q; it holds:\n%s", want, log)
		}
	}

	// A background run that fails the same way says in its failure, which
	// is what the notification shows, the largest kind. (The records that
	// failed wait in the retry queue for their back-off; two more meetings
	// without an end fail now.)
	for i := range 2 {
		if _, err := hs.Create("meetings", map[string]string{"hs_meeting_title": fmt.Sprintf("Later review %d", i), "hs_meeting_start_time": "2026-12-12T15:00:00Z"}); err != nil {
			t.Fatal(err)
		}
	}
	sched := startScheduler(t, a)
	if !sched.SyncNow("meetings") {
		t.Fatal("the scheduler does not know the meetings sync")
	}
	if err := backgroundRunEnds(sched, "meetings"); err == nil || !strings.Contains(err.Error(), "most: 2 × sf Event · ") || !strings.Contains(err.Error(), "REQUIRED_FIELD_MISSING") {
		t.Fatalf("background run: %v; want a failure naming the two new meetings without an end", err)
	}
	if log := logFileText(t, a); !strings.Contains(log, "msg=\"sync run failed\" sync=meetings") || !strings.Contains(log, "count=2 where=\"sf Event\"") {
		t.Errorf("the log file lacks the background run's failure; it holds:\n%s", log)
	}
}

// logFileText is what the app's log file in its data folder holds.
func logFileText(t *testing.T, a *app.App) string {
	t.Helper()
	if a.LogPath() != filepath.Join(a.Home(), app.LogFileName) {
		t.Fatalf("log file at %q, want it in the data folder %s", a.LogPath(), a.Home())
	}
	b, err := os.ReadFile(a.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
