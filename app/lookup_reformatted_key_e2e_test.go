package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestLostCreateFoundByReformattedPhone: companies matched by phone
// (e164), the phone copied as Salesforce holds it ("+1 415 555 0177"),
// HubSpot companies having no upsert key, so a lost create is looked up by
// phone. HubSpot keeps each number in E.164 by the time the lookup runs:
// a phone property with validation on saves "+1 (888) 482-7768" as
// +18884827768 (HubSpot Knowledge Base, "Phone number property
// validation"; that an API write is saved so too is [unverified], a
// workflow formatting numbers does it either way). The lookup must recognise them as the
// records sent, as matching does: a batch of two is otherwise resent at
// once, and each company is made twice.
func TestLostCreateFoundByReformattedPhone(t *testing.T) {
	a, srv, tr, clock := lossyClockedApp(t, 5, 6)
	def := app.DemoCompaniesSync("co-by-phone", "hs", "sf")
	def.Direction = mapping.BtoA
	def.Match = []engine.MatchRule{{A: "phone", B: "Phone", Normalize: "e164"}}
	var fields []mapping.Field
	for _, f := range def.Fields {
		if f.A == "phone" {
			f.Transform = "" // copied as typed: the key sent is not E.164
		}
		fields = append(fields, f)
	}
	def.Fields = fields
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, a, def)
	runAndErrors(t, a, def.Name)
	clock.step(time.Minute)

	phones := map[string]string{"+1 415 555 0177": "+14155550177", "(415) 555-0188": "+14155550188"}
	for typed := range phones {
		if _, err := srv.Salesforce().Create("Account", map[string]string{"Name": "Reformat " + typed, "Phone": typed}); err != nil {
			t.Fatal(err)
		}
	}
	clock.step(time.Minute)
	hs := srv.HubSpot()
	holders := func(stored string) []string {
		var ids []string
		for _, r := range hs.Records("companies") {
			if k, _ := mapping.Normalize("e164", r.Properties["phone"]); !r.Archived && k == stored {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	// Before each HubSpot search, the portal holds the number in E.164.
	tr.setHook(func(r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/companies/search") {
			return
		}
		for _, rec := range hs.Records("companies") {
			if stored, ok := phones[rec.Properties["phone"]]; ok {
				if _, err := hs.Update("companies", rec.ID, map[string]string{"phone": stored}); err != nil {
					t.Errorf("reformat %s: %v", rec.ID, err)
				}
			}
		}
	})
	tr.arm(1, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/companies/batch/create")
	})
	r1, _ := runAndErrors(t, a, def.Name)
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %+v", r1.Summary)
	}
	for range 2 {
		clock.step(2 * store.RetryBackoff)
		runAndErrors(t, a, def.Name)
	}
	for _, stored := range phones {
		if ids := holders(stored); len(ids) != 1 {
			t.Errorf("HubSpot holds %d companies with phone %s (%v), want 1: the lost create was made again", len(ids), stored, ids)
		}
	}
}
