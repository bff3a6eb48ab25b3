package connector

import (
	"context"
	"errors"
	"testing"
)

// Stops is true for a cancelled run, a refused sign-in and a spent budget,
// and false for one record's trouble; RecordFailure keeps a record error,
// carries a call error's category, code and message, and makes anything
// else a server error of that record.
func TestStopsAndRecordFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	auth := &Error{Vendor: "v", Category: CatAuth, Message: "token refused"}
	budget := &Error{Vendor: "v", Category: CatBudget, Code: "DAILY", Message: "spent"}
	valid := &Error{Vendor: "v", Category: CatValidation, Code: "INVALID", Message: "bad"}
	if !Stops(ctx, auth) || !Stops(ctx, budget) || Stops(ctx, valid) || Stops(ctx, errors.New("eof")) {
		t.Fatal("Stops misjudged an error")
	}
	cancel()
	if !Stops(ctx, valid) {
		t.Fatal("a cancelled run must stop")
	}
	re := &RecordError{Vendor: "v", RecordID: "1", Field: "Email", Message: "invalid"}
	if got := RecordFailure("v", "contacts", "9", re); got != re {
		t.Fatalf("a record error was rewritten: %+v", got)
	}
	if got := RecordFailure("v", "contacts", "9", valid); got.RecordID != "9" || got.Category != CatValidation || got.Code != "INVALID" || got.Message != "bad" {
		t.Fatalf("from a call error: %+v", got)
	}
	if got := RecordFailure("v", "contacts", "9", errors.New("eof")); got.Category != CatServer || got.Message != "eof" || got.Object != "contacts" {
		t.Fatalf("from another error: %+v", got)
	}
}
