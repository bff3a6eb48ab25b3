package salesforce

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

var _ connector.DuplicateChecker = (*Conn)(nil)

// TestMayRefuseDuplicates: the connector asks the org's
// DuplicateRule records whether an object has an active duplicate rule:
// no (none, or only an inactive one), yes (the standard contact rule),
// and yes when the user may not read the rules (the standard ones are
// active in every org). The answer is cached with the connection's
// metadata: a new connector over the same cache asks the org nothing.
func TestMayRefuseDuplicates(t *testing.T) {
	ctx := t.Context()
	ask := func(t *testing.T, o *org, meta connector.MetaCache, want bool, calls int64) {
		t.Helper()
		c := o.connectCached(t, meta)
		if _, err := c.apiVersion(ctx); err != nil {
			t.Fatal(err)
		}
		q := o.queryCalls()
		got, err := c.MayRefuseDuplicates(ctx, "Contact")
		if err != nil || got != want {
			t.Fatalf("MayRefuseDuplicates(Contact) = %v, %v; want %v", got, err, want)
		}
		if n := o.queryCalls() - q; n != calls {
			t.Fatalf("%d queries, want %d", n, calls)
		}
	}

	o := newOrg(t)
	_, meta := metaStore(t)
	ask(t, o, meta, false, 1)
	ask(t, o, meta, false, 0) // cached
	off := sfsim.StandardContactDuplicateRule()
	off.Inactive = true
	if err := o.sim.AddDuplicateRule("Contact", off); err != nil {
		t.Fatal(err)
	}
	ask(t, o, nil, false, 1) // only an inactive rule
	if err := o.sim.AddDuplicateRule("Contact", sfsim.StandardContactDuplicateRule()); err != nil {
		t.Fatal(err)
	}
	ask(t, o, meta, false, 0) // the cache answers for a day (connector.MetaTTL)
	_, fresh := metaStore(t)
	ask(t, o, fresh, true, 1)
	ask(t, o, fresh, true, 0)
	if got, err := o.connectCached(t, fresh).MayRefuseDuplicates(ctx, "Lead"); err != nil || got {
		t.Fatalf("MayRefuseDuplicates(Lead) = %v, %v; want false", got, err)
	}

	refused := newOrg(t)
	refused.sim.RefuseOrganization(true)
	ask(t, refused, nil, true, 1)
}
