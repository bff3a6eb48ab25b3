package zoho

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// interests are the options of the sandbox's Contacts.Interests.
var interests = []string{"Analytics", "Automation", "Integrations", "Mobile", "Security", "Webinars"}

// TestMultiSelectPicklist: Contacts.Interests (a multiselectpicklist) is offered as a
// writable TypeMulti with its options; a record's array reads as its values joined by
// ";" in Zoho's order and no selection as ""; a write of "x;y" lands as the JSON array
// ["x","y"], "" empties it, and an unlisted value fails that record alone with Zoho's
// INVALID_DATA naming the field while the rest of the batch lands.
func TestMultiSelectPicklist(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 13})
	c := e.connect(t)
	ctx := t.Context()

	sc, err := c.Schema(ctx, "Contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("Interests")
	if !ok || f.Type != connector.TypeMulti || f.ReadOnly {
		t.Fatalf("Contacts.Interests: %+v, want a writable %s", f, connector.TypeMulti)
	}
	var values, labels []string
	for _, o := range f.Options {
		values, labels = append(values, o.Value), append(labels, o.Label)
	}
	if !slices.Equal(values, interests) || !slices.Equal(labels, interests) {
		t.Fatalf("Interests options: values %v, labels %v, want %v", values, labels, interests)
	}

	mk := func(fields map[string]any) string {
		t.Helper()
		rec, err := e.sim.Create("Contacts", fields)
		if err != nil {
			t.Fatal(err)
		}
		return rec.ID
	}
	seeded := mk(map[string]any{"Last_Name": "Lovelace", "Interests": []string{"Webinars", "Analytics"}})
	blank := mk(map[string]any{"Last_Name": "Babbage"})
	toClear := mk(map[string]any{"Last_Name": "Hamilton", "Interests": []string{"Mobile"}})

	read := func() map[string]connector.Record {
		t.Helper()
		out := map[string]connector.Record{}
		for page, err := range c.Read(ctx, "Contacts", "") {
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Records {
				out[r.ID] = r
			}
		}
		return out
	}
	got := read()
	if v := got[seeded].Fields["Interests"]; v != "Webinars;Analytics" {
		t.Fatalf("seeded contact reads Interests %q, want %q", v, "Webinars;Analytics")
	}
	if v, present := got[blank].Fields["Interests"]; !present || v != "" {
		t.Fatalf("a contact without a selection reads Interests %q (present %v), want a blank", v, present)
	}

	res, err := c.Write(ctx, "Contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: seeded, Fields: map[string]string{"Interests": "Security;Automation"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Hopper", "Interests": "Analytics;Golf"}},
		{Kind: connector.OpUpdate, ID: toClear, Fields: map[string]string{"Interests": ""}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Turing", "Interests": "Mobile"}},
	})
	if err != nil || len(res) != 4 {
		t.Fatalf("write: %v %+v", err, res)
	}
	for _, i := range []int{0, 2, 3} {
		if res[i].Err != nil {
			t.Fatalf("op %d failed: %v", i, res[i].Err)
		}
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "Interests" || re.Code != "INVALID_DATA" || !strings.HasPrefix(re.Message, "invalid data (supported values: Analytics, ") ||
		re.Category != connector.CatValidation || !errors.Is(res[1].Err, connector.ErrValidation) {
		t.Fatalf("an unlisted value: %#v, want Zoho's INVALID_DATA on Interests", res[1].Err)
	}
	for _, r := range e.sim.Records("Contacts") {
		if r.Fields["Last_Name"] == "Hopper" {
			t.Fatalf("the refused contact was created: %+v", r)
		}
	}

	if z, _ := e.sim.Get("Contacts", seeded); !slices.Equal(z.Lists["Interests"], []string{"Security", "Automation"}) {
		t.Fatalf("Zoho holds Interests %v, want [Security Automation]", z.Lists["Interests"])
	}
	if z, _ := e.sim.Get("Contacts", res[3].ID); !slices.Equal(z.Lists["Interests"], []string{"Mobile"}) {
		t.Fatalf("created contact holds Interests %v", z.Lists["Interests"])
	}
	if z, _ := e.sim.Get("Contacts", toClear); len(z.Lists["Interests"]) != 0 {
		t.Fatalf("cleared contact still holds Interests %v", z.Lists["Interests"])
	}
	// The wire, as any Zoho client reads it.
	if raw := e.rawInterests(t, seeded); !reflect.DeepEqual(raw, []any{"Security", "Automation"}) {
		t.Fatalf("GET /crm/v8/Contacts/%s: Interests %#v, want [\"Security\",\"Automation\"]", seeded, raw)
	}
	if raw := e.rawInterests(t, toClear); !reflect.DeepEqual(raw, []any{}) {
		t.Fatalf("GET /crm/v8/Contacts/%s: Interests %#v after clearing, want []", toClear, raw)
	}

	got = read()
	if v := got[seeded].Fields["Interests"]; v != "Security;Automation" {
		t.Fatalf("read back %q", v)
	}
	if v, present := got[toClear].Fields["Interests"]; !present || v != "" {
		t.Fatalf("cleared contact reads %q (present %v)", v, present)
	}
}

