package hubspot

import (
	"strings"
	"testing"
)

// TestValidationErrorShape: HubSpot refuses property values with the
// details inside its message and no errors[] array (captured responses:
// {"status":"error","message":"Property values were not valid:
// [{\"isValid\":false,...,\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]",
// "correlationId":…,"category":"VALIDATION_ERROR"}), so the sandbox must not
// hand a connector details the real API does not send.
func TestValidationErrorShape(t *testing.T) {
	e := newEnv(t, Options{})
	r, body := e.do("POST", "/crm/objects/2026-03/contacts", map[string]any{"properties": map[string]any{"email": "not-an-email"}})
	msg, _ := body["message"].(string)
	if r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" || body["correlationId"] == nil ||
		!strings.Contains(msg, `Property values were not valid: [{"isValid":false,"message":"Email address not-an-email is invalid","error":"INVALID_EMAIL","name":"email"}]`) {
		t.Fatalf("create with a bad email: %d %v", r.StatusCode, body)
	}
	if _, ok := body["errors"]; ok {
		t.Fatalf("errors[] %v: HubSpot sends the details in the message alone", body["errors"])
	}
}
