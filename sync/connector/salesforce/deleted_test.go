package salesforce

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
)

// client is an authorized HTTP client for the org, as a user's script has.
func (o *org) client(t *testing.T) *http.Client {
	t.Helper()
	return auth.Client(nil, auth.NewTokenSource(context.Background(), o.ep, o.store, tokenKey, nil))
}

// A contact deleted through the REST API (to the recycle bin) comes back
// from the next incremental read with Deleted set, at the cost of the one
// query call the read makes anyway; untouched contacts do not come back.
func TestReadReportsDeletes(t *testing.T) {
	o, clk, t0 := clockOrg(t, -time.Hour)
	ids := createContacts(t, o, 3)
	c := o.connect(t, 0)
	full := readAll(t, o, c, "", 0)
	if !sameSet(full.ids, ids) {
		t.Fatalf("full read %v, want %v", full.ids, ids)
	}

	clk.Set(t0.Add(3 * time.Second))
	req, _ := http.NewRequest(http.MethodDelete, o.acct.APIBase+"/services/data/v67.0/sobjects/Contact/"+ids[1], nil)
	resp, err := o.client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE sobjects/Contact/%s: status %d", ids[1], resp.StatusCode)
	}

	before := o.sim.Stats()
	var got []string
	var deleted bool
	for p, err := range c.Read(bg, "Contact", full.last(t)) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got = append(got, r.ID)
			deleted = r.Deleted
			if r.Modified.Before(t0.Add(3 * time.Second).Truncate(time.Second)) { // whole-second stamps
				t.Errorf("deleted record's Modified %v is before the delete", r.Modified)
			}
		}
	}
	after := o.sim.Stats()
	if len(got) != 1 || got[0] != ids[1] || !deleted {
		t.Fatalf("read after delete returned %v (deleted=%v), want only %s, deleted", got, deleted, ids[1])
	}
	if calls := after[queryKey] - before[queryKey] + after[queryMoreKey] - before[queryMoreKey]; calls != 1 {
		t.Fatalf("read after delete cost %d query calls, want 1", calls)
	}
}

// A Contact merged into another in Salesforce's UI reads back deleted,
// naming the survivor (MasterRecordId) in MergedInto; the survivor reads
// back live, with no MergedInto.
func TestReadReportsMerges(t *testing.T) {
	o, clk, t0 := clockOrg(t, -time.Hour)
	ids := createContacts(t, o, 3)
	c := o.connect(t, 0)
	full := readAll(t, o, c, "", 0)
	clk.Set(t0.Add(3 * time.Second))
	if err := o.sim.Merge("Contact", ids[0], ids[2]); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for p, err := range c.Read(bg, "Contact", full.last(t)) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got[r.ID] = true
			switch r.ID {
			case ids[2]:
				if !r.Deleted || r.MergedInto != ids[0] {
					t.Errorf("merged-away Contact %s: deleted %v, merged into %q; want deleted, into %s", r.ID, r.Deleted, r.MergedInto, ids[0])
				}
			case ids[0]:
				if r.Deleted || r.MergedInto != "" {
					t.Errorf("survivor %s: deleted %v, merged into %q", r.ID, r.Deleted, r.MergedInto)
				}
			}
		}
	}
	if !got[ids[0]] || !got[ids[2]] || got[ids[1]] {
		t.Fatalf("read after the merge returned %v; want the survivor %s and the merged %s only", got, ids[0], ids[2])
	}
}
