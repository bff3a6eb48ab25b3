package cli_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDisconnectRevokeFailureExitsZero: `crmsync disconnect hs`
// removed the connection, yet exited 1 when only the vendor's revoke
// failed, as if nothing had been done. It now exits 0 and warns on
// stderr, naming the connection, the vendor's words and what to do.
func TestDisconnectRevokeFailureExitsZero(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"server_error","error_description":"revoke is down"}`))
	}))
	defer refusing.Close()
	h := newHarness(t)
	hs := h.startSandbox()["hubspot"]
	hs.RevokeURL = refusing.URL + "/revoke"
	h.connect(hs, "hs")

	_, stderr, code := h.run("disconnect", "hs")
	if code != 0 {
		t.Errorf("disconnect exited %d though the connection was removed; stderr: %s", code, stderr)
	}
	for _, want := range []string{"disconnected hs; the vendor did not confirm the revoke", "revoke is down", "remove crmsync's access in the CRM"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, stderr, code := h.run("disconnect", "hs"); code != 2 || !strings.Contains(stderr, `no connection named "hs"`) {
		t.Errorf("the connection is still there after the disconnect (exit %d): %s", code, stderr)
	}
}
