package brevo

import "testing"

// update-contact (developers.brevo.com/reference/update-contact, and the
// updateContact description in getbrevo/brevo-node's reference.md): "If a
// blocklisted contact's email address is updated, it is going to remove that
// blocklisting from the contact and they will be resubscribed." The batch
// update takes the new email the same way (attributes.EMAIL).
func TestEmailChangeResubscribesBlacklistedContact(t *testing.T) {
	e := newEnv(t, Options{})
	ids, err := e.sim.SeedContacts([]ContactSeed{
		{Email: "out1@example.com", EmailBlacklisted: true},
		{Email: "out2@example.com", EmailBlacklisted: true},
		{Email: "out3@example.com", EmailBlacklisted: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do("PUT", "/v3/contacts/out1@example.com", map[string]any{"attributes": map[string]any{"EMAIL": "new1@example.com"}}, nil); r.StatusCode != 204 {
		t.Fatalf("PUT: %d", r.StatusCode)
	}
	if r := e.do("POST", "/v3/contacts/batch", map[string]any{"contacts": []map[string]any{
		{"id": ids[1], "attributes": map[string]any{"EMAIL": "new2@example.com"}},
		{"id": ids[2], "attributes": map[string]any{"FIRSTNAME": "Same email"}},
	}}, nil); r.StatusCode != 204 {
		t.Fatalf("batch: %d", r.StatusCode)
	}
	for i, want := range []bool{false, false, true} {
		c, _ := e.sim.Contact(ids[i])
		if c.EmailBlacklisted != want {
			t.Errorf("contact %d (%s): emailBlacklisted %v, want %v", ids[i], c.Email, c.EmailBlacklisted, want)
		}
	}
}

// Changelog "SMS number can now be unset from a contact"
// (developers.brevo.com/changelog/sms-number-can-now-be-unset-from-a-contact):
// "SMS number can now be unset if the contact has a valid EMAIL address". A
// contact known only by its SMS number keeps it.
func TestSMSUnsetNeedsEmail(t *testing.T) {
	e := newEnv(t, Options{})
	ids, err := e.sim.SeedContacts([]ContactSeed{
		{ExtID: "only-sms", Attributes: map[string]any{AttrSMS: "+33612345678"}},
		{Email: "has@example.com", Attributes: map[string]any{AttrSMS: "+33612345679"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var eb errBody
	if r := e.do("POST", "/v3/contacts/batch", map[string]any{"contacts": []map[string]any{
		{"id": ids[0], "attributes": map[string]any{AttrSMS: ""}}}}, &eb); r.StatusCode != 400 || eb.Code != "invalid_parameter" {
		t.Errorf("unset the only SMS: %d %+v", r.StatusCode, eb)
	}
	if c, _ := e.sim.Contact(ids[0]); c.Attributes[AttrSMS] != "+33612345678" {
		t.Errorf("SMS-only contact lost its number: %+v", c)
	}
	if r := e.do("PUT", "/v3/contacts/has@example.com", map[string]any{"attributes": map[string]any{AttrSMS: nil}}, nil); r.StatusCode != 204 {
		t.Errorf("unset SMS beside an email: %d", r.StatusCode)
	}
	if c, _ := e.sim.Contact(ids[1]); c.Attributes[AttrSMS] != nil {
		t.Errorf("SMS not unset: %+v", c)
	}
}
