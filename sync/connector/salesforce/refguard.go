package salesforce

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A Collections update answered ENTITY_IS_DELETED or
// INVALID_CROSS_REFERENCE_KEY naming no field is the record gone (its own
// id binned or purged), which the engine holds as a delete. The same codes
// also refuse a lookup value (an AccountId or OwnerId naming a record
// purged or out of reach), and may then name no field either [unverified]:
// a live record would be taken for deleted. When such a write carried a
// reference value, confirmGone reads the records back, one query per
// batch, before calling them gone.

// confirmGone turns the results of idx that came back not found naming no
// field, for an update that carried a reference value, into a validation
// error naming those references when the record is still there.
func (c *Conn) confirmGone(ctx context.Context, d *describeResult, ops []connector.Op, idx []int, results []connector.Result) {
	var doubt []int
	var ids []string
	for _, i := range idx {
		if ambiguousGone(results[i].Err) && len(refsCarried(d, ops[i])) > 0 {
			doubt = append(doubt, i)
			ids = append(ids, ops[i].ID)
		}
	}
	if len(doubt) == 0 {
		return
	}
	recs, err := c.Lookup(ctx, d.Name, "Id", ids)
	if err != nil {
		// Unconfirmed is no delete: a passing failure, tried again next run.
		for _, i := range doubt {
			re := results[i].Err.(*connector.RecordError)
			results[i].Err = recErr(d.Name, ops[i].ID, "", re.Code,
				fmt.Sprintf("%s (could not read the record back to tell a refused reference from the record deleted: %v)", re.Message, err), connector.CatServer)
		}
		return
	}
	live := make(map[string]bool, len(recs))
	for _, r := range recs {
		live[normalID(r.ID)] = true
	}
	for _, i := range doubt {
		if !live[normalID(ops[i].ID)] {
			continue // gone indeed
		}
		re := results[i].Err.(*connector.RecordError)
		refs := refsCarried(d, ops[i])
		named := make([]string, len(refs))
		for j, f := range refs {
			named[j] = f + " = " + ops[i].Fields[f]
		}
		results[i].Err = recErr(d.Name, ops[i].ID, refs[0], re.Code,
			fmt.Sprintf("%s (the %s is not deleted: Salesforce refused a reference it was sent, %s)", re.Message, d.Name, strings.Join(named, ", ")),
			connector.CatValidation)
	}
}

// ambiguousGone reports a not-found naming no field under one of the codes
// a refused reference shares.
func ambiguousGone(err error) bool {
	re, ok := err.(*connector.RecordError)
	return ok && re.Category == connector.CatNotFound && re.Field == "" &&
		(re.Code == "INVALID_CROSS_REFERENCE_KEY" || re.Code == "ENTITY_IS_DELETED")
}

// refsCarried lists, sorted, the reference fields op sets to a value.
func refsCarried(d *describeResult, op connector.Op) []string {
	var out []string
	for name, v := range op.Fields {
		if f, ok := d.field(name); ok && f.Type == "reference" && v != "" {
			out = append(out, f.Name)
		}
	}
	slices.Sort(out)
	return out
}
