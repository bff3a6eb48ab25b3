package brevo

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

func TestBuildItemBody(t *testing.T) {
	d := &schemaData{ListsOK: true, Lists: []list{{ID: 2}, {ID: 5}}, Attributes: []attribute{
		{Name: "FIRSTNAME", Category: "normal", Type: "text"}, {Name: "SCORE", Category: "normal", Type: "float"},
		{Name: "TOTAL", Category: "calculated", Type: "float"}}}
	it, rerr := buildItem(0, connector.Op{Kind: connector.OpUpdate, ID: "7", Fields: map[string]string{
		"FIRSTNAME": "", "SCORE": "1.5", fEmail: "n@example.com", fListIDs: "5", fEmailBlacklisted: "true"}}, d)
	if rerr != nil {
		t.Fatal(rerr)
	}
	raw, _ := json.Marshal(it.body)
	want := `{"attributes":{"EMAIL":"n@example.com","FIRSTNAME":null,"SCORE":1.5},"emailBlacklisted":true,"id":7,"listIds":[5],"unlinkListIds":[2]}`
	if string(raw) != want {
		t.Errorf("body\n got %s\nwant %s", raw, want)
	}
	for _, bad := range []connector.Op{
		{Kind: connector.OpUpdate, ID: "7", Fields: map[string]string{fEmailBlacklisted: "false"}},
		{Kind: connector.OpUpdate, ID: "7", Fields: map[string]string{fModified: "2026-01-01T00:00:00Z"}},
		{Kind: connector.OpUpdate, ID: "7", Fields: map[string]string{"TOTAL": "3"}},
		{Kind: connector.OpUpdate, ID: "7", Fields: map[string]string{"NICKNAME": "x"}},
		{Kind: connector.OpUpdate, ID: "x", Fields: map[string]string{"FIRSTNAME": "x"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"FIRSTNAME": "No identifier"}},
	} {
		if _, rerr := buildItem(0, bad, d); rerr == nil || rerr.Category != connector.CatValidation {
			t.Errorf("op %+v accepted", bad.Fields)
		}
	}
	it, rerr = buildItem(0, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "a@b.co", fEmailBlacklisted: "false", "FIRSTNAME": ""}}, d)
	if raw, _ := json.Marshal(it.body); rerr != nil || string(raw) != `{"email":"a@b.co"}` {
		t.Errorf("create: %s, %v", raw, rerr)
	}
}

func TestBlamedField(t *testing.T) {
	op := connector.Op{Fields: map[string]string{fEmail: "x", "SMS": "1", "JOB_TITLE": "y"}}
	for msg, want := range map[string]string{
		"contacts[1]: Invalid email address": fEmail,
		"Invalid phone number":               "SMS",
		"Attribute JOB_TITLE is too long":    "JOB_TITLE",
		"Something else":                     "",
	} {
		if got := blamed(op, msg); got != want {
			t.Errorf("blamed(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 5e6, time.UTC)
	c := cursor{At: at, seen: map[int64]int64{12: 1772355600005}}
	back, err := parseCursor(c.String())
	if err != nil || !back.At.Equal(at) || back.seen[12] != 1772355600005 || len(back.seen) != 1 {
		t.Fatalf("round trip of %q: %+v, %v", c.String(), back, err)
	}
	if _, err := parseCursor("kl1|junk"); err == nil {
		t.Error("a foreign cursor was read")
	}
}

func TestInfoAndBase(t *testing.T) {
	i := Info()
	if i.Name != "brevo" || i.APIBase != "https://api.brevo.com" || i.PageSize != 1000 || i.BatchSize != BatchSize ||
		i.OAuth.TokenHeader != "api-key" || !i.OAuth.PKCE || i.Contacts != "contacts" || i.Discover == nil {
		t.Errorf("Info = %+v", i)
	}
	for u, want := range map[string]string{
		"https://oauth.brevo.com/realms/partner/oauth/token":  "https://api.brevo.com",
		"http://127.0.0.1:9/brevo/realms/partner/oauth/token": "http://127.0.0.1:9/brevo",
	} {
		if got := baseFromTokenURL(u); got != want {
			t.Errorf("base from %s: %q", u, got)
		}
	}
	if got := endpointOf("https://api.brevo.com/v3/contacts/a%40b.co?identifierType=email_id"); got != "/v3/contacts/{identifier}" {
		t.Errorf("endpointOf = %q", got)
	}
}
