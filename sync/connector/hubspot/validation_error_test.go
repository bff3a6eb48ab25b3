package hubspot

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestValidationErrorNamesField: HubSpot's property validation errors
// carry their details inside the message ("Property values were not
// valid: [{\"isValid\":false,...,\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]"),
// with no errors[] array. A refused record must still name its field and
// HubSpot's code and words, whether HubSpot refuses the whole batch (400)
// or the one input (207), on create, update and upsert.
func TestValidationErrorNamesField(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 41})
	c := oauthConnector(t, e)
	ctx := t.Context()
	ids := e.seed(t, "contacts", []map[string]string{{"email": "kept@example.com", "firstname": "Kept"}})

	check := func(what string, r connector.Result, field, code, words string) {
		t.Helper()
		var re *connector.RecordError
		if !errors.As(r.Err, &re) || re.Field != field || re.Code != code || !strings.Contains(re.Message, words) {
			t.Errorf("%s: %v (%+v); want field %s, code %s and %q", what, r.Err, re, field, code, words)
		}
	}
	res, err := c.Write(ctx, "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"email": "new@example.com", "firstname": "New"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"email": "not-an-email", "firstname": "Bad"}},
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{"email": "also bad@"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].ID == "" {
		t.Fatalf("the good create beside a bad one: %+v", res[0])
	}
	check("create with a bad email", res[1], "email", "INVALID_EMAIL", "Email address not-an-email is invalid")
	check("update with a bad email", res[2], "email", "INVALID_EMAIL", "Email address also bad@ is invalid")

	res, err = c.Upsert(ctx, "contacts", "email", []connector.Op{
		{Fields: map[string]string{"email": "kept@example.com", "hs_nonexistent_prop": "x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check("upsert with an unknown property", res[0], "hs_nonexistent_prop", "PROPERTY_DOESNT_EXIST", `Property "hs_nonexistent_prop" does not exist`)
}
