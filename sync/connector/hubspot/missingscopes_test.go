package hubspot

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestMissingScopesNamesTheScope: a connection made without the custom
// object scopes reads a custom object's records. HubSpot answers 403
// MISSING_SCOPES, its message saying only that "all required scopes" were
// not granted; the scopes are in errors[].context.requiredGranularScopes.
// The error (which the Connections screen shows as the reason to
// reconnect) names them and says to reconnect HubSpot to approve them.
func TestMissingScopesNamesTheScope(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 27})
	_, err := scopedConnector(t, e).Schema(t.Context(), projects)
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Code != "MISSING_SCOPES" || !errors.Is(err, connector.ErrAuth) {
		t.Fatalf("schema without the scopes: %v; want MISSING_SCOPES", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "crm.objects.custom.read") || !strings.Contains(msg, "reconnect") {
		t.Errorf("error %q: want the scope HubSpot requires (crm.objects.custom.read) named, and to reconnect HubSpot", msg)
	}
}
