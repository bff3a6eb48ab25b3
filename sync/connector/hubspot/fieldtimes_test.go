package hubspot

import (
	"context"
	"fmt"
	"testing"
	"time"

	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestFieldTimesReadsEachPropertysOwnTime: 60 contacts (two of
// HubSpot's 50-input history reads), one of which has its title changed and
// then, later, its first name. The title's time is its own change, not the
// record's lastmodifieddate, which the first name moved.
func TestFieldTimesReadsEachPropertysOwnTime(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, hssim.Options{Seed: 7})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]map[string]string, 60)
	for i := range recs {
		recs[i] = map[string]string{"email": fmt.Sprintf("p%d@example.com", i), "firstname": "P", "jobtitle": "Seeded"}
	}
	ids := e.seed(t, "contacts", recs)
	last := ids[len(ids)-1]
	time.Sleep(20 * time.Millisecond)
	if _, err := e.sim.Update("contacts", last, map[string]string{"jobtitle": "Edited"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	rec, err := e.sim.Update("contacts", last, map[string]string{"firstname": "Later"})
	if err != nil {
		t.Fatal(err)
	}
	times, err := c.FieldTimes(ctx, "contacts", ids, []string{"jobtitle", "firstname"})
	if err != nil {
		t.Fatal(err)
	}
	if len(times) != len(ids) {
		t.Fatalf("times for %d records, want %d", len(times), len(ids))
	}
	title, first := times[last]["jobtitle"], times[last]["firstname"]
	if !first.Equal(rec.UpdatedAt) {
		t.Errorf("firstname changed at %v, want the record's last change %v", first, rec.UpdatedAt)
	}
	if !title.Before(first) {
		t.Errorf("jobtitle changed at %v, not before firstname at %v: the record's time, not the property's", title, first)
	}
}
