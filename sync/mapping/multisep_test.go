package mapping_test

import (
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestMultiSeparatorOptionWritten: a value map sends HubSpot's
// END_USER to a Zoho option "R&D; Labs". Written joined by ";", it would
// reach Zoho as the two values "R&D" and "Labs"; the row refuses the
// record's value instead, naming the field and the option, while a
// selection without it maps as before. (The read side, a Zoho record
// selecting the option, is TestZohoMultiSemicolon in app.)
func TestMultiSeparatorOptionWritten(t *testing.T) {
	interests := connector.Field{Name: "Interests", Type: connector.TypeMulti,
		Options: []connector.Option{{Value: "Analytics"}, {Value: "R&D; Labs"}}}
	b := connector.Schema{Object: "Contacts", Fields: []connector.Field{interests}}
	rows, probs := mapping.Compile([]mapping.Field{{A: "hs_buying_role", B: "Interests", Transform: "map",
		ValueMap: map[string]string{"CHAMPION": "Analytics", "END_USER": "R&D; Labs"}}}, mapping.TwoWay, multiA, b)
	if len(probs) > 0 || len(rows) != 1 {
		t.Fatalf("Compile: %d rows, problems %v", len(rows), probs)
	}
	row := rows[0]
	_, err := row.CanonA(map[string]string{"hs_buying_role": "CHAMPION;END_USER"})
	var sep *mapping.SeparatorOptionError
	if !errors.As(err, &sep) || sep.Field != "Interests" || sep.Option != "R&D; Labs" {
		t.Errorf("CanonA of CHAMPION;END_USER: %v; want a SeparatorOptionError naming Interests and R&D; Labs", err)
	}
	if got, err := row.CanonA(map[string]string{"hs_buying_role": "CHAMPION"}); err != nil || got != "Analytics" {
		t.Errorf("CanonA of CHAMPION = %q, %v; want Analytics", got, err)
	}
}
