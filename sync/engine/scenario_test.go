package engine_test

import (
	"testing"
)

func TestCreateBothWays(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a1 := f.a.Put(objA, person("ada@example.com", "Ada", "Lovelace"))
	b1 := f.b.Put(objB, personB("grace@example.com", "Grace", "Hopper"))
	p, sum := f.run()
	if p.Counts.CreateA != 1 || p.Counts.CreateB != 1 {
		t.Fatalf("plan creates A %d B %d, want 1 and 1\n%s", p.Counts.CreateA, p.Counts.CreateB, p.Summary())
	}
	if sum.Status != "success" || sum.Created != 2 {
		t.Fatalf("run %+v, want success with 2 created", sum)
	}
	bID := f.linkedB(a1)
	if got := f.b.Get(objB, bID); got["Email"] != "ada@example.com" || got["LastName"] != "Lovelace" {
		t.Fatalf("B record for Ada: %v", got)
	}
	aID := f.linkedA(b1)
	if got := f.a.Get(objA, aID); got["email"] != "grace@example.com" || got["firstname"] != "Grace" {
		t.Fatalf("A record for Grace: %v", got)
	}
	// Our own writes come back as no-ops: the next run writes nothing.
	p2, sum2 := f.run()
	if !p2.Empty() || sum2.Created+sum2.Updated != 0 {
		t.Fatalf("second run not empty:\n%s", p2.Summary())
	}
	audit, _ := f.db.Audit(f.ctx, sum.RunID)
	if len(audit) < 6 {
		t.Fatalf("audit rows %d, want one per field written", len(audit))
	}
}
