package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// HubSpot's "Buying Role" (checkboxes: internal values) and a Salesforce
// multi-select picklist whose values are the labels.
var (
	buyingRoleHS = connector.Field{Name: "hs_buying_role", Type: connector.TypeMulti, Options: []connector.Option{
		{Value: "BUDGET_HOLDER", Label: "Budget Holder"}, {Value: "CHAMPION", Label: "Champion"},
		{Value: "DECISION_MAKER", Label: "Decision Maker"}, {Value: "END_USER", Label: "End User"}}}
	buyingRoleSF = connector.Field{Name: "Buying_Role__c", Type: connector.TypeMulti, Options: []connector.Option{
		{Value: "Budget Holder"}, {Value: "Champion"}, {Value: "Decision Maker"}, {Value: "End User"}}}
	leadSourceSF = connector.Field{Name: "LeadSource", Type: connector.TypeEnum, Options: []connector.Option{{Value: "Web"}, {Value: "Champion"}}}
	notesSF      = connector.Field{Name: "Description", Type: connector.TypeText}
)

var (
	multiA = connector.Schema{Object: "contacts", Fields: []connector.Field{buyingRoleHS,
		{Name: "tags", Type: connector.TypeString}}}
	multiB = connector.Schema{Object: "Contact", Fields: []connector.Field{buyingRoleSF, leadSourceSF, notesSF,
		{Name: "Roles__c", Type: connector.TypeMulti, Options: []connector.Option{{Value: "BUDGET_HOLDER"}, {Value: "CHAMPION"}, {Value: "DECISION_MAKER"}, {Value: "END_USER"}}}}}
	roleMap = map[string]string{"BUDGET_HOLDER": "Budget Holder", "CHAMPION": "Champion", "DECISION_MAKER": "Decision Maker", "END_USER": "End User"}
)

func compileMulti(t *testing.T, f mapping.Field) mapping.Row {
	t.Helper()
	rows, probs := mapping.Compile([]mapping.Field{f}, mapping.TwoWay, multiA, multiB)
	if len(probs) > 0 || len(rows) != 1 {
		t.Fatalf("Compile(%+v): %d rows, problems %v", f, len(rows), probs)
	}
	return rows[0]
}

// A selection is a set: the order a vendor returns it in, repeats and
// spacing are no change, so a reordered read-back cannot loop.
func TestMultiSelectionIsASet(t *testing.T) {
	row := compileMulti(t, mapping.Field{A: "hs_buying_role", B: "Roles__c"})
	want := "CHAMPION;DECISION_MAKER"
	for _, in := range []string{"DECISION_MAKER;CHAMPION", "CHAMPION;DECISION_MAKER", " champion ; DECISION_MAKER;CHAMPION;"} {
		a, err := row.CanonA(map[string]string{"hs_buying_role": in})
		if err != nil || a != want {
			t.Errorf("CanonA(%q) = %q, %v; want %q", in, a, err, want)
		}
		b, err := row.CanonB(map[string]string{"Roles__c": in})
		if err != nil || b != want {
			t.Errorf("CanonB(%q) = %q, %v; want %q", in, b, err, want)
		}
	}
	if got, err := row.CanonA(map[string]string{"hs_buying_role": ";"}); err != nil || got != "" {
		t.Errorf("CanonA(%q) = %q, %v; want blank", ";", got, err)
	}
}

// A value map translates option by option, both ways, and what each side
// writes reads back as the same canonical value.
func TestMultiValueMapPerOption(t *testing.T) {
	row := compileMulti(t, mapping.Field{A: "hs_buying_role", B: "Buying_Role__c", Transform: "map", ValueMap: roleMap})
	canon, err := row.CanonA(map[string]string{"hs_buying_role": "DECISION_MAKER;BUDGET_HOLDER"})
	if want := "Budget Holder;Decision Maker"; err != nil || canon != want {
		t.Fatalf("CanonA = %q, %v; want %q", canon, err, want)
	}
	if got, err := row.CanonB(map[string]string{"Buying_Role__c": "Decision Maker;Budget Holder"}); err != nil || got != canon {
		t.Errorf("CanonB of Salesforce's order = %q, %v; want %q", got, err, canon)
	}
	wb, err := row.WriteB(canon)
	if err != nil || wb["Buying_Role__c"] != canon {
		t.Errorf("WriteB(%q) = %v, %v", canon, wb, err)
	}
	wa, err := row.WriteA("Champion;End User")
	if want := "CHAMPION;END_USER"; err != nil || wa["hs_buying_role"] != want {
		t.Fatalf("WriteA = %v, %v; want %q", wa, err, want)
	}
	if back, err := row.CanonA(wa); err != nil || back != "Champion;End User" {
		t.Errorf("CanonA(WriteA(c)) = %q, %v; want the canonical value back", back, err)
	}
	_, err = row.CanonA(map[string]string{"hs_buying_role": "CHAMPION;INFLUENCER"})
	var uv *mapping.UnknownValueError
	if !errors.As(err, &uv) || uv.Value != "INFLUENCER" || !uv.Unmapped {
		t.Errorf("an unmapped option: err = %v; want an UnknownValueError for INFLUENCER", err)
	}
}

