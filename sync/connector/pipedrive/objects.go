package pipedrive

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// kind is what differs between the objects the connector speaks: its
// name, its fields API, the field a create needs, and its built-in fields
// as the v2 items define them, in canonical form.
type kind struct {
	singular string
	fields   string // the v2 fields API; "" for an object without custom fields
	required string // the field every create needs, if any
	builtIn  []connector.Field
	options  *optionList // a built-in enum whose options are a list of their own
	// v1 marks an object API v2 does not have (notes): its list pages by
	// offset (start, next_start), sorts with "sort", and updates with PUT.
	v1 bool
	// selectsCustom marks an object whose v2 list takes custom_fields, the
	// custom fields to include (read.go): persons, organizations and deals
	// do; activities' list does not, nor does v1's notes list.
	selectsCustom bool
	// alsoLive are lists of live records the object's list leaves out
	// (a deal's archived ones), which ListIDs lists too.
	alsoLive []string
}

// optionList is where a built-in enum field's options come from: a deal's
// stages, an activity's types. The metadata cache keeps them with the
// custom fields, as one item.
type optionList struct {
	field, path string
	value       func(fieldItem) string // an entry's option value
}

// labels is label_ids, the labels of a person, an organization or a deal:
// a multiple-option field whose options (the company's labels, each
// object its own) come from the fields API.
var labels = connector.Field{Name: labelsField, Label: "Labels", Type: connector.TypeMulti}

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
	"persons": {singular: "person", fields: "/api/v2/personFields", required: "name", selectsCustom: true, builtIn: withCommon(
		connector.Field{Name: "name", Label: "Name", Type: connector.TypeString},
		connector.Field{Name: "first_name", Label: "First name", Type: connector.TypeString, ReadOnly: true},
		connector.Field{Name: "last_name", Label: "Last name", Type: connector.TypeString, ReadOnly: true},
		connector.Field{Name: "email", Label: "Email (primary)", Type: connector.TypeEmail},
		connector.Field{Name: "phone", Label: "Phone (primary)", Type: connector.TypePhone},
		connector.Field{Name: "org_id", Label: "Organization", Type: connector.TypeID},
		labels,
	)},
	"organizations": {singular: "organization", fields: "/api/v2/organizationFields", required: "name", selectsCustom: true, builtIn: withCommon(
		connector.Field{Name: "name", Label: "Name", Type: connector.TypeString, Required: true},
		labels,
	)},
	// A deal's stage names its pipeline, so pipeline_id is read-only; its
	// options are the company's stages (GET /api/v2/stages).
	"deals": {singular: "deal", fields: "/api/v2/dealFields", required: "title", selectsCustom: true, alsoLive: []string{"/api/v2/deals/archived"},
		options: &optionList{field: "stage_id", path: "/api/v2/stages", value: func(it fieldItem) string { return it.ID.String() }}, builtIn: withCommon(
			connector.Field{Name: "title", Label: "Title", Type: connector.TypeString, Required: true},
			connector.Field{Name: "value", Label: "Value", Type: connector.TypeNumber, Double: true}, // a JSON number kept as a double
			connector.Field{Name: "currency", Label: "Currency", Type: connector.TypeString},
			connector.Field{Name: "stage_id", Label: "Stage", Type: connector.TypeEnum},
			connector.Field{Name: "pipeline_id", Label: "Pipeline", Type: connector.TypeID, ReadOnly: true},
			connector.Field{Name: "status", Label: "Status", Type: connector.TypeEnum,
				Options: []connector.Option{{Value: "open", Label: "Open"}, {Value: "won", Label: "Won"}, {Value: "lost", Label: "Lost"}}},
			connector.Field{Name: "expected_close_date", Label: "Expected close date", Type: connector.TypeDate},
			connector.Field{Name: "person_id", Label: "Contact person", Type: connector.TypeID},
			connector.Field{Name: "org_id", Label: "Organization", Type: connector.TypeID},
			labels,
		)},
	// An activity (a call, meeting, task…) names its person as its primary
	// participant: v2 refuses person_id in a body. person_id reads all its
	// participants, the primary first (participantIDs). Its type's options are
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
			connector.Field{Name: "person_id", Label: "Persons (primary participant first)", Type: connector.TypeID},
			connector.Field{Name: "org_id", Label: "Organization", Type: connector.TypeID},
			connector.Field{Name: "deal_id", Label: "Deal", Type: connector.TypeID},
		)},
	// A note exists only in API v1. Its content is HTML, and it is
	// attached to a person, an organization or a deal (a create needs one
	// of them). It has no owner, only its author (user_id), and no custom
	// fields.
	"notes": {singular: "note", required: "content", v1: true, builtIn: []connector.Field{
		{Name: "content", Label: "Content (HTML)", Type: connector.TypeText, Required: true},
		{Name: "person_id", Label: "Person", Type: connector.TypeID},
		{Name: "org_id", Label: "Organization", Type: connector.TypeID},
		{Name: "deal_id", Label: "Deal", Type: connector.TypeID},
		{Name: "add_time", Label: "Created", Type: connector.TypeDateTime, ReadOnly: true},
		{Name: "update_time", Label: "Updated", Type: connector.TypeDateTime, ReadOnly: true},
	}},
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

// objectPath is the path of an object: v2's, or v1's for a note.
func objectPath(object string) string {
	if kinds[object].v1 {
		return "/api/v1/" + object
	}
	return "/api/v2/" + object
}

// listQuery is one list call's query: limit records from the page token
// next (a v2 cursor, a v1 offset), sorted by field ascending.
func listQuery(object, sortField, next string) url.Values {
	q := url.Values{"limit": {strconv.Itoa(pageSize)}}
	key := "cursor"
	if kinds[object].v1 {
		// Ties go by id, so a read that resumes within a second
		// (resumeAfter) finds that second's records in the same order.
		q.Set("sort", sortField+" ASC")
		if sortField != "id" {
			q.Set("sort", sortField+" ASC, id ASC")
		}
		key = "start"
	} else {
		q.Set("sort_by", sortField)
		q.Set("sort_direction", "asc")
	}
	if next != "" {
		q.Set(key, next)
	}
	return q
}

func singular(object string) string { return kinds[object].singular }
