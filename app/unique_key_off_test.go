package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestUpsertKeyNoLongerUniqueRecoversNextRun: the Projects sync
// creates HubSpot projects by upsert on crmsync_key (unique). An admin
// turns off the key's "Require unique values" rule; the property list is
// held for a day in the data file's metadata cache. The run after fails
// the new project once with HubSpot's refusal, naming the object, the
// property and HubSpot's words, and the next run creates it (plainly,
// matched by name) instead of being refused until the cache expires.
func TestUpsertKeyNoLongerUniqueRecoversNextRun(t *testing.T) {
	a, srv, _, clock := lossyClockedApp(t, 43, 4)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := sf.Create("Project__c", map[string]string{"Name": "Mercury", "Status__c": "Done"}); err != nil {
		t.Fatal(err)
	}
	def := engine.Definition{
		Name:      "projects",
		A:         engine.SideDef{Connection: "hs", Object: hubspot.ProjectsObject},
		B:         engine.SideDef{Connection: "sf", Object: "Project__c"},
		Direction: mapping.BtoA,
		Match:     []engine.MatchRule{{A: "project_name", B: "Name", Normalize: "lower"}},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictNewer,
		Fields:    []mapping.Field{{A: "project_name", B: "Name", Rule: mapping.UnlessBlank}},
		Safety:    engine.Safety{MaxChangePercent: 100},
	}
	saveSyncs(t, a, def)
	if res, errs := runAndErrors(t, a, def.Name); res.Summary.Created != 1 || len(errs) != 0 {
		t.Fatalf("first run: %+v %+v; want Mercury created in HubSpot", res.Summary, errs)
	}
	if err := hs.SetUniqueValue(hubspot.ProjectsObject, "crmsync_key", false); err != nil {
		t.Fatal(err)
	}
	vega, err := sf.Create("Project__c", map[string]string{"Name": "Vega", "Status__c": "Planned"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	_, errs := runAndErrors(t, a, def.Name)
	var msg string
	for _, e := range errs {
		if e.RecordID == vega.ID {
			msg = e.Message
		}
	}
	for _, want := range []string{hubspot.ProjectsObject, "crmsync_key", "Unable to perform update/upsert by non-unique"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refused create's error does not name %q: %q (errors %+v)", want, msg, errs)
		}
	}
	clock.step(2 * store.RetryBackoff)
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || res.Summary.Created != 1 {
		t.Errorf("the run after: %+v %+v; want Vega created, nothing refused", res.Summary, errs)
	}
	n := 0
	for _, r := range hs.Records(hubspot.ProjectsObject) {
		if !r.Archived && r.Properties["project_name"] == "Vega" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("HubSpot holds %d projects named Vega; want one", n)
	}
}
