package mailchimp

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// ListObjects names every audience, oldest first and the oldest as
// "members", over as many pages of GET /lists as the account needs.
func TestListObjectsNamesEveryAudience(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, mcsim.Options{})
	ids := []string{e.sim.DefaultListID()}
	for i := range listsPage {
		ids = append(ids, e.sim.CreateList("Audience "+strconv.Itoa(i)))
	}
	got, err := e.connect(t).ListObjects(ctx)
	if err != nil {
		t.Fatalf("list objects: %v", err)
	}
	if len(got) != len(ids) {
		t.Fatalf("%d objects, want %d (one per audience, over two pages)", len(got), len(ids))
	}
	if got[0] != (connector.ObjectChoice{Name: "members", Label: `Audience "crmsync demo audience" (members)`}) {
		t.Errorf("first object %+v, want the oldest audience as members", got[0])
	}
	last := ids[len(ids)-1]
	want := connector.ObjectChoice{Name: "members:" + last, Label: `Audience "Audience 999" (members:` + last + `)`}
	if got[len(got)-1] != want {
		t.Errorf("last object %+v, want %+v", got[len(got)-1], want)
	}
}

// A key Mailchimp no longer accepts fails the listing with Mailchimp's own
// message, as an auth error.
func TestListObjectsRevokedKey(t *testing.T) {
	e := newEnv(t, mcsim.Options{})
	key := e.sim.MintAPIKey()
	c := e.connectKey(t, key)
	e.sim.RevokeAPIKey(key)
	_, err := c.ListObjects(context.Background())
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Category != connector.CatAuth || ce.Status != 401 || ce.Message == "" || ce.Endpoint != "GET /3.0/lists" {
		t.Fatalf("error %#v, want Mailchimp's 401 on GET /3.0/lists", err)
	}
	t.Log(ce.Error())
}
