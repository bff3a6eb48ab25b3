package salesforce

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// collectionCalls counts the sandbox's POST/PATCH collection writes.
func (o *org) collectionCalls() int64 {
	var n int64
	for k, v := range o.sim.Stats() {
		if strings.HasSuffix(k, "/composite/sobjects") && !strings.HasPrefix(k, "GET") {
			n += v
		}
	}
	return n
}

// lockedBatch makes 3 Accounts and 200 Contact creates, three of them
// children of those Accounts.
func lockedBatch(t *testing.T, o *org) (accts []string, ops []connector.Op) {
	t.Helper()
	for i := range 3 {
		a, err := o.sim.Create("Account", map[string]string{"Name": fmt.Sprintf("Parent %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		accts = append(accts, a.ID)
	}
	for i := range 200 {
		f := map[string]string{"LastName": fmt.Sprintf("Lock %03d", i)}
		if i%70 == 5 {
			f["AccountId"] = accts[i/70]
		}
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: f})
	}
	return accts, ops
}

// UNABLE_TO_LOCK_ROW is transient (another transaction holds the row or
// its parent): the locked records are sent again within the call, and
// only they, so no create is made twice.
func TestLockedRowsRetriedWithinWrite(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	accts, ops := lockedBatch(t, o)
	for _, a := range accts {
		o.sim.LockRow(a, 1)
	}
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Errorf("op %d: %v", i, r.Err)
		}
	}
	if n := o.sim.Count("Contact"); n != 200 {
		t.Fatalf("contacts = %d, want 200", n)
	}
	seen := map[string]bool{}
	for _, r := range o.sim.Records("Contact") {
		if seen[r.Fields["LastName"]] {
			t.Fatalf("duplicate %s", r.Fields["LastName"])
		}
		seen[r.Fields["LastName"]] = true
	}
	if n := o.collectionCalls(); n > 2 {
		t.Fatalf("collection calls = %d, want at most 2", n)
	}
}

// A row locked on every attempt ends failed with Salesforce's message,
// naming the record, after a bounded number of calls; written again later
// (the next run) it goes through.
func TestLockedRowsFailAfterRetries(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	accts, ops := lockedBatch(t, o)
	for _, a := range accts {
		o.sim.LockRow(a, -1)
	}
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	var failed []connector.Op
	for i, r := range res {
		if ops[i].Fields["AccountId"] == "" {
			if r.Err != nil {
				t.Errorf("op %d: %v", i, r.Err)
			}
			continue
		}
		var re *connector.RecordError
		if !errors.As(r.Err, &re) || re.Code != "UNABLE_TO_LOCK_ROW" ||
			!strings.Contains(re.Message, "unable to obtain exclusive access to this record") ||
			!strings.Contains(r.Err.Error(), ops[i].Fields["AccountId"]) {
			t.Fatalf("op %d: err = %v", i, r.Err)
		}
		failed = append(failed, ops[i])
	}
	if n := o.sim.Count("Contact"); n != 197 {
		t.Fatalf("contacts = %d, want 197", n)
	}
	if n := o.collectionCalls(); n > 3 {
		t.Fatalf("collection calls = %d, want at most 3", n)
	}
	for _, a := range accts {
		o.sim.LockRow(a, 0)
	}
	res, err = c.Write(bg, "Contact", failed)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("retry %d: %v", i, r.Err)
		}
	}
	if n := o.sim.Count("Contact"); n != 200 {
		t.Fatalf("contacts = %d, want 200", n)
	}
}

// Updates and upserts locked once go through too.
func TestLockedUpdateRetried(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	var ops []connector.Op
	for i := range 5 {
		r, err := o.sim.Create("Contact", map[string]string{"LastName": fmt.Sprintf("U%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, connector.Op{Kind: connector.OpUpdate, ID: r.ID, Fields: map[string]string{"FirstName": "New"}})
	}
	o.sim.LockRow(ops[2].ID, 2)
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("op %d: %v", i, r.Err)
		}
		if g, _ := o.sim.Get("Contact", ops[i].ID); g.Fields["FirstName"] != "New" {
			t.Fatalf("op %d not written: %v", i, g.Fields)
		}
	}
}

// An expired query locator (INVALID_QUERY_LOCATOR) restarts the read past
// the last record handed out, rather than failing it.
func TestExpiredLocatorRestartsRead(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	rows := make([]sfsim.SeedRow, 5000)
	for i := range rows {
		// Many records share a second, so the restart relies on the Id tiebreak.
		ts := base.Add(time.Duration(i/700) * time.Second)
		rows[i] = sfsim.SeedRow{Values: []string{fmt.Sprintf("Exp %04d", i)}, Created: ts, Modified: ts}
	}
	if _, err := o.sim.Seed("Contact", []string{"LastName"}, rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	pages := 0
	var last connector.Cursor
	for p, err := range c.Read(bg, "Contact", "") {
		if err != nil {
			t.Fatalf("after %d pages, %d records: %v", pages, len(got), err)
		}
		pages++
		for _, r := range p.Records {
			got[r.ID]++
		}
		last = p.Cursor
		if pages == 1 {
			o.sim.ExpireQueryLocators()
		}
	}
	if len(got) != 5000 {
		t.Fatalf("read %d distinct records, want 5000", len(got))
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("%s read %d times", id, n)
		}
	}
	// The cursor still resumes: nothing new since.
	for p, err := range c.Read(bg, "Contact", last) {
		if err != nil || len(p.Records) != 0 {
			t.Fatalf("resumed: %d records, %v", len(p.Records), err)
		}
	}
}

// A locator that keeps expiring fails the read once restarted, rather
// than loop.
func TestExpiredLocatorTwiceFails(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	rows := make([]sfsim.SeedRow, 7000)
	ts := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i := range rows {
		rows[i] = sfsim.SeedRow{Values: []string{fmt.Sprintf("Exp %04d", i)}, Created: ts, Modified: ts}
	}
	if _, err := o.sim.Seed("Contact", []string{"LastName"}, rows); err != nil {
		t.Fatal(err)
	}
	var err error
	for _, e := range c.Read(bg, "Contact", "") {
		o.sim.ExpireQueryLocators()
		if e != nil {
			err = e
		}
	}
	if err == nil || !strings.Contains(err.Error(), "INVALID_QUERY_LOCATOR") {
		t.Fatalf("err = %v", err)
	}
}

// A delete refused with UNABLE_TO_LOCK_ROW is sent again within the call.
func TestLockedDeleteRetried(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	var ids []string
	for i := range 3 {
		r, err := o.sim.Create("Contact", map[string]string{"LastName": fmt.Sprintf("D%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	o.sim.LockRow(ids[1], 1)
	res, err := c.Delete(bg, "Contact", ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID != ids[i] {
			t.Fatalf("delete %d: %+v", i, r)
		}
	}
	if n := o.sim.Count("Contact"); n != 0 {
		t.Fatalf("contacts left = %d", n)
	}
}
