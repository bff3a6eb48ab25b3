package pipedrive

import (
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestLookupLagKnob: Account.LookupLag replaces the person search's
// wait; 0 keeps searchLag.
func TestLookupLagKnob(t *testing.T) {
	lag := func(acct connector.Account) time.Duration {
		acct.APIBase = "http://127.0.0.1:1"
		c, err := New(&http.Client{}, acct)
		if err != nil {
			t.Fatal(err)
		}
		return c.(connector.LookupLagger).LookupLag("persons", "email")
	}
	if got := lag(connector.Account{}); got != searchLag {
		t.Fatalf("default lag %s, want %s", got, searchLag)
	}
	if got := lag(connector.Account{LookupLag: time.Millisecond}); got != time.Millisecond {
		t.Fatalf("lag with Account.LookupLag 1ms = %s", got)
	}
}
