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
