package dynamics

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestDeletedColumnDropsCachedDefinition: a maker deletes a custom column
// a sync maps after the table's definition was cached. The run that reads
// or writes it is refused by Dataverse (naming the property); the cached
// definition must go with it, so the next run's schema no longer lists the
// column and the sync is named as needing its mapping fixed, instead of
// every run until the cache expires failing the same way.
func TestDeletedColumnDropsCachedDefinition(t *testing.T) {
	for _, how := range []string{"read", "write"} {
		t.Run(how, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, dsim.Options{Seed: 5})
			rec, err := e.sim.Create("contacts", map[string]any{"lastname": "Tier", "emailaddress1": "tier@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			_, meta := storetest.MetaCache(t, "dv", "dynamics")
			client := e.oauthClient(t)
			if sc, err := e.connectCached(t, client, meta).Schema(ctx, "contacts"); err != nil {
				t.Fatal(err)
			} else if _, ok := sc.Field("crmsync_interests"); !ok {
				t.Fatal("the custom column is not offered")
			}

			if err := e.sim.DeleteColumn("contacts", "crmsync_interests"); err != nil {
				t.Fatal(err)
			}
			c := e.connectCached(t, client, meta) // the next run, its definition from the cache
			switch how {
			case "read":
				rctx := connector.WithReadFields(ctx, []string{"emailaddress1", "lastname", "crmsync_interests"})
				var readErr error
				for _, err := range c.Read(rctx, "contacts", "") {
					if err != nil {
						readErr = err
						break
					}
				}
				if readErr == nil || !strings.Contains(readErr.Error(), "crmsync_interests") {
					t.Fatalf("read naming the deleted column: %v, want Dataverse's refusal naming crmsync_interests", readErr)
				}
			case "write":
				res, err := c.Write(ctx, "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: rec.ID, Fields: map[string]string{"crmsync_interests": "100000000"}}})
				if err != nil {
					t.Fatal(err)
				}
				var re *connector.RecordError
				if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "crmsync_interests") {
					t.Fatalf("write result %+v, want Dataverse's refusal naming crmsync_interests", res[0])
				} else if errors.As(res[0].Err, &re) && re.Field != "crmsync_interests" {
					t.Errorf("the refusal blames field %q, want crmsync_interests", re.Field)
				}
			}

			sc, err := e.connectCached(t, client, meta).Schema(ctx, "contacts") // the run after
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := sc.Field("crmsync_interests"); ok {
				t.Fatal("the run after Dataverse refused the deleted column still has it from the metadata cache")
			}
		})
	}
}
