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
// and what each side writes reads back as the same canonical value.
func TestOwnerByEmail(t *testing.T) {
	rows, probs := mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Transform: "owner"}}, mapping.TwoWay, ownersA, ownersB)
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
	var uv *mapping.UnknownValueError
	_, err := row.CanonA(map[string]string{"hubspot_owner_id": "103"})
	if !errors.As(err, &uv) || !strings.Contains(err.Error(), "Only In HubSpot <solo@acme.example>") || !strings.Contains(err.Error(), "Owner ID") {
		t.Errorf("an owner with no Salesforce user: %v; want an UnknownValueError naming the person and the field", err)
	}
	_, err = row.CanonA(map[string]string{"hubspot_owner_id": "999"})
	if !errors.As(err, &uv) || !strings.Contains(err.Error(), "999") {
		t.Errorf("an owner nobody lists: %v", err)
	}
	if _, err := row.WriteA("005S"); !errors.As(err, &uv) || !strings.Contains(err.Error(), "Integration User <integration@acme.example>") {
		t.Errorf("a Salesforce user with no HubSpot owner: %v", err)
	}
}

// An owner row needs users with emails on both sides, one field each.
func TestOwnerNeedsUsers(t *testing.T) {
	plain := connector.Schema{Object: "Contact", Fields: []connector.Field{{Name: "OwnerId", Type: connector.TypeID}, {Name: "LastName", Type: connector.TypeString}}}
	_, probs := mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId", Transform: "owner"}}, mapping.TwoWay, ownersA, plain)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "users of OwnerId") {
		t.Errorf("owner onto a field with no users: %v", probs)
	}
	_, probs = mapping.Compile([]mapping.Field{{A: "hubspot_owner_id", B: "OwnerId+LastName", Transform: "owner"}}, mapping.AtoB, ownersA, plain)
	if len(probs) == 0 {
		t.Error("owner onto two fields compiled")
	}
}
