package connector

import "context"

type duplicatesAllowedKey struct{}

// WithDuplicatesAllowed marks ctx for writes a person decided to make
// although the vendor's duplicate detection matched them with records
// it holds (RecordError.Duplicates): a connector whose vendor alerts on
// likely duplicates sends them acknowledging the alert. A rule that
// blocks duplicates still refuses them.
func WithDuplicatesAllowed(ctx context.Context) context.Context {
	return context.WithValue(ctx, duplicatesAllowedKey{}, true)
}

// DuplicatesAllowed says whether ctx is marked WithDuplicatesAllowed.
func DuplicatesAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(duplicatesAllowedKey{}).(bool)
	return ok
}

// DuplicateChecker is a connector whose vendor may refuse a create as a
// likely duplicate of records it holds, naming them (RecordError.
// Duplicates; Salesforce's duplicate rules). MayRefuseDuplicates says
// whether it may on object now; the engine then lets that side's creates
// go first in a run that creates on both sides, so the other side does
// not copy a record the vendor named (the copy would be the very
// duplicate). A connector answers from its metadata cache when it can.
type DuplicateChecker interface {
	MayRefuseDuplicates(ctx context.Context, object string) (bool, error)
}
