package klaviyo

import (
	"encoding/json"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

func TestFieldOfPointer(t *testing.T) {
	for p, want := range map[string]string{
		"/data/attributes/email":                                      "email",
		"/data/attributes/profiles/data/3/attributes/location/city":   "location.city",
		"/data/attributes/profiles/data/0/attributes/properties/Plan": "properties.Plan",
		"/data/attributes/profiles":                                   "",
		"/data":                                                       "",
	} {
		if got := fieldOf(p); got != want {
			t.Errorf("fieldOf(%q) = %q, want %q", p, got, want)
		}
	}
	if n, ok := profileIndex("/data/attributes/profiles/data/12/attributes/email"); !ok || n != 12 {
		t.Errorf("profileIndex = %d, %v", n, ok)
	}
}

// A blank sends null, a blank property is unset, and fields the op does
// not carry are not sent at all.
func TestBuildItemBody(t *testing.T) {
	it, rerr := buildItem(0, connector.Op{Kind: connector.OpUpdate, ID: "P1", Fields: map[string]string{
		fFirst: "", fLast: "Lovelace", "location.latitude": "40.5", "properties.Old": "", "properties.Seats": "3"}},
		map[string]connector.FieldType{"Seats": connector.TypeNumber})
	if rerr != nil {
		t.Fatal(rerr)
	}
	raw, _ := json.Marshal(it.body)
	want := `{"type":"profile","id":"P1","attributes":{"first_name":null,"last_name":"Lovelace","location":{"latitude":40.5},"properties":{"Seats":3}},"meta":{"patch_properties":{"unset":["Old"]}}}`
	if string(raw) != want {
		t.Errorf("body\n got %s\nwant %s", raw, want)
	}
	for _, bad := range []connector.Op{
		{Kind: connector.OpUpdate, ID: "P1", Fields: map[string]string{fConsent: consentSubscribed}},
		{Kind: connector.OpUpdate, ID: "P1", Fields: map[string]string{fConsent: consentNeverSubscribed}},
		{Kind: connector.OpUpdate, ID: "P1", Fields: map[string]string{fUpdated: "2026-01-01T00:00:00Z"}},
		{Kind: connector.OpUpdate, ID: "P1", Fields: map[string]string{"nickname": "x"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fFirst: "No identifier"}},
	} {
		if _, rerr := buildItem(0, bad, nil); rerr == nil || rerr.Category != connector.CatValidation {
			t.Errorf("op %+v accepted", bad.Fields)
		}
	}
	if it, rerr := buildItem(0, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "a@b.co", fConsent: consentNeverSubscribed}}, nil); rerr != nil || it.unsubscribe {
		t.Errorf("NEVER_SUBSCRIBED on a create: %+v, %v", it, rerr)
	}
}

func TestInfo(t *testing.T) {
	i := Info()
	if i.Name != "klaviyo" || i.APIBase != "https://a.klaviyo.com" || i.PageSize != 100 || i.BatchSize != BatchSize || !i.OAuth.PKCE ||
		i.OAuth.TokenURL != "https://a.klaviyo.com/oauth/token" || i.Contacts != "profiles" || i.Discover == nil {
		t.Errorf("Info = %+v", i)
	}
	if got := baseFromTokenURL("https://a.klaviyo.com/oauth/token"); got != "https://a.klaviyo.com" {
		t.Errorf("base from the token URL: %q", got)
	}
}
