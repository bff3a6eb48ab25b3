package dynamics

import (
	"context"
	"fmt"
	"strings"
	"testing"

	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// An organization URL typed with capitals (https://Contoso.crm.dynamics.com)
// is answered with next links on the canonical, lower-case host: Dataverse
// builds them from .NET's System.Uri, which lower-cases the scheme and host.
// Reading past the first page of 5,000 rows must still work.
func TestNextLinkOnCanonicalHost(t *testing.T) {
	e := newEnv(t, dsim.Options{})
	lower := strings.Replace(e.base, "127.0.0.1", "localhost", 1)
	e.base = lower
	client := e.oauthClient(t)
	c, err := newConnector(client, strings.Replace(lower, "localhost", "LocalHost", 1), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	const n = PageSize + 3
	for i := range n {
		if _, err := e.sim.Create("contacts", map[string]any{"lastname": fmt.Sprintf("Row %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	for ids, err := range c.ListIDs(context.Background(), "contacts") {
		if err != nil {
			t.Fatalf("after %d ids: %v", got, err)
		}
		got += len(ids)
	}
	if got < n {
		t.Fatalf("listed %d ids, want at least %d", got, n)
	}
}
