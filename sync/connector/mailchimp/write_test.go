package mailchimp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A create without a status fails on its own, naming status, and is never
// sent: the connector assumes no consent.
func TestCreateWithoutStatusFails(t *testing.T) {
	f, c := newFake(t)
	var sent []any
	f.batch = func(body map[string]any) (int, any) {
		sent = body["members"].([]any)
		return 200, map[string]any{"new_members": []map[string]any{{"email_address": "b@example.com", "contact_id": "cb"}}}
	}
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "a@example.com", "FNAME": "A"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "b@example.com", fStatus: "transactional"}},
	}
	res, err := c.Write(context.Background(), objMembers, ops)
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != fStatus || re.Code != "STATUS_REQUIRED" || re.RecordID != "a@example.com" {
		t.Errorf("create without status: %v, want a STATUS_REQUIRED RecordError naming a@example.com and status", res[0].Err)
	}
	if res[1].Err != nil || res[1].ID != "cb" || !res[1].Created {
		t.Errorf("create with status: %+v", res[1])
	}
	if len(sent) != 1 {
		t.Errorf("batch carried %d members, want only the one with a status", len(sent))
	}
}

// Batch subscribe answers are matched to ops by address, whatever their
// case and order; errors become RecordErrors with Mailchimp's field,
// message and code; an exists error is a conflict.
func TestBatchResultsMapToOpsByEmail(t *testing.T) {
	f, c := newFake(t)
	var update any
	f.batch = func(body map[string]any) (int, any) {
		update = body["update_existing"]
		return 200, map[string]any{
			"new_members": []map[string]any{{"email_address": "c@example.com", "contact_id": "cc"}},
			"errors": []map[string]any{
				{"email_address": "bad", "error": "bad looks fake or invalid, please enter a real email address.", "error_code": "ERROR_GENERIC", "field": "email_address", "field_message": "Invalid email"},
				{"email_address": "A@Example.com", "error": "A@Example.com is already a list member.", "error_code": "ERROR_CONTACT_EXISTS"},
			}}
	}
	st := map[string]string{fStatus: "subscribed"}
	op := func(email string) connector.Op {
		fs := map[string]string{fEmail: email}
		for k, v := range st {
			fs[k] = v
		}
		return connector.Op{Kind: connector.OpCreate, Fields: fs}
	}
	res, err := c.Write(context.Background(), objMembers, []connector.Op{op("a@example.com"), op("bad"), op("C@example.com"), op("c@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if update != false {
		t.Errorf("a create sent update_existing %v, want false", update)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatConflict || re.Code != contactExists || !errors.Is(res[0].Err, connector.ErrConflict) {
		t.Errorf("existing address: %v, want a conflict", res[0].Err)
	}
	if !errors.As(res[1].Err, &re) || re.Field != fEmail || re.Category != connector.CatValidation || !strings.Contains(re.Message, "looks fake") || re.RecordID != "bad" {
		t.Errorf("invalid address: %+v", re)
	}
	if res[2].ID != "cc" || !res[2].Created || res[2].Err != nil {
		t.Errorf("new member: %+v", res[2])
	}
	if !errors.As(res[3].Err, &re) || re.Code != "DUPLICATE_IN_BATCH" {
		t.Errorf("same address twice: %v", res[3].Err)
	}
}

// An upsert Mailchimp lists in none of its arrays (nothing changed) is
// looked up by address.
func TestUpsertUnreportedMemberIsLookedUp(t *testing.T) {
	f, c := newFake(t)
	f.seed(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var update any
	f.batch = func(body map[string]any) (int, any) {
		update = body["update_existing"]
		return 200, map[string]any{"new_members": []any{}, "updated_members": []any{}, "errors": []any{}}
	}
	res, err := c.Upsert(context.Background(), objMembers, fEmail, []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "M0@example.com", fStatus: "subscribed", "FNAME": "F0"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "nobody@example.com", fStatus: "subscribed"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if update != true {
		t.Errorf("an upsert sent update_existing %v, want true", update)
	}
	if res[0].ID != "c0" || res[0].Err != nil || res[0].Created {
		t.Errorf("unchanged member: %+v, want c0", res[0])
	}
	if res[1].Err == nil {
		t.Errorf("a member Mailchimp neither reported nor holds succeeded: %+v", res[1])
	}
	if _, err := c.Upsert(context.Background(), objMembers, "FNAME", nil); err == nil {
		t.Error("an upsert by FNAME was accepted")
	}
}

// A 400 problem document's errors name the field of an update.
func TestUpdateFailureNamesTheField(t *testing.T) {
	_, c := newFake(t)
	res, err := c.Write(context.Background(), objMembers, []connector.Op{{Kind: connector.OpUpdate, ID: "c9", Fields: map[string]string{"FNAME": ""}}})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != "FNAME" || re.RecordID != "c9" || re.Code != "Invalid Resource" || !strings.Contains(re.Message, "Please enter a value") {
		t.Errorf("update failure: %v", res[0].Err)
	}
}

// Values the connector can tell are wrong fail before any call.
func TestBodyRefusesBadValues(t *testing.T) {
	_, c := newFake(t)
	sc, err := c.schemaOf(context.Background(), objMembers)
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range []map[string]string{
		{fStatus: "maybe"}, {fEmailType: "pdf"}, {fVIP: "perhaps"}, {fRating: "3"}, {"NOPE": "x"}, {fLastChanged: "2026-01-01T00:00:00Z"},
	} {
		if _, _, rerr := sc.body(connector.Op{Kind: connector.OpUpdate, ID: "c1", Fields: fs}); rerr == nil {
			t.Errorf("body(%v) was accepted", fs)
		}
	}
	b, _, rerr := sc.body(connector.Op{Kind: connector.OpUpdate, ID: "c1", Fields: map[string]string{fVIP: "true", "FNAME": "", fEmail: " x@example.com "}})
	if rerr != nil || b[fVIP] != true || b["merge_fields"].(map[string]any)["FNAME"] != "" || b[fEmail] != "x@example.com" {
		t.Errorf("body = %v, %v", b, rerr)
	}
}

func TestCallErrors(t *testing.T) {
	_, c := newFake(t)
	c.base += "/elsewhere" // every path unknown to the fake: 401
	for _, err := range c.Read(context.Background(), objMembers, "") {
		if !errors.Is(err, connector.ErrAuth) {
			t.Errorf("read with a bad key: %v, want ErrAuth", err)
		}
	}
	_, c = newFake(t)
	for _, err := range c.Read(context.Background(), listPrefix+"GONE", "") {
		if !errors.Is(err, connector.ErrTarget) || !strings.Contains(err.Error(), "audience GONE") {
			t.Errorf("read of a missing audience: %v, want the audience refused as a whole, naming it", err)
		}
	}
	if _, err := c.Schema(context.Background(), "contacts"); err == nil {
		t.Error("Schema(contacts) succeeded")
	}
}

func TestEndpointOf(t *testing.T) {
	if got := endpointOf("/lists/abc123/members/0f9e?fields=x"); got != "/lists/{list_id}/members/{subscriber_hash}" {
		t.Errorf("endpointOf = %q", got)
	}
}
