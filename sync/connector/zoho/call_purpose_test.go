package zoho

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// Calls.Call_Purpose stores any value (Kaizen #38), though the fields
// metadata has no key saying so: the connector marks it unrestricted, and
// a value outside its list is written and read back as is. Call_Type, a
// picklist Zoho checks, is not marked.
func TestCallPurposeUnrestricted(t *testing.T) {
	ctx := t.Context()
	c := newEnv(t, zsim.Options{}).connect(t)
	sc, err := c.Schema(ctx, "Calls")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := sc.Field("Call_Purpose"); !f.Unrestricted || len(f.Options) == 0 {
		t.Errorf("Call_Purpose = %+v; want unrestricted, with its options", f)
	}
	if f, _ := sc.Field("Call_Type"); f.Unrestricted {
		t.Errorf("Call_Type is restricted, read as %+v", f)
	}
	res, err := c.Write(ctx, "Calls", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"Subject": "Intro",
		"Call_Type": "Inbound", "Call_Start_Time": "2026-11-03T09:00:00Z", "Call_Duration": "01:00", "Call_Purpose": "Warm intro"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("write: %v %+v", err, res)
	}
	got := ""
	for page, err := range c.Read(ctx, "Calls", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			if r.ID == res[0].ID {
				got = r.Fields["Call_Purpose"]
			}
		}
	}
	if got != "Warm intro" {
		t.Fatalf("read back Call_Purpose %q; want Warm intro", got)
	}
}
