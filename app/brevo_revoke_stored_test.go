package app

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector/brevo"
)

// TestStoredBrevoRevokeURLDropped: a Brevo connection signed in at
// Brevo's own token endpoint before the guessed revoke URL was dropped
// stored that URL, so its disconnect still posted there and warned of a
// failed revoke. A vendor with no revoke endpoint now sends none for a
// grant its own token endpoint issued.
func TestStoredBrevoRevokeURLDropped(t *testing.T) {
	bv := brevo.Info()
	stored := oauthFacts{TokenURL: bv.OAuth.TokenURL, RevokeURL: "https://oauth.brevo.com/realms/partner/oauth/revoke"}
	if got := revokeURL(bv, stored); got != "" {
		t.Errorf("stored Brevo connection revokes at %q; Brevo has no revoke endpoint", got)
	}
}
