package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestTogetherRowsShareAField: two two-way rows may write one A field
// only inside one together group (a deal's stage from the sales phase and
// from the state); a B value the reverse value map sends to "" names no A
// value, and writing it is ErrNoCounterpart, so A keeps its value.
func TestTogetherRowsShareAField(t *testing.T) {
	stages := []connector.Option{{Value: "contractsent"}, {Value: "closedwon"}, {Value: "closedlost"}}
	a := connector.Schema{Object: "deals", Fields: []connector.Field{{Name: "dealstage", Type: connector.TypeEnum, Options: stages}}}
	b := connector.Schema{Object: "opportunities", Fields: []connector.Field{
		{Name: "salesstage", Type: connector.TypeEnum, Options: []connector.Option{{Value: "2"}, {Value: "3"}}},
		{Name: "statecode", Type: connector.TypeEnum, Options: []connector.Option{{Value: "0"}, {Value: "1"}, {Value: "2"}}}}}
	rows := func(group string) []mapping.Field {
		return []mapping.Field{
			{A: "dealstage", B: "salesstage", Transform: "map", ValueMap: map[string]string{"contractsent": "2", "closedwon": "3", "closedlost": "3"},
				ReverseTransform: "map", ReverseValueMap: map[string]string{"2": "contractsent", "3": "contractsent"}, Together: group},
			{A: "dealstage", B: "statecode", Transform: "map", ValueMap: map[string]string{"contractsent": "0", "closedwon": "1", "closedlost": "2"},
				ReverseTransform: "map", ReverseValueMap: map[string]string{"0": "", "1": "closedwon", "2": "closedlost"}, Together: group},
		}
	}
	if _, problems := mapping.Compile(rows(""), mapping.TwoWay, a, b); len(problems) != 1 || !strings.Contains(problems[0].Error(), "already written by mapping 1") {
		t.Fatalf("two rows writing dealstage outside a group: %v, want it refused", problems)
	}
	compiled, problems := mapping.Compile(rows("stage"), mapping.TwoWay, a, b)
	if len(problems) != 0 {
		t.Fatalf("two rows of one group writing dealstage: %v", problems)
	}
	state := compiled[1]
	if !state.Unnamed("0") || state.Unnamed("1") || state.Unnamed("") {
		t.Fatalf("Unnamed: 0 %v, 1 %v, blank %v; want only 0", state.Unnamed("0"), state.Unnamed("1"), state.Unnamed(""))
	}
	if _, err := state.WriteA("0"); !errors.Is(err, mapping.ErrNoCounterpart) || !strings.Contains(err.Error(), `statecode "0" names no dealstage`) {
		t.Fatalf("writing Open onto dealstage: %v, want ErrNoCounterpart naming the fields", err)
	}
	if got, err := state.WriteA("2"); err != nil || got["dealstage"] != "closedlost" {
		t.Fatalf("writing Lost onto dealstage: %v %v", got, err)
	}
}
