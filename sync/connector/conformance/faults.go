package conformance

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// withFault switches a fault on for the rest of the subtest.
func withFault(t *testing.T, hook func(*testing.T, bool)) {
	t.Helper()
	hook(t, true)
	t.Cleanup(func() { hook(t, false) })
}

// writeAndReadUnderFault proves a write and a full read complete despite a
// transient fault, and that the backend holds what was written.
func (s suite) writeAndReadUnderFault(t *testing.T, hook func(*testing.T, bool)) {
	ctx, c := s.start(t)
	ids := s.h.Seed(t, []map[string]string{s.person(email(t, 100), "Pre", "Existing")})
	withFault(t, hook)
	var ops []connector.Op
	for i := range 5 {
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: s.person(email(t, i), fmt.Sprintf("Fault%d", i), "Survivor")})
	}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err != nil {
		t.Fatalf("Write under fault did not complete: %v", err)
	}
	recs, _, _ := readAll(ctx, t, c, s.h.Object, "")
	hook(t, false)
	s.assertWritten(t, ops, res)
	found := false
	for _, r := range recs {
		found = found || r.ID == ids[0]
	}
	if !found {
		t.Errorf("full read under fault missed seeded record %s", ids[0])
	}
}

func (s suite) faultRateLimit(t *testing.T) {
	if s.h.Faults.RateLimitStorm == nil {
		t.Skip("harness has no RateLimitStorm hook: the backend cannot send 429s on demand")
	}
	s.writeAndReadUnderFault(t, s.h.Faults.RateLimitStorm)
}

func (s suite) faultServerErrors(t *testing.T) {
	if s.h.Faults.ServerErrors == nil {
		t.Skip("harness has no ServerErrors hook: the backend cannot send 5xx on demand")
	}
	if s.h.CreatesNotReplayed {
		s.createsNotReplayedUnderFault(t)
		return
	}
	s.writeAndReadUnderFault(t, s.h.Faults.ServerErrors)
}

// createsNotReplayedUnderFault writes records one per call under server
// errors: each create succeeds or fails as outcome unknown, none is made
// twice, and each that succeeded is in the backend as written.
func (s suite) createsNotReplayedUnderFault(t *testing.T) {
	ctx, c := s.start(t)
	withFault(t, s.h.Faults.ServerErrors)
	var done []connector.Op
	var res []connector.Result
	var ops []connector.Op
	unknown := 0
	for i := range 12 {
		op := connector.Op{Kind: connector.OpCreate, Fields: s.person(email(t, i), fmt.Sprintf("Fault%d", i), "Survivor")}
		ops = append(ops, op)
		r, err := c.Write(ctx, s.h.Object, []connector.Op{op})
		switch {
		case err == nil && len(r) == 1 && r[0].Err == nil:
			done, res = append(done, op), append(res, r[0])
		case err != nil && connector.OutcomeUnknown(err):
			unknown++
		default:
			t.Errorf("create %d under server errors: %v %+v; want success or an outcome-unknown error", i, err, r)
		}
	}
	s.h.Faults.ServerErrors(t, false)
	if unknown == 0 {
		t.Log("no create met a server error; the fault rate may be too low to tell")
	}
	recs, _, _ := readAll(ctx, t, c, s.h.Object, "")
	byEmail := map[string]int{}
	for _, r := range recs {
		byEmail[strings.ToLower(r.Fields[s.h.Fields.Email])]++
	}
	for _, op := range ops {
		if n := byEmail[strings.ToLower(op.Fields[s.h.Fields.Email])]; n > 1 {
			t.Errorf("%s was created %d times under server errors", op.Fields[s.h.Fields.Email], n)
		}
	}
	s.assertWritten(t, done, res)
}

func (s suite) faultExpiredToken(t *testing.T) {
	if s.h.Faults.ExpireTokens == nil {
		t.Skip("harness has no ExpireTokens hook: its client cannot refresh tokens")
	}
	ctx, c := s.start(t)
	// One call first so the client holds a token that then expires.
	ids := s.h.Seed(t, []map[string]string{s.person(email(t, 0), "Token", "Holder")})
	if _, err := c.Write(ctx, s.h.Object, []connector.Op{{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{s.h.Fields.First: "Before"}}}); err != nil {
		t.Fatalf("Write before expiry: %v", err)
	}
	withFault(t, s.h.Faults.ExpireTokens)
	ops := []connector.Op{{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{s.h.Fields.First: "After"}}}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err != nil {
		t.Fatalf("Write after token expiry was not refreshed transparently: %v", err)
	}
	s.assertWritten(t, ops, res)
}

func (s suite) faultBudget(t *testing.T) {
	if s.h.Faults.ExhaustBudget == nil {
		t.Skip("harness has no ExhaustBudget hook: the backend cannot report a spent daily limit")
	}
	ctx, c := s.start(t)
	withFault(t, s.h.Faults.ExhaustBudget)
	var before int64
	if s.h.Requests != nil {
		before = s.h.Requests(t)
	}
	ops := []connector.Op{{Kind: connector.OpCreate, Fields: s.person(email(t, 0), "Over", "Budget")}}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err == nil {
		t.Fatalf("Write with the daily budget spent succeeded: %+v", res)
	}
	if !errors.Is(err, connector.ErrBudget) {
		t.Errorf("Write with the budget spent: %v (category %s), want errors.Is ErrBudget", err, connector.CategoryOf(err))
	}
	if s.h.Requests != nil {
		if n := s.h.Requests(t) - before; n > 2 {
			t.Errorf("budget stop took %d requests; want at most 2 (no retry storm)", n)
		}
	}
	for p, err := range c.Read(ctx, s.h.Object, "") {
		if err == nil {
			t.Fatalf("Read with the budget spent returned a page of %d records", len(p.Records))
		}
		if !errors.Is(err, connector.ErrBudget) {
			t.Errorf("Read with the budget spent: %v, want errors.Is ErrBudget", err)
		}
		break
	}
}
