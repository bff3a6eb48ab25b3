package pipedrive

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// apiTokenRT sends a personal API token in x-api-token, as a pasted token does.
type apiTokenRT struct{ token string }

func (rt apiTokenRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-api-token", rt.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestRefusedTokenSaysStatusOnce: Pipedrive refuses a wrong token
// with 401 and {"success":false,"error":"unauthorized access","errorCode":401}
// (v1 spec UnathorizedResponse). The error a person reads names the status
// once and Pipedrive's words, not "HTTP 401 401".
func TestRefusedTokenSaysStatusOnce(t *testing.T) {
	e := newEnv(t, pdsim.Options{})
	c, err := newConnector(&http.Client{Transport: apiTokenRT{"not-the-token"}}, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Schema(t.Context(), "persons")
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusUnauthorized {
		t.Fatalf("schema with a wrong token: %v; want Pipedrive's 401", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "unauthorized access") || strings.Contains(msg, "401 401") {
		t.Fatalf("error reads %q; want the status once and Pipedrive's words", msg)
	}
	if connector.CategoryOf(err) != connector.CatAuth {
		t.Fatalf("category %s, want %s (the sign-in needs doing again)", connector.CategoryOf(err), connector.CatAuth)
	}
}
