package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestPipedriveDeletedOptionIsNotRetried: a Pipedrive admin deletes
// an option of a person's single-option custom field the value map writes
// after the fields were cached (a day); Pipedrive refuses the write (400
// "custom_fields.<key>: option N does not exist"), and the next run must
// know the option is gone instead of sending it again.
func TestPipedriveDeletedOptionIsNotRetried(t *testing.T) {
	a, srv, clock := clockedApp(t, "pipedrive", "pd")
	def := app.DemoPipedriveSync("pipedrive", "hs", "pd", "")
	gov := fmt.Sprint(pdsim.CustomerTypeGovernment)
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: pdsim.FieldCustomerType, Direction: mapping.AtoB, Transform: "map",
		Rule: mapping.UnlessBlank, ValueMap: map[string]string{"NEW": fmt.Sprint(pdsim.CustomerTypePrivate), "OPEN": gov,
			"IN_PROGRESS": fmt.Sprint(pdsim.CustomerTypeCompany), "OPEN_DEAL": fmt.Sprint(pdsim.CustomerTypeCompany),
			"UNQUALIFIED": fmt.Sprint(pdsim.CustomerTypePrivate), "CONNECTED": fmt.Sprint(pdsim.CustomerTypePrivate)}})
	picklistRetried(t, a, srv, clock,
		def, pdsim.FieldCustomerType, gov, "", func() error {
			return srv.Pipedrive().DeleteFieldOption("persons", pdsim.FieldCustomerType, pdsim.CustomerTypeGovernment)
		})
}

// TestPipedriveDeletedFieldIsNotRetried: a Pipedrive admin deletes
// the custom field a sync writes after the fields were cached. The read
// narrowed to it is refused (400 "custom_fields: unknown field") and goes
// on whole, and the record's write of it is refused likewise, or skipped;
// either way the run after must refuse the mapping naming the field
// rather than succeed, or fail the same way, every run for a day.
func TestPipedriveDeletedFieldIsNotRetried(t *testing.T) {
	a, srv, clock := clockedApp(t, "pipedrive", "pd")
	def := app.DemoPipedriveSync("pipedrive", "hs", "pd", "")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: pdsim.FieldCustomerType, Direction: mapping.AtoB, Transform: "map",
		Rule: mapping.UnlessBlank, ValueMap: map[string]string{"NEW": "101", "OPEN": "103", "IN_PROGRESS": "102", "OPEN_DEAL": "102",
			"UNQUALIFIED": "101", "CONNECTED": "101"}})
	ctx := context.Background()
	openAfterSchemaChange(t, a, srv, clock, def, func() error { return srv.Pipedrive().DeleteField("persons", pdsim.FieldCustomerType) })
	first, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Logf("run after the field was deleted refused the mapping at once: %v", err)
		return
	}
	t.Logf("run after the field was deleted: %+v", first.Summary)
	clock.step(2 * time.Minute)
	again, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err == nil || !strings.Contains(err.Error(), pdsim.FieldCustomerType) {
		t.Fatalf("the next run did not refuse the mapping of the deleted field %s: err %v, summary %+v", pdsim.FieldCustomerType, err, again.Summary)
	}
	t.Logf("next run: %v", err)
}
