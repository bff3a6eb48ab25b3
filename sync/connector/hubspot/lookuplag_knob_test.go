package hubspot

import (
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestLookupLagKnob: Account.LookupLag replaces the search lookup's
// wait (the overlap) and nothing else; a lookup that reads the records
// directly still does not wait, and 0 keeps HubSpot's own.
func TestLookupLagKnob(t *testing.T) {
	lag := func(acct connector.Account, object, field string) time.Duration {
		acct.APIBase = "http://127.0.0.1:1"
		c, err := New(&http.Client{}, acct)
		if err != nil {
			t.Fatal(err)
		}
		return c.(connector.LookupLagger).LookupLag(object, field)
	}
	own := lag(connector.Account{}, "companies", "domain")
	if own != defaultOptions().overlap {
		t.Fatalf("default lag %s, want the overlap %s", own, defaultOptions().overlap)
	}
	if got := lag(connector.Account{LookupLag: time.Millisecond}, "companies", "domain"); got != time.Millisecond {
		t.Fatalf("lag with Account.LookupLag 1ms = %s", got)
	}
	if got := lag(connector.Account{LookupLag: time.Millisecond}, "contacts", "email"); got != 0 {
		t.Fatalf("a direct read waits %s", got)
	}
	c, _ := New(&http.Client{}, connector.Account{APIBase: "http://127.0.0.1:1", LookupLag: time.Millisecond})
	if ov := c.(*Connector).overlap; ov != defaultOptions().overlap {
		t.Fatalf("LookupLag moved the read overlap to %s", ov)
	}
}
