package mailchimp

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// lastFields is the fields= of the last member list call log saw.
func lastFields(t *testing.T, log *conformance.QueryLog) []string {
	t.Helper()
	qs := log.Take("/members")
	if len(qs) == 0 {
		t.Fatal("no member list call was made")
	}
	return strings.Split(qs[len(qs)-1].Get("fields"), ",")
}

// A read marked with the fields a sync uses asks Mailchimp for those
// (merge fields one by one) and what the connector needs, and returns
// records holding just those, a blank one included; an unmarked read
// asks for and returns every field.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 17})
	list := e.sim.DefaultListID()
	topics, err := e.sim.AddInterestCategory(list, mcsim.InterestCategory{Title: "Topics", Interests: []mcsim.Interest{{Name: "News"}, {Name: "Events"}}})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, e, list, mcsim.MemberSeed{Email: "ann@read.example", MergeFields: map[string]any{"FNAME": "Ann", "LNAME": "Lee"},
		Interests: []string{topics.Interests[1].ID}, Tags: []string{"vip"}, Language: "fr", Created: time.Now().Add(-time.Hour)})
	client, m := e.signIn(t)
	sent := conformance.NewQueryLog(client.Transport)
	client.Transport = sent
	c, err := newConnector(client, m.APIBase(), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	readAnn := func(ctx context.Context) map[string]string {
		t.Helper()
		return conformance.FindRead(t, c.Read(ctx, objMembers, ""), func(r connector.Record) bool { return r.Fields[fEmail] == "ann@read.example" }).Fields
	}

	category := interestsPrefix + topics.ID
	got := readAnn(connector.WithReadFields(t.Context(), []string{"FNAME", "PHONE", category, fTags, "NO_SUCH_FIELD"}))
	for k, v := range got {
		switch k {
		case "FNAME", "PHONE", category, fTags, fEmail, fStatus, fLastChanged:
		default:
			t.Errorf("a narrowed read returned %s=%q", k, v)
		}
	}
	if got["FNAME"] != "Ann" || got[category] != topics.Interests[1].ID || got[fTags] != "vip" || got[fStatus] != "subscribed" {
		t.Errorf("narrowed read: %v", got)
	}
	if v, ok := got["PHONE"]; !ok || v != "" {
		t.Errorf("PHONE = %q, %v; want a blank field: a missing one reads as not read", v, ok)
	}
	asked := lastFields(t, sent)
	for _, want := range []string{"members.contact_id", "members.last_changed", "members.status", "members.email_address",
		"members.merge_fields.FNAME", "members.merge_fields.PHONE", "members.interests", "members.tags", "total_items"} {
		if !slices.Contains(asked, want) {
			t.Errorf("fields=%v lacks %s", asked, want)
		}
	}
	for _, never := range []string{"members.merge_fields", "members.merge_fields.LNAME", "members.language", "members.vip"} {
		if slices.Contains(asked, never) {
			t.Errorf("fields=%v asks for %s, which the sync does not use", asked, never)
		}
	}

	all := readAnn(t.Context())
	if all["LNAME"] != "Lee" || all[fLanguage] != "fr" || all[fVIP] != "false" {
		t.Errorf("a read with no mark: %v; want every field", all)
	}
	if asked := lastFields(t, sent); strings.Join(asked, ",") != memberFields {
		t.Errorf("an unmarked read asked fields=%v; want %s", asked, memberFields)
	}
}
