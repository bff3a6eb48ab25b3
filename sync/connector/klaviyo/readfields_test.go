package klaviyo

import (
	"context"
	"net/url"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// lastListing is the query of the last profiles listing log saw.
func lastListing(t *testing.T, log *conformance.QueryLog) url.Values {
	t.Helper()
	qs := log.Take("/api/profiles")
	if len(qs) == 0 {
		t.Fatal("no profiles listing was made")
	}
	return qs[len(qs)-1]
}

// A read marked with the fields a sync uses asks Klaviyo for a sparse
// fieldset of those and what the connector needs, subscriptions only for
// the consent, and returns records holding just those; an unmarked read
// asks for and returns every attribute.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 17})
	if _, err := e.sim.SeedProfiles([]kvsim.ProfileSeed{{Email: "ann@read.example", FirstName: "Ann", LastName: "Lee",
		Location: kvsim.Location{City: "Oslo", Country: "Norway"}, Properties: map[string]any{"Plan": "Pro", "Size": 5},
		EmailConsent: consentSubscribed}}); err != nil {
		t.Fatal(err)
	}
	client, _ := e.signIn(t)
	sent := conformance.NewQueryLog(client.Transport)
	client.Transport = sent
	c := e.connectWith(t, client)
	readAnn := func(ctx context.Context) map[string]string {
		t.Helper()
		return conformance.FindRead(t, c.Read(ctx, objProfiles, ""), func(r connector.Record) bool { return r.Fields[fEmail] == "ann@read.example" }).Fields
	}

	asked := []string{fFirst, fPhone, "location.city", "properties.Plan", fConsent, "no_such_field"}
	got := readAnn(connector.WithReadFields(t.Context(), asked))
	for k, v := range got {
		switch k {
		case fFirst, fPhone, "location.city", "properties.Plan", fConsent, fID, fEmail, fUpdated:
		default:
			t.Errorf("a narrowed read returned %s=%q", k, v)
		}
	}
	if got[fFirst] != "Ann" || got["location.city"] != "Oslo" || got["properties.Plan"] != "Pro" || got[fConsent] != consentSubscribed {
		t.Errorf("narrowed read: %v", got)
	}
	if v, ok := got[fPhone]; !ok || v != "" {
		t.Errorf("phone_number = %q, %v; want a blank field: a missing one reads as not read", v, ok)
	}
	q := lastListing(t, sent)
	if f, want := q.Get("fields[profile]"), "email,updated,first_name,location.city,phone_number,properties,subscriptions.email.marketing.consent"; f != want {
		t.Errorf("fields[profile]=%q; want %q", f, want)
	}
	if a := q.Get("additional-fields[profile]"); a != "subscriptions" {
		t.Errorf("a read of the consent asked additional-fields[profile]=%q; want subscriptions", a)
	}

	readAnn(connector.WithReadFields(t.Context(), []string{fLast}))
	if q := lastListing(t, sent); q.Get("fields[profile]") != "email,updated,last_name" || q.Has("additional-fields[profile]") {
		t.Errorf("a read without the consent asked %v; want last_name and no subscriptions", q)
	}

	all := readAnn(t.Context())
	if all[fLast] != "Lee" || all["location.country"] != "Norway" || all["properties.Size"] != "5" || all[fConsent] != consentSubscribed {
		t.Errorf("a read with no mark: %v; want every attribute", all)
	}
	if q := lastListing(t, sent); q.Has("fields[profile]") || q.Get("additional-fields[profile]") != "subscriptions" {
		t.Errorf("an unmarked read asked %v; want every attribute and the subscriptions", q)
	}
}
