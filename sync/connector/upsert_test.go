package connector

import (
	"context"
	"errors"
	"testing"
)

// An upsert without its key fails alone and is never sent; the others go
// as upserts, and their results come back in the ops' order.
func TestUpsertByKey(t *testing.T) {
	ops := []Op{
		{Kind: OpCreate, Fields: map[string]string{"email": "a@x.test"}},
		{Kind: OpCreate, Fields: map[string]string{"email": "  "}},
		{Kind: OpUpdate, ID: "9", Fields: map[string]string{"email": "c@x.test"}},
	}
	var sent []Op
	res, err := UpsertByKey(context.Background(), "v", "contacts", "email", ops, func(_ context.Context, ops []Op) ([]Result, error) {
		sent = ops
		out := make([]Result, len(ops))
		for i, op := range ops {
			out[i].ID = "id-" + op.Fields["email"]
		}
		return out, nil
	})
	if err != nil || len(res) != 3 || len(sent) != 2 {
		t.Fatalf("results %+v, sent %+v, err %v", res, sent, err)
	}
	for _, op := range sent {
		if op.Kind != OpUpsert {
			t.Errorf("op %+v sent as kind %d, want an upsert", op, op.Kind)
		}
	}
	var re *RecordError
	if res[0].ID != "id-a@x.test" || res[2].ID != "id-c@x.test" || !errors.As(res[1].Err, &re) || re.Code != "MISSING_KEY" || re.Field != "email" {
		t.Fatalf("results %+v, want the keyless op failed with MISSING_KEY between the other two", res)
	}
	boom := errors.New("down")
	if _, err := UpsertByKey(context.Background(), "v", "contacts", "email", ops, func(context.Context, []Op) ([]Result, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("a failed call: %v", err)
	}
}
