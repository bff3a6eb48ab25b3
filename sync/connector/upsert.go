package connector

import (
	"context"
	"strings"
)

// UpsertByKey runs upserts through write, a connector's own writer, for
// vendors that upsert by a key field in the same calls that create and
// update (Klaviyo's bulk import, Brevo's updateEnabled). An op without a
// value for keyField fails alone (MISSING_KEY) and is never sent, since
// the vendor could only create it again on a replay; the rest go as
// OpUpsert. The Results are in the order of ops.
func UpsertByKey(ctx context.Context, vendor, object, keyField string, ops []Op,
	write func(context.Context, []Op) ([]Result, error)) ([]Result, error) {
	res := make([]Result, len(ops))
	var keep []Op
	var at []int
	for i, op := range ops {
		if strings.TrimSpace(op.Fields[keyField]) == "" {
			res[i].Err = &RecordError{Vendor: vendor, Object: object, Category: CatValidation,
				Field: keyField, Code: "MISSING_KEY", Message: "the upsert key " + keyField + " is blank"}
			continue
		}
		op.Kind = OpUpsert
		keep, at = append(keep, op), append(at, i)
	}
	out, err := write(ctx, keep)
	if err != nil {
		return nil, err
	}
	for k, r := range out {
		res[at[k]] = r
	}
	return res, nil
}
