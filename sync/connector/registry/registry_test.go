package registry

import (
	"testing"
)

func TestVendorsAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Vendors() {
		if v.Name == "" || v.Title == "" || v.New == nil || v.BatchSize <= 0 || v.PageSize <= 0 || v.Contacts == "" {
			t.Errorf("vendor %+v is missing Name, Title, New, sizes or Contacts", v.Name)
		}
		// Pipedrive sets scopes on the app in its Developer Hub, not in the
		// authorize URL; Mailchimp has none.
		if v.OAuth.AuthURL == "" || v.OAuth.TokenURL == "" || (len(v.OAuth.Scopes) == 0 && v.Name != "pipedrive" && v.Name != "mailchimp") {
			t.Errorf("vendor %s has no OAuth endpoints or scopes", v.Name)
		}
		if seen[v.Name] {
			t.Errorf("vendor %s listed twice", v.Name)
		}
		seen[v.Name] = true
	}
	for _, want := range []string{"hubspot", "salesforce", "pipedrive", "zoho", "dynamics", "mailchimp", "klaviyo", "brevo"} {
		if !seen[want] {
			t.Errorf("Vendors() lacks %s", want)
		}
	}
}
