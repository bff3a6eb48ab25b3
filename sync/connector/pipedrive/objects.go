package pipedrive

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// kind is what differs between the objects the connector speaks: its
// name, its fields API, the field a create needs, and its built-in fields
// as the v2 items define them, in canonical form.
type kind struct {
	singular string
	fields   string // the v2 fields API
	required string // the field every create needs, if any
	builtIn  []connector.Field
	options  *optionList // a built-in enum whose options are a list of their own
}

// optionList is where a built-in enum field's options come from: a deal's
// stages, an activity's types. The metadata cache keeps them with the
// custom fields, as one item.
type optionList struct {
	field, path string
	value       func(fieldItem) string // an entry's option value
}

// common are the built-in fields every object has.
var common = []connector.Field{
	{Name: "owner_id", Label: "Owner", Type: connector.TypeID},
	{Name: "add_time", Label: "Created", Type: connector.TypeDateTime, ReadOnly: true},
	{Name: "update_time", Label: "Updated", Type: connector.TypeDateTime, ReadOnly: true},
}

// kinds lists the objects. A person's fields:
//   - email and phone are the primary entries of emails[] and phones[];
//   - first_name and last_name are read-only: a v2 request body takes only
//     name, and how Pipedrive splits a name into its parts is not
//     documented, so writing parts through name could come back split
//     otherwise and rewrite the other CRM's names. Map a full name to name
//     (firstname+lastname → name).
var kinds = map[string]kind{
	"persons": {singular: "person", fields: "/api/v2/personFields", required: "name", builtIn: withCommon(
		connector.Field{Name: "name", Label: "Name", Type: connector.TypeString},
		connector.Field{Name: "first_name", Label: "First name", Type: connector.TypeString, ReadOnly: true},
		connector.Field{Name: "last_name", Label: "Last name", Type: connector.TypeString, ReadOnly: true},
		connector.Field{Name: "email", Label: "Email (primary)", Type: connector.TypeEmail},
		connector.Field{Name: "phone", Label: "Phone (primary)", Type: connector.TypePhone},
		connector.Field{Name: "org_id", Label: "Organization", Type: connector.TypeID},
	)},
	"organizations": {singular: "organization", fields: "/api/v2/organizationFields", required: "name", builtIn: withCommon(
		connector.Field{Name: "name", Label: "Name", Type: connector.TypeString, Required: true},
	)},
	// A deal's stage names its pipeline, so pipeline_id is read-only; its
	// options are the company's stages (GET /api/v2/stages).
	"deals": {singular: "deal", fields: "/api/v2/dealFields", required: "title",
		options: &optionList{field: "stage_id", path: "/api/v2/stages", value: func(it fieldItem) string { return it.ID.String() }}, builtIn: withCommon(
			connector.Field{Name: "title", Label: "Title", Type: connector.TypeString, Required: true},
			connector.Field{Name: "value", Label: "Value", Type: connector.TypeNumber},
			connector.Field{Name: "currency", Label: "Currency", Type: connector.TypeString},
			connector.Field{Name: "stage_id", Label: "Stage", Type: connector.TypeEnum},
			connector.Field{Name: "pipeline_id", Label: "Pipeline", Type: connector.TypeID, ReadOnly: true},
			connector.Field{Name: "status", Label: "Status", Type: connector.TypeEnum,
				Options: []connector.Option{{Value: "open", Label: "Open"}, {Value: "won", Label: "Won"}, {Value: "lost", Label: "Lost"}}},
			connector.Field{Name: "expected_close_date", Label: "Expected close date", Type: connector.TypeDate},
			connector.Field{Name: "person_id", Label: "Contact person", Type: connector.TypeID},
			connector.Field{Name: "org_id", Label: "Organization", Type: connector.TypeID},
		)},
	// An activity (a call, meeting, task…) names its person as its primary
	// participant: v2 refuses person_id in a body. Its type's options are
	// the company's activity types (GET /api/v1/activityTypes, which v2
	// keeps). Pipedrive gives an activity without a subject its type's name.
	"activities": {singular: "activity", fields: "/api/v2/activityFields",
		options: &optionList{field: "type", path: "/api/v1/activityTypes", value: func(it fieldItem) string { return it.KeyString }}, builtIn: withCommon(
			connector.Field{Name: "subject", Label: "Subject", Type: connector.TypeString},
			connector.Field{Name: "type", Label: "Type", Type: connector.TypeEnum},
			connector.Field{Name: "due_date", Label: "Due date", Type: connector.TypeDate},
			connector.Field{Name: "due_time", Label: "Due time (HH:MM, UTC)", Type: connector.TypeString},
			connector.Field{Name: "duration", Label: "Duration (HH:MM)", Type: connector.TypeString},
			connector.Field{Name: "done", Label: "Done", Type: connector.TypeBool},
			connector.Field{Name: "note", Label: "Note", Type: connector.TypeText},
			connector.Field{Name: "person_id", Label: "Person (primary participant)", Type: connector.TypeID},
			connector.Field{Name: "org_id", Label: "Organization", Type: connector.TypeID},
			connector.Field{Name: "deal_id", Label: "Deal", Type: connector.TypeID},
		)},
}

func withCommon(fs ...connector.Field) []connector.Field { return append(fs, common...) }

// kindOf returns object's kind, or refuses an object the connector does
// not speak.
func kindOf(object string) (kind, error) {
	k, ok := kinds[object]
	if !ok {
		names := make([]string, 0, len(kinds))
		for n := range kinds {
			names = append(names, n)
		}
		slices.Sort(names)
		return kind{}, fmt.Errorf("pipedrive: unknown object %q (known: %s)", object, strings.Join(names, ", "))
	}
	return k, nil
}

// checkObject refuses objects the connector does not speak.
func checkObject(object string) error {
	_, err := kindOf(object)
	return err
}

// objectPath is the v2 path of an object.
func objectPath(object string) string { return "/api/v2/" + object }

func singular(object string) string { return kinds[object].singular }
