package pipedrive

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// Multiple-option fields, against the sandbox over real HTTP: the schema
// offers a custom set field (Interests) and a person's labels (label_ids)
// as TypeMulti with their option ids and labels; a person with two
// interests reads as "id1;id2" and one without as ""; writing "id1;id3"
// stores [id1, id3] in Pipedrive, "" clears the field (null on the wire),
// and an option Pipedrive does not know fails that record alone, with
// Pipedrive's message naming the field, while the records around it are
// written.
func TestMultiOptionFields(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 3})
	client := e.oauthClient(t)
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	id := func(n int) string { return strconv.Itoa(n) }
	n64 := func(s string) int64 {
		t.Helper()
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("id %q: %v", s, err)
		}
		return n
	}

	sc, err := c.Schema(ctx, "persons")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []connector.Field{
		{Name: pdsim.FieldInterests, Label: "Interests", Type: connector.TypeMulti, Options: []connector.Option{
			{Value: id(pdsim.InterestNewsletter), Label: "Newsletter"}, {Value: id(pdsim.InterestWebinars), Label: "Webinars"},
			{Value: id(pdsim.InterestEvents), Label: "Events"}, {Value: id(pdsim.InterestPartnership), Label: "Partnership"}}},
		{Name: "label_ids", Label: "Labels", Type: connector.TypeMulti, Options: []connector.Option{
			{Value: id(pdsim.LabelCustomer), Label: "Customer"}, {Value: id(pdsim.LabelHotLead), Label: "Hot lead"},
			{Value: id(pdsim.LabelWarmLead), Label: "Warm lead"}, {Value: id(pdsim.LabelColdLead), Label: "Cold lead"}}},
	} {
		got, ok := sc.Field(want.Name)
		if !ok || got.Type != want.Type || got.ReadOnly || got.Label != want.Label || !slices.Equal(got.Options, want.Options) {
			t.Fatalf("schema field %s: %+v (found %v), want %+v", want.Name, got, ok, want)
		}
	}

	two, err := e.sim.CreatePerson(map[string]any{"name": "Two Interests", "label_ids": []int{pdsim.LabelCustomer, pdsim.LabelHotLead},
		"custom_fields": map[string]any{pdsim.FieldInterests: []int{pdsim.InterestNewsletter, pdsim.InterestWebinars}}})
	if err != nil {
		t.Fatal(err)
	}
	none, err := e.sim.CreatePerson(map[string]any{"name": "No Interests"})
	if err != nil {
		t.Fatal(err)
	}
	recs := map[string]connector.Record{}
	for p, err := range c.Read(ctx, "persons", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			recs[r.ID] = r
		}
	}
	twoID, noneID := strconv.FormatInt(two.ID, 10), strconv.FormatInt(none.ID, 10)
	for _, tc := range []struct{ id, field, want string }{
		{twoID, pdsim.FieldInterests, id(pdsim.InterestNewsletter) + ";" + id(pdsim.InterestWebinars)},
		{twoID, "label_ids", id(pdsim.LabelCustomer) + ";" + id(pdsim.LabelHotLead)},
		{noneID, pdsim.FieldInterests, ""},
		{noneID, "label_ids", ""},
	} {
		got, read := recs[tc.id].Fields[tc.field]
		if !read || got != tc.want {
			t.Errorf("person %s %s read %q (read: %v), want %q", tc.id, tc.field, got, read, tc.want)
		}
	}

	// Set, refused, created: the refusal fails its own record only.
	res, err := c.Write(ctx, "persons", []connector.Op{
		{Kind: connector.OpUpdate, ID: twoID, Fields: map[string]string{
			pdsim.FieldInterests: id(pdsim.InterestNewsletter) + ";" + id(pdsim.InterestEvents), "label_ids": id(pdsim.LabelWarmLead)}},
		{Kind: connector.OpUpdate, ID: noneID, Fields: map[string]string{pdsim.FieldInterests: id(pdsim.InterestWebinars) + ";999"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "New Partner", pdsim.FieldInterests: id(pdsim.InterestPartnership)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[2].Err != nil || res[2].ID == "" {
		t.Fatalf("writes around the refused one: %+v, %+v", res[0], res[2])
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != pdsim.FieldInterests || re.RecordID != noneID ||
		re.Category != connector.CatValidation || !strings.Contains(re.Message, "option 999 does not exist") {
		t.Fatalf("unknown option: %#v, want Pipedrive's refusal naming %s", res[1].Err, pdsim.FieldInterests)
	}
	interests := func(pid string) any {
		t.Helper()
		p, ok := e.sim.GetPerson(n64(pid))
		if !ok {
			t.Fatalf("no person %s", pid)
		}
		return p.CustomFields[pdsim.FieldInterests]
	}
	if got := interests(twoID); !slices.Equal(asIDs(got), []int64{pdsim.InterestNewsletter, pdsim.InterestEvents}) {
		t.Errorf("person %s interests in Pipedrive: %#v, want [%d %d]", twoID, got, pdsim.InterestNewsletter, pdsim.InterestEvents)
	}
	if p, _ := e.sim.GetPerson(two.ID); !slices.Equal(p.LabelIDs, []int64{pdsim.LabelWarmLead}) {
		t.Errorf("person %s labels in Pipedrive: %v, want [%d]", twoID, p.LabelIDs, pdsim.LabelWarmLead)
	}
	if got := interests(noneID); got != nil {
		t.Errorf("the refused person's interests changed: %#v", got)
	}
	if got := interests(res[2].ID); !slices.Equal(asIDs(got), []int64{pdsim.InterestPartnership}) {
		t.Errorf("created person's interests: %#v", got)
	}

	// Cleared: null for the custom field, [] for the labels, as Pipedrive
	// answers a GET.
	res, err = c.Write(ctx, "persons", []connector.Op{
		{Kind: connector.OpUpdate, ID: twoID, Fields: map[string]string{pdsim.FieldInterests: "", "label_ids": ""}},
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("clear: %v %+v", err, res)
	}
	resp, err := client.Get(e.base + "/api/v2/persons/" + twoID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Data struct {
			LabelIDs     []int64                    `json:"label_ids"`
			CustomFields map[string]json.RawMessage `json:"custom_fields"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET person %s: %d %v", twoID, resp.StatusCode, err)
	}
	if raw, ok := got.Data.CustomFields[pdsim.FieldInterests]; !ok || string(raw) != "null" || got.Data.LabelIDs == nil || len(got.Data.LabelIDs) != 0 {
		t.Errorf("after clearing: interests %s (returned: %v), label_ids %v; want null and []", raw, ok, got.Data.LabelIDs)
	}

	// A value that is not option ids is refused before any call.
	calls := e.sim.Stats()["PATCH /api/v2/persons/{id}"]
	res, err = c.Write(ctx, "persons", []connector.Op{
		{Kind: connector.OpUpdate, ID: twoID, Fields: map[string]string{pdsim.FieldInterests: "Newsletter;Events"}},
		{Kind: connector.OpUpdate, ID: twoID, Fields: map[string]string{"label_ids": "99"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.As(res[0].Err, &re) || re.Field != pdsim.FieldInterests || re.Code != "INVALID_VALUE" {
		t.Errorf("labels for ids: %v, want a refusal naming %s", res[0].Err, pdsim.FieldInterests)
	}
	if !errors.As(res[1].Err, &re) || re.Field != "label_ids" || !strings.Contains(re.Message, "label 99") {
		t.Errorf("unknown label: %v, want Pipedrive's refusal naming label_ids", res[1].Err)
	}
	if d := e.sim.Stats()["PATCH /api/v2/persons/{id}"] - calls; d != 1 {
		t.Errorf("%d PATCH calls, want 1 (the option names are refused before a call)", d)
	}
}

// asIDs is a set custom field's value as the sandbox keeps it ([]int64).
func asIDs(v any) []int64 {
	ids, _ := v.([]int64)
	return ids
}

// The wire form of a multiple-option value, and the field named in a
// refusal.
func TestOptionIDsAndBlame(t *testing.T) {
	for v, want := range map[string][]json.Number{
		"201;203": {"201", "203"}, " 203 ; 201 ;203": {"203", "201"}, ";": {}, "": {},
	} {
		got, err := optionIDs(v)
		if err != nil || !slices.Equal(got, want) || got == nil {
			t.Errorf("optionIDs(%q) = %#v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"Newsletter", "201,203", "2.5"} {
		if _, err := optionIDs(v); err == nil {
			t.Errorf("optionIDs(%q) accepted", v)
		}
	}
	set := customField{typ: "set"}
	if v, err := customJSON(set, ";"); err != nil || v != nil {
		t.Errorf("customJSON(set, \";\") = %#v, %v; want null", v, err)
	}
	key := pdsim.FieldInterests
	sc := &schema{custom: map[string]customField{key: set}}
	op := connector.Op{Fields: map[string]string{"name": "x", key: "1", "label_ids": "2", "org_id": "3"}}
	for msg, want := range map[string]string{
		"custom_fields." + key + ": option 999 does not exist":                                       key,
		fmt.Sprintf("Expected non-empty 'array' as value for multi options custom field '%s'.", key): key,
		"label_ids: label 99 not found":                                                              "label_ids",
		"Name must be given.":                                                                        "",
		"my_label_ids_x is not a field":                                                              "",
		"Validation failed: custom_fields":                                                           "",
	} {
		if got := blamed(sc, op, msg); got != want {
			t.Errorf("blamed(%q) = %q, want %q", msg, got, want)
		}
	}
}
