package mapping_test

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// HubSpot's opt-out checkbox against a Mailchimp member's status and a
// Salesforce Contact's opt-out checkbox.
var (
	optA = connector.Schema{Object: "contacts", Fields: []connector.Field{
		{Name: "hs_email_optout", Type: connector.TypeBool},
		{Name: "hs_buying_role", Type: connector.TypeMulti, Options: []connector.Option{{Value: "CHAMPION"}}},
		{Name: "email", Type: connector.TypeEmail}}}
	optB = connector.Schema{Object: "members", Fields: []connector.Field{
		{Name: "status", Type: connector.TypeEnum, Options: []connector.Option{
			{Value: "subscribed"}, {Value: "unsubscribed"}, {Value: "cleaned"}, {Value: "pending"}, {Value: "transactional"}}},
		{Name: "HasOptedOutOfEmail", Type: connector.TypeBool},
		{Name: "roles", Type: connector.TypeMulti, Options: []connector.Option{{Value: "CHAMPION"}}},
		{Name: "email_address", Type: connector.TypeEmail}}}
	unsubscribe = map[string]string{"true": "unsubscribed"}
)

// An opt-out row reads every state but the opt-out as blank, so the
// engine sees "opted out" or nothing whatever each vendor calls it, and
// writes the opt-out in each vendor's words.
func TestOptOutReadsOnlyTheOptOut(t *testing.T) {
	rows, probs := mapping.Compile([]mapping.Field{
		{B: "status", Direction: mapping.AtoB, Transform: "const:transactional", Rule: mapping.OnCreate},
		{A: "hs_email_optout", B: "status", Transform: "map", ValueMap: unsubscribe, Rule: mapping.OptOut},
	}, mapping.TwoWay, optA, optB)
	boxes, boxProbs := mapping.Compile([]mapping.Field{{A: "hs_email_optout", B: "HasOptedOutOfEmail", Rule: mapping.OptOut}}, mapping.TwoWay, optA, optB)
	if len(probs)+len(boxProbs) > 0 || len(rows) != 2 || len(boxes) != 1 {
		t.Fatalf("Compile: %d rows, problems %v (an on-create row may share a field with another row)", len(rows), probs)
	}
	status, box := rows[1], boxes[0]
	if !status.OptOut || strings.Join(status.OptOutValues(), ",") != "unsubscribed" {
		t.Fatalf("status row: OptOut %v, values %v", status.OptOut, status.OptOutValues())
	}
	for in, want := range map[string]string{"true": "unsubscribed", "false": "", "": ""} {
		if got, err := status.CanonA(map[string]string{"hs_email_optout": in}); err != nil || got != want {
			t.Errorf("status CanonA(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"unsubscribed": "unsubscribed", "subscribed": "", "cleaned": "", "transactional": "", "": ""} {
		if got, err := status.CanonB(map[string]string{"status": in}); err != nil || got != want {
			t.Errorf("status CanonB(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, err := status.WriteA("unsubscribed"); err != nil || got["hs_email_optout"] != "true" {
		t.Errorf("status WriteA(unsubscribed) = %v, %v; want hs_email_optout true", got, err)
	}
	for in, want := range map[string]string{"true": "true", "false": "", "": ""} {
		if got, err := box.CanonB(map[string]string{"HasOptedOutOfEmail": in}); err != nil || got != want {
			t.Errorf("checkbox CanonB(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestOptOutCompileProblems(t *testing.T) {
	cases := []struct {
		f    mapping.Field
		want string
	}{
		{mapping.Field{A: "email", B: "HasOptedOutOfEmail", Rule: mapping.OptOut}, "map the value that means opted out"},
		{mapping.Field{A: "hs_email_optout", B: "status", Transform: "map", ValueMap: map[string]string{"true": ""}, Rule: mapping.OptOut}, "names no opt-out value"},
		{mapping.Field{A: "hs_buying_role", B: "roles", Rule: mapping.OptOut}, "multi-select cannot be an opt-out"},
		{mapping.Field{A: "hs_email_optout", B: "status", Transform: "map", ValueMap: unsubscribe, Default: "unsubscribed", Rule: mapping.OptOut}, "a default would opt out"},
		{mapping.Field{B: "status", Direction: mapping.AtoB, Transform: "const:unsubscribed", Rule: mapping.OptOut}, "constant cannot carry an opt-out"},
		{mapping.Field{A: "email", B: "status", Rule: "opt-in"}, "use always, unless-blank, on-create or opt-out"},
	}
	for _, tc := range cases {
		_, probs := mapping.Compile([]mapping.Field{tc.f}, mapping.TwoWay, optA, optB)
		if !saysSome(probs, tc.want) {
			t.Errorf("Compile(%+v): problems %v; want one saying %q", tc.f, probs, tc.want)
		}
	}
	// Two rows that both merge a field are still refused; only an
	// on-create row may share one.
	_, probs := mapping.Compile([]mapping.Field{
		{A: "hs_email_optout", B: "status", Transform: "map", ValueMap: unsubscribe, Rule: mapping.OptOut},
		{A: "email", B: "status", Direction: mapping.AtoB},
	}, mapping.TwoWay, optA, optB)
	if !saysSome(probs, "already written by mapping 1") {
		t.Errorf("two merged rows writing status: problems %v; want the field named as already written", probs)
	}
}

// saysSome says whether one of probs says want.
func saysSome(probs []mapping.Problem, want string) bool {
	for _, p := range probs {
		if strings.Contains(p.Error(), want) {
			return true
		}
	}
	return false
}
