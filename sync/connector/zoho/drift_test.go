package zoho

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestDeletedFieldDropsCachedSchema: an admin deletes a custom field a
// sync maps after its fields metadata was cached. The run that reads or
// writes it is refused by Zoho (INVALID_DATA naming the field); the cached
// fields must go with it, so the next run's schema no longer lists the
// field and the sync is named as needing its mapping fixed, instead of
// every run for a day failing the same way.
func TestDeletedFieldDropsCachedSchema(t *testing.T) {
	for _, how := range []string{"read", "write"} {
		t.Run(how, func(t *testing.T) {
			_, meta := storetest.MetaCache(t, "zc", "zoho")
			e := newEnv(t, zsim.Options{Seed: 5, CustomFields: map[string][]zsim.CustomField{
				zsim.ModuleContacts: {{APIName: "Customer_Tier", Type: zsim.TypeText}}}})
			rec, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Tier", "Email": "tier@example.com", "Customer_Tier": "Gold"})
			if err != nil {
				t.Fatal(err)
			}
			connect := e.cachedConnector(t, meta)
			ctx := context.Background()
			if sc, err := connect().Schema(ctx, "Contacts"); err != nil {
				t.Fatal(err)
			} else if _, ok := sc.Field("Customer_Tier"); !ok {
				t.Fatal("the custom field is not offered")
			}

			if err := e.sim.DeleteField("Contacts", "Customer_Tier"); err != nil {
				t.Fatal(err)
			}
			c := connect() // the next run, its schema from the cache
			switch how {
			case "read":
				rctx := connector.WithReadFields(ctx, []string{"Email", "Last_Name", "Customer_Tier"})
				var readErr error
				for _, err := range c.Read(rctx, "Contacts", "") {
					if err != nil {
						readErr = err
						break
					}
				}
				if readErr == nil || !strings.Contains(readErr.Error(), "Customer_Tier") {
					t.Fatalf("read naming the deleted field: %v, want Zoho's refusal naming Customer_Tier", readErr)
				}
			case "write":
				res, err := c.Write(ctx, "Contacts", []connector.Op{{Kind: connector.OpUpdate, ID: rec.ID, Fields: map[string]string{"Customer_Tier": "Silver"}}})
				if err != nil {
					t.Fatal(err)
				}
				if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "Customer_Tier") {
					t.Fatalf("write result %+v, want Zoho's INVALID_DATA naming Customer_Tier", res[0])
				}
			}

			sc, err := connect().Schema(ctx, "Contacts") // the run after
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := sc.Field("Customer_Tier"); ok {
				t.Fatal("the run after Zoho refused the deleted field still has it from the metadata cache")
			}
		})
	}
}
