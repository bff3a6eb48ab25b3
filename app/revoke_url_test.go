package app

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector/mailchimp"
	"github.com/crmsync/crmsync/sync/connector/pipedrive"
	"github.com/crmsync/crmsync/sync/connector/salesforce"
)

// TestRevokeURLBesideGivenTokenURL: where a connection's grant is
// revoked, by what it was signed in at. A token URL of its own keeps the
// revoke on that server (a Salesforce sandbox org signs in at
// test.salesforce.com, whose grants login.salesforce.com does not know).
func TestRevokeURLBesideGivenTokenURL(t *testing.T) {
	sf, pd, mc := salesforce.Info(), pipedrive.Info(), mailchimp.Info()
	check := func(name, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: revoke URL %q, want %q", name, got, want)
		}
	}
	check("vendor's own", revokeURLFor(sf, "", sf.OAuth.TokenURL), "https://login.salesforce.com/services/oauth2/revoke")
	check("sandbox org", revokeURLFor(sf, "", "https://test.salesforce.com/services/oauth2/token"), "https://test.salesforce.com/services/oauth2/revoke")
	check("given", revokeURLFor(sf, "https://x.example/revoke", "https://test.salesforce.com/services/oauth2/token"), "https://x.example/revoke")
	check("unrelated token path", revokeURLFor(pd, "", "https://idp.example/token"), "")
	check("vendor without one", revokeURLFor(mc, "", "http://127.0.0.1:1/mailchimp/oauth2/token"), "")
	stored := oauthFacts{TokenURL: pd.OAuth.TokenURL}
	check("stored before the vendor named one", revokeURL(pd, stored), "https://oauth.pipedrive.com/oauth/revoke")
	check("stored elsewhere without one", revokeURL(pd, oauthFacts{TokenURL: "http://127.0.0.1:1/pipedrive/oauth/token"}), "")
}
