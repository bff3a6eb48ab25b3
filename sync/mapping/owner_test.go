package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// HubSpot owners and Salesforce users, each side with someone the other
// lacks, an inactive id nobody lists, and an email in another case.
var (
	ownersA = connector.Schema{Object: "contacts", Fields: []connector.Field{{Name: "hubspot_owner_id", Label: "Contact owner", Type: connector.TypeEnum,
		Options: []connector.Option{
			{Value: "101", Label: "Ada Lovelace", Email: "ada@acme.example"},
			{Value: "102", Label: "Grace Hopper", Email: "Grace@Acme.example"},
			{Value: "103", Label: "Only In HubSpot", Email: "solo@acme.example"},
		}}}}
	ownersB = connector.Schema{Object: "Contact", Fields: []connector.Field{{Name: "OwnerId", Label: "Owner ID", Type: connector.TypeEnum,
		Options: []connector.Option{
			{Value: "005A", Label: "Ada Lovelace", Email: "ADA@acme.example"},
			{Value: "005G", Label: "Grace Hopper", Email: "grace@acme.example"},
			{Value: "005S", Label: "Integration User", Email: "integration@acme.example"},
		}}}}
)

// The owner transform maps users by email both ways, whatever the case,
// and what each side writes reads back as the same canonical value. A
// user with no counterpart is never read as no owner: writing them to the
// other side is ErrNoCounterpart (the target keeps its owner), and the
// row's notes name them.
func TestOwnerByEmail(t *testing.T) {
	rows, probs := mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Transform: "owner", Rule: mapping.UnlessBlank}}, mapping.TwoWay, ownersA, ownersB)
	if len(probs) > 0 || len(rows) != 1 {
		t.Fatalf("compile: %v", probs)
	}
	row := rows[0]
	for a, b := range map[string]string{"101": "005A", "102": "005G"} {
		canon, err := row.CanonA(map[string]string{"hubspot_owner_id": a})
		if err != nil || canon != b {
			t.Errorf("CanonA(%s) = %q, %v; want %s", a, canon, err, b)
		}
		if got, err := row.CanonB(map[string]string{"OwnerId": b}); err != nil || got != canon {
			t.Errorf("CanonB(%s) = %q, %v; want %s", b, got, err, canon)
		}
		if w, err := row.WriteA(b); err != nil || w["hubspot_owner_id"] != a {
			t.Errorf("WriteA(%s) = %v, %v; want %s", b, w, err, a)
		}
		if w, err := row.WriteB(b); err != nil || w["OwnerId"] != b {
			t.Errorf("WriteB(%s) = %v, %v", b, w, err)
		}
	}
	if canon, err := row.CanonA(map[string]string{"hubspot_owner_id": ""}); err != nil || canon != "" {
		t.Errorf("no owner: %q, %v; want blank", canon, err)
	}
	for in, who := range map[string]string{"103": "Only In HubSpot <solo@acme.example>", "999": "999 (not an active user)"} {
		canon, err := row.CanonA(map[string]string{"hubspot_owner_id": in})
		if err != nil || canon == "" {
			t.Fatalf("CanonA(%s) = %q, %v; want a value that is not blank", in, canon, err)
		}
		if back, err := row.WriteA(canon); in == "103" && (err != nil || back["hubspot_owner_id"] != in) {
			t.Errorf("WriteA(CanonA(%s)) = %v, %v; want it back", in, back, err)
		}
		_, err = row.WriteB(canon)
		if !errors.Is(err, mapping.ErrNoCounterpart) || !strings.Contains(err.Error(), who) || !strings.Contains(err.Error(), "Owner ID") {
			t.Errorf("WriteB of %s's canonical %q: %v; want ErrNoCounterpart naming %s and the field", in, canon, err, who)
		}
	}
	if canon, err := row.CanonB(map[string]string{"OwnerId": "005S"}); err != nil || canon != "005S" {
		t.Errorf("CanonB of the integration user = %q, %v; want its own id", canon, err)
	}
	if _, err := row.WriteA("005S"); !errors.Is(err, mapping.ErrNoCounterpart) || !strings.Contains(err.Error(), "Integration User <integration@acme.example>") {
		t.Errorf("a Salesforce user with no HubSpot owner: %v; want ErrNoCounterpart naming them", err)
	}
	notes := strings.Join(row.Notes(), "\n")
	for _, want := range []string{"Contact owner: Only In HubSpot <solo@acme.example> has no user with the same email in Owner ID",
		"Owner ID: Integration User <integration@acme.example> has no user with the same email in Contact owner"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	rows, _ = mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Transform: "owner", Rule: mapping.UnlessBlank, Direction: mapping.AtoB}}, mapping.TwoWay, ownersA, ownersB)
	if n := rows[0].Notes(); len(n) != 1 || !strings.Contains(n[0], "Only In HubSpot") {
		t.Errorf("notes of a HubSpot-to-Salesforce row: %q; want HubSpot's unmatched owner alone", n)
	}
}

// An owner row needs users with emails on both sides, one field each, and
// the unless-blank rule.
func TestOwnerNeedsUsers(t *testing.T) {
	plain := connector.Schema{Object: "Contact", Fields: []connector.Field{{Name: "OwnerId", Type: connector.TypeID}, {Name: "LastName", Type: connector.TypeString}}}
	_, probs := mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Transform: "owner", Rule: mapping.UnlessBlank}}, mapping.TwoWay, ownersA, plain)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "users of OwnerId") {
		t.Errorf("owner onto a field with no users: %v", probs)
	}
	_, probs = mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId+LastName", Transform: "owner", Rule: mapping.UnlessBlank}}, mapping.AtoB, ownersA, plain)
	if len(probs) == 0 {
		t.Error("owner onto two fields compiled")
	}
	_, probs = mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Transform: "owner"}}, mapping.TwoWay, ownersA, ownersB)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "unless-blank") {
		t.Errorf("an owner row with rule always: %v; want it refused", probs)
	}
	_, probs = mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Rule: mapping.UnlessBlank}}, mapping.TwoWay, ownersA, ownersB)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "use transform owner") {
		t.Errorf("two owner fields copied as they are: %v; want the owner transform suggested", probs)
	}
}