// Options the target does not have are named, so the record goes to review
// with the values to add, not to the vendor to fail.
func TestMultiUnknownOptions(t *testing.T) {
	row := compileMulti(t, mapping.Field{A: "tags", B: "Roles__c", Direction: mapping.AtoB})
	_, err := row.WriteB("CHAMPION;Poet;Painter")
	var uv *mapping.UnknownValueError
	if !errors.As(err, &uv) {
		t.Fatalf("WriteB with unknown options: err = %v; want an UnknownValueError", err)
	}
	if uv.Field != "Roles__c" || uv.Value != "Poet;Painter" || !strings.Contains(err.Error(), "allowed: BUDGET_HOLDER, CHAMPION, DECISION_MAKER, END_USER") {
		t.Errorf("err = %v (field %q, value %q); want Roles__c, the two unknown values and the options", err, uv.Field, uv.Value)
	}
}

func TestMultiCompileProblems(t *testing.T) {
	cases := []struct {
		name string
		f    mapping.Field
		want string
	}{
		{"options differ", mapping.Field{A: "hs_buying_role", B: "Buying_Role__c"},
			`values of hs_buying_role "BUDGET_HOLDER", "DECISION_MAKER", "END_USER" not allowed in Buying_Role__c`}, // CHAMPION matches "Champion"
		{"several into one", mapping.Field{A: "hs_buying_role", B: "LeadSource", Direction: mapping.AtoB},
			"hs_buying_role (multi) cannot be written into LeadSource of type enum; a multi-select holds several values"},
		{"map misses an option", mapping.Field{A: "hs_buying_role", B: "Buying_Role__c", Transform: "map",
			ValueMap: map[string]string{"CHAMPION": "Champion", "END_USER": "Poet"}}, `"Poet" not allowed in Buying_Role__c`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := mapping.Compile([]mapping.Field{tc.f}, mapping.TwoWay, multiA, multiB)
			if len(probs) == 0 || !strings.Contains(probs[0].Error(), tc.want) {
				t.Errorf("problems = %v; want one containing %q", probs, tc.want)
			}
		})
	}
	// A multi-select into text is a plain copy.
	if _, probs := mapping.Compile([]mapping.Field{{A: "hs_buying_role", B: "Description", Direction: mapping.AtoB}}, mapping.AtoB, multiA, multiB); len(probs) > 0 {
		t.Errorf("multi into text: %v", probs)
	}
}

func TestMergeSets(t *testing.T) {
	cases := []struct {
		a, b, base string
		hasBase    bool
		want       string
	}{
		{"Champion;End User;Influencer", "Champion", "Champion;Influencer", true, "Champion;End User"}, // A added, B removed
		{"Champion", "Champion;Influencer", "Champion;Influencer", true, "Champion"},                   // only A removed
		{"", "Champion;Other", "Champion", true, "Other"},                                              // A cleared, B added
		{"Blocker;Champion", "Blocker;Other", "", true, "Blocker;Champion;Other"},                      // both added, one alike
		{"Champion", "Other", "", false, "Champion;Other"},                                             // a new link: the union
	}
	for _, tc := range cases {
		if got := mapping.MergeSets(tc.a, tc.b, tc.base, tc.hasBase); got != tc.want {
			t.Errorf("MergeSets(%q, %q, base %q, %v) = %q; want %q", tc.a, tc.b, tc.base, tc.hasBase, got, tc.want)
		}
	}
	if row := compileMulti(t, mapping.Field{A: "hs_buying_role", B: "Roles__c"}); !row.Set {
		t.Error("a multi-select row is not marked Set")
	}
	if row := compileMulti(t, mapping.Field{A: "hs_buying_role", B: "Description", Direction: mapping.AtoB}); row.Set {
		t.Error("a multi-select copied into text is marked Set")
	}
}