// rawInterests reads a contact's Interests straight from the sandbox's REST API.
func (e *env) rawInterests(t *testing.T, id string) any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+"/crm/v8/Contacts/"+id+"?fields=Interests", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Zoho-oauthtoken "+e.sim.MintAccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &body) != nil || len(body.Data) != 1 {
		t.Fatalf("GET contact %s: %d %s", id, resp.StatusCode, b)
	}
	v, present := body.Data[0]["Interests"]
	if !present {
		t.Fatalf("GET contact %s lists no Interests: %s", id, b)
	}
	return v
}

// A multi-select's body is a JSON array of its values, blanks and repeats left out,
// and [] for a blank; its values are not checked here (Zoho checks them).
func TestBodyMulti(t *testing.T) {
	sc := &schema{Schema: connector.Schema{Object: "Contacts", Fields: []connector.Field{{Name: "Interests", Type: connector.TypeMulti}}},
		types: map[string]string{"Interests": multiPicklist}}
	for in, want := range map[string]string{
		"Webinars;Analytics":             `{"Interests":["Webinars","Analytics"]}`,
		" Webinars ;;Analytics;Webinars": `{"Interests":["Webinars","Analytics"]}`,
		"Golf":                           `{"Interests":["Golf"]}`,
		"":                               `{"Interests":[]}`,
	} {
		b, rerr := body(sc, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"Interests": in}})
		if rerr != nil {
			t.Fatalf("%q: %v", in, rerr)
		}
		if got, _ := json.Marshal(b); string(got) != want {
			t.Errorf("%q is written as %s, want %s", in, got, want)
		}
	}
}

// fieldType maps multiselectpicklist to TypeMulti, and the options' values
// of every picklist are the display values Zoho's records carry.
func TestSchemaMultiOptions(t *testing.T) {
	c := &Connector{schemas: map[string]*schema{}}
	days := []struct {
		ActualValue  string `json:"actual_value"`
		DisplayValue string `json:"display_value"`
	}{{ActualValue: "1", DisplayValue: "Monday"}, {ActualValue: "2", DisplayValue: "Tuesday"}}
	sc := c.hold("Contacts", []fieldItem{
		{APIName: "Working_Days", DataType: "multiselectpicklist", PickListValues: days},
		{APIName: "First_Day", DataType: "picklist", PickListValues: days},
	})
	want := []connector.Option{{Value: "Monday", Label: "Monday"}, {Value: "Tuesday", Label: "Tuesday"}}
	f, ok := sc.Field("Working_Days")
	if !ok || f.Type != connector.TypeMulti || !reflect.DeepEqual(f.Options, want) {
		t.Fatalf("Working_Days: %+v", f)
	}
	f, ok = sc.Field("First_Day")
	if !ok || f.Type != connector.TypeEnum || !reflect.DeepEqual(f.Options, want) {
		t.Fatalf("First_Day: %+v", f)
	}
}
