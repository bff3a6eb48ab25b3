package pipedrive

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// recordingConnector is a connector to e whose GETs rec sees.
func recordingConnector(t *testing.T, e *env) (*Connector, *conformance.QueryLog) {
	t.Helper()
	client := *e.oauthClient(t)
	rec := conformance.NewQueryLog(client.Transport)
	client.Transport = rec
	c, err := newConnector(&client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// readAll reads every record of object and fails the test on an error.
func readAll(t *testing.T, ctx context.Context, c *Connector, object string) []connector.Record {
	t.Helper()
	var out []connector.Record
	for p, err := range c.Read(ctx, object, "") {
		if err != nil {
			t.Fatalf("read %s: %v", object, err)
		}
		out = append(out, p.Records...)
	}
	return out
}

// onlyRecord is the one record read, or fails the test.
func onlyRecord(t *testing.T, recs []connector.Record) map[string]string {
	t.Helper()
	if len(recs) != 1 {
		t.Fatalf("read %d records, want 1: %v", len(recs), recs)
	}
	return recs[0].Fields
}

// customFieldsSent is the custom_fields of every list call sent to path.
func customFieldsSent(t *testing.T, rec *conformance.QueryLog, path string) []string {
	t.Helper()
	qs := rec.Take(path)
	if len(qs) == 0 {
		t.Fatalf("no call to %s", path)
	}
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Get("custom_fields")
	}
	return out
}

// A read marked with the fields a sync uses asks Pipedrive for the custom
// fields named alone (custom_fields), and the record holds them, blank
// when empty, beside every standard field v2 always sends; a read with no
// mark asks for and returns every custom field; a mark naming no custom
// field asks for one, the fewest custom_fields takes. Activities' and
// notes' lists take no custom_fields and are never narrowed.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 11})
	if _, err := e.sim.CreatePerson(map[string]any{"name": "Ann Read", "emails": []map[string]any{{"value": "ann@read.example", "primary": true}},
		"custom_fields": map[string]any{pdsim.FieldLeadSource: "Webinar", pdsim.FieldCustomerType: pdsim.CustomerTypeCompany, pdsim.FieldLeadScore: 7}}); err != nil {
		t.Fatal(err)
	}
	c, rec := recordingConnector(t, e)
	ctx := t.Context()
	const persons = "/api/v2/persons"

	marked := connector.WithReadFields(ctx, []string{"name", "email", pdsim.FieldLeadSource, pdsim.FieldFirstContact})
	got := onlyRecord(t, readAll(t, marked, c, "persons"))
	want := pdsim.FieldLeadSource + "," + pdsim.FieldFirstContact // sorted keys
	if sent := customFieldsSent(t, rec, persons); len(sent) != 1 || sent[0] != want {
		t.Errorf("custom_fields sent: %q; want %q", sent, want)
	}
	if got["name"] != "Ann Read" || got["email"] != "ann@read.example" || got[pdsim.FieldLeadSource] != "Webinar" || got["update_time"] == "" {
		t.Errorf("narrowed read: %v", got)
	}
	if v, ok := got[pdsim.FieldFirstContact]; !ok || v != "" {
		t.Errorf("a custom field asked for and blank reads %q (present %v); want a blank", v, ok)
	}
	for _, key := range []string{pdsim.FieldCustomerType, pdsim.FieldLeadScore, pdsim.FieldInterests, pdsim.FieldBudget} {
		if v, ok := got[key]; ok {
			t.Errorf("a narrowed read returned custom field %s=%q, not asked for", key, v)
		}
	}

	all := onlyRecord(t, readAll(t, ctx, c, "persons"))
	if sent := customFieldsSent(t, rec, persons); sent[0] != "" {
		t.Errorf("a read with no mark sent custom_fields=%q", sent[0])
	}
	if all[pdsim.FieldCustomerType] == "" || all[pdsim.FieldLeadScore] != "7" {
		t.Errorf("a read with no mark: %v; want every custom field", all)
	}

	standardOnly := onlyRecord(t, readAll(t, connector.WithReadFields(ctx, []string{"name", "email"}), c, "persons"))
	if sent := customFieldsSent(t, rec, persons); strings.Count(sent[0], ",") != 0 || len(sent[0]) != 40 {
		t.Errorf("a mark naming no custom field sent custom_fields=%q; want one key", sent[0])
	}
	if standardOnly["email"] != "ann@read.example" {
		t.Errorf("read with standard fields only: %v", standardOnly)
	}

	for object, path := range map[string]string{"organizations": "/api/v2/organizations", "deals": "/api/v2/deals"} {
		readAll(t, marked, c, object)
		if sent := customFieldsSent(t, rec, path); sent[0] == "" {
			t.Errorf("a marked read of %s was not narrowed", object)
		}
	}
	// Were an activity field custom, its key would still not be sent.
	c.hold("activities", []fieldItem{{Name: "Agenda", Code: strings.Repeat("a", 40), Type: "varchar", IsCustom: true}})
	activityMarked := connector.WithReadFields(ctx, []string{"subject", strings.Repeat("a", 40)})
	for object, path := range map[string]string{"activities": "/api/v2/activities", "notes": "/api/v1/notes"} {
		readAll(t, activityMarked, c, object)
		if sent := customFieldsSent(t, rec, path); sent[0] != "" {
			t.Errorf("%s' list takes no custom_fields; sent %q", object, sent[0])
		}
	}
}

