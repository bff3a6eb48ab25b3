package connector

import "context"

type readFieldsKey struct{}

// WithReadFields marks ctx with the fields the caller of Read uses (a
// sync's mapped, match and filter fields). A connector may then ask its
// vendor for those alone, plus what it needs itself (ids, the modified
// time, merge and delete markers): a real CRM object has hundreds of
// fields, and every one read is bytes on the wire, decoded and dropped.
// A connector that ignores the mark reads everything, as before; a record
// it returns must still hold every field named (blank when empty).
func WithReadFields(ctx context.Context, fields []string) context.Context {
	set := make(map[string]bool, len(fields))
	for _, f := range fields {
		set[f] = true
	}
	return context.WithValue(ctx, readFieldsKey{}, set)
}

// ReadFields returns the fields ctx names (WithReadFields), and false when
// it names none: read everything.
func ReadFields(ctx context.Context) (map[string]bool, bool) {
	set, ok := ctx.Value(readFieldsKey{}).(map[string]bool)
	return set, ok
}
