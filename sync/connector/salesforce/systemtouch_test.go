package salesforce

import (
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestSystemTouchMovesCursorNotModified: an automated process moves
// a contact's SystemModstamp only. The incremental read still returns it
// (the cursor follows SystemModstamp, a roll-up may have changed a
// field), once; its Modified stays the user's edit (LastModifiedDate),
// also in a read narrowed to the fields a sync uses.
func TestSystemTouchMovesCursorNotModified(t *testing.T) {
	o, clk, t0 := clockOrg(t, -time.Hour)
	ids := createContacts(t, o, 1)
	c := o.connect(t, 0)
	first := readAll(t, o, c, "", 0)
	if len(first.ids) != 1 {
		t.Fatalf("first read: %v", first.ids)
	}
	cur := first.cursors[len(first.cursors)-1]
	clk.Set(t0.Add(10 * time.Second))
	if err := o.sim.SystemTouch("Contact", ids[0]); err != nil {
		t.Fatal(err)
	}
	ctx := connector.WithReadFields(bg, []string{"LastName"})
	var got []connector.Record
	var next connector.Cursor
	for p, err := range c.Read(ctx, "Contact", cur) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Records...)
		next = p.Cursor
	}
	if len(got) != 1 || got[0].ID != ids[0] {
		t.Fatalf("after a system touch the read returned %+v; want the touched contact", got)
	}
	if want := t0.Truncate(time.Second); !got[0].Modified.Equal(want) {
		t.Errorf("Modified %v after a system touch; want the user's edit %v (LastModifiedDate), SystemModstamp %s",
			got[0].Modified, want, got[0].Fields["SystemModstamp"])
	}
	if again := readAll(t, o, c, next, 0); len(again.ids) != 0 {
		t.Errorf("read from the cursor after the touch returned %v again", again.ids)
	}
}