// More custom fields named than custom_fields takes (15) read every one,
// as before narrowing, rather than dropping any.
func TestNarrowedReadOverTheLimitReadsEverything(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 11})
	if _, err := e.sim.CreatePerson(map[string]any{"name": "Bo", "custom_fields": map[string]any{pdsim.FieldLeadSource: "Fair"}}); err != nil {
		t.Fatal(err)
	}
	c, rec := recordingConnector(t, e)
	ctx := t.Context()
	names := holdSchemaWith(t, c, "persons", maxCustomFieldKeys+1-len(personCustomKeys(t, c)))
	if len(names) != maxCustomFieldKeys+1 {
		t.Fatalf("schema holds %d custom fields; want %d", len(names), maxCustomFieldKeys+1)
	}
	got := onlyRecord(t, readAll(t, connector.WithReadFields(ctx, names), c, "persons"))
	if sent := customFieldsSent(t, rec, "/api/v2/persons"); sent[0] != "" {
		t.Errorf("16 custom fields named sent custom_fields=%q; want none", sent[0])
	}
	if got[pdsim.FieldLeadSource] != "Fair" {
		t.Errorf("read over the limit: %v", got)
	}
}

// A narrowed read that names a custom field Pipedrive no longer has (a
// schema cached before the field was deleted) is refused; the connector
// reads whole instead, and goes on whole.
func TestNarrowedReadOfAFieldGoneReadsWhole(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 11})
	if _, err := e.sim.CreatePerson(map[string]any{"name": "Cy", "custom_fields": map[string]any{pdsim.FieldLeadSource: "Ad"}}); err != nil {
		t.Fatal(err)
	}
	c, rec := recordingConnector(t, e)
	names := holdSchemaWith(t, c, "persons", 1)
	got := onlyRecord(t, readAll(t, connector.WithReadFields(t.Context(), names), c, "persons"))
	sent := customFieldsSent(t, rec, "/api/v2/persons")
	if len(sent) != 2 || sent[0] == "" || sent[1] != "" {
		t.Errorf("custom_fields sent: %q; want a narrowed call, then a whole one", sent)
	}
	if got[pdsim.FieldLeadSource] != "Ad" {
		t.Errorf("read after the refusal: %v", got)
	}
}

// personCustomKeys are the custom fields the sandbox company has.
func personCustomKeys(t *testing.T, c *Connector) []fieldItem {
	t.Helper()
	items, err := c.fetchFields(t.Context(), "persons")
	if err != nil {
		t.Fatal(err)
	}
	var out []fieldItem
	for _, it := range items {
		if it.IsCustom {
			out = append(out, it)
		}
	}
	return out
}

// holdSchemaWith makes c hold object's schema with the company's custom
// fields and extra ones Pipedrive does not have, and returns every custom
// field's name.
func holdSchemaWith(t *testing.T, c *Connector, object string, extra int) []string {
	t.Helper()
	items := personCustomKeys(t, c)
	for i := range extra {
		items = append(items, fieldItem{Name: "Gone", Code: strings.Repeat(string(rune('a'+i)), 40), Type: "varchar", IsCustom: true})
	}
	sc := c.hold(object, items)
	names := make([]string, 0, len(sc.custom))
	for key := range sc.custom {
		names = append(names, key)
	}
	return names
}
