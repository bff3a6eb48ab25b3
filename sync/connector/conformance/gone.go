package conformance

import (
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// deletedRecordIsGone: a record the user already deleted in the CRM must
// come back from a second delete (an approved held delete, or an undo of
// a create) and from an update either as done or as not found naming no
// field, which the engine counts as gone: never a validation failure or
// any other red error, whatever words the vendor uses for "no such record".
func (s suite) deletedRecordIsGone(t *testing.T) {
	ctx, c := s.start(t)
	d, ok := c.(connector.Deleter)
	if !ok {
		t.Skip("connector does not implement connector.Deleter")
	}
	ids := s.h.Seed(t, []map[string]string{s.person(email(t, 0), "Gone", "Twice")})
	if res, err := d.Delete(ctx, s.h.Object, ids); err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("first Delete: %+v, %v", res, err)
	}
	res, err := d.Delete(ctx, s.h.Object, ids)
	if err != nil || len(res) != 1 {
		t.Fatalf("second Delete: %+v, %v", res, err)
	}
	if !goneOrDone(res[0].Err) {
		t.Errorf("delete of the deleted record %s: %v; want done or not found naming no field", ids[0], res[0].Err)
	}
	up, err := c.Write(ctx, s.h.Object, []connector.Op{{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{s.h.Fields.Last: "Edited"}}})
	if err != nil || len(up) != 1 {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if up[0].Err == nil {
		return // the vendor keeps soft-deleted records writable
	}
	if !goneOrDone(up[0].Err) {
		t.Errorf("update of the deleted record %s: %v; want not found naming no field", ids[0], up[0].Err)
	}
}

// goneOrDone says whether a write's error means the record is gone: none,
// or not found naming no field (the engine's recordGone).
func goneOrDone(err error) bool {
	var re *connector.RecordError
	return err == nil || errors.As(err, &re) && re.Category == connector.CatNotFound && re.Field == ""
}
