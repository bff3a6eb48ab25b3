package pipedrive

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestPermissionRefusalIsNotSignIn: a user whose permission set may not
// change a record's owner is refused with 403 and Pipedrive's words (the
// 2023 changelog's body). That record fails naming them, as a refused
// record, not as a sign-in failure: the app would mark the connection
// "reconnect", which grants no permission. A token lacking a scope ("Scope
// and URL mismatch") stays a sign-in failure: a reconnect with the scope
// fixes it.
func TestPermissionRefusalIsNotSignIn(t *testing.T) {
	var refusal atomic.Value // the 403's words; "" = pass through
	refusal.Store("")
	sim := pdsim.New(pdsim.Options{PathPrefix: "/pipedrive", Seed: 91})
	gate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/api/v2/persons/") && refusal.Load() != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"success":false,"error":"` + refusal.Load().(string) + `","error_info":"Please check developers.pipedrive.com for more information about Pipedrive API.","data":null,"additional_data":null}`))
			return
		}
		sim.ServeHTTP(w, r)
	})
	e := &env{sim: sim, base: conformance.Serve(t, "/pipedrive", gate)}
	p, err := sim.CreatePerson(map[string]any{"name": "Ann Owner"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	for _, tc := range []struct {
		msg  string
		want connector.Category
	}{
		{"You do not have permission to change the owner.", connector.CatValidation},
		{msgScopeMismatch, connector.CatAuth},
	} {
		refusal.Store(tc.msg)
		res, err := c.Write(t.Context(), "persons", []connector.Op{{Kind: connector.OpUpdate, ID: fmt.Sprint(p.ID), Fields: map[string]string{"name": "Ann Newowner"}}})
		if err == nil && len(res) == 1 {
			err = res[0].Err
		}
		var re *connector.RecordError
		var ce *connector.Error
		got := connector.CategoryOf(err)
		if errors.As(err, &re) || errors.As(err, &ce) {
			if got != tc.want || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%q: %v (category %s); want category %s with Pipedrive's words", tc.msg, err, got, tc.want)
			}
			continue
		}
		t.Errorf("%q: %v; want a refusal", tc.msg, err)
	}
}
