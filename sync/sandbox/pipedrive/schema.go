package pipedrive

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Custom fields of the simulated company. Pipedrive keys custom fields by random
// 40-character hashes that differ per company (core-api-concepts-custom-fields).
const (
	FieldCustomerType  = "b161b6301141746a4f4042bab725bff0c8af3690" // person, enum
	FieldLeadSource    = "b97d76b2dc48c58df951aece019813eb8895bda7" // person, varchar
	FieldInterests     = "e47e453d90a555cf443ee606a32b37e6f795fa5a" // person, set
	FieldLeadScore     = "9c1b786559f1fe6bbd2ed261246c54301bc920b5" // person, double
	FieldFirstContact  = "e9e223c45e2baa7ac241b540f065b84de48a11a7" // person, date
	FieldBudget        = "aac7ee7de50d367c4c760cc75ea89a7ef91fa502" // person, monetary
	OrgFieldTier       = "682fa22148d6cdec0e8fcb2403ef8b110521aa8f" // organization, enum
	OrgFieldAccountNum = "d4811e930ff1d15fee304276091848ab5f5045be" // organization, varchar
	DealFieldPriority  = "f7f8b06317ab947c3ed28bd6f82540e029c4011c" // deal, enum
	DealFieldRenewal   = "d458ac026fd12b4d9f9665a4151a62d42d1cfe4e" // deal, date
	DealFieldRival     = "711d8464cf9d3ea816036d9381693781d777f489" // deal, varchar
	DealFieldTerm      = "05c9b6517dedfab1d15b137ae51d79c69c883b3b" // deal, double
)

// Option ids of the enum and set custom fields and of the system label fields.
const (
	CustomerTypePrivate    = 101
	CustomerTypeCompany    = 102
	CustomerTypeGovernment = 103
	InterestNewsletter     = 201
	InterestWebinars       = 202
	InterestEvents         = 203
	InterestPartnership    = 204
	TierGold               = 301
	TierSilver             = 302
	TierBronze             = 303
	LabelCustomer          = 1
	LabelHotLead           = 2
	LabelWarmLead          = 3
	LabelColdLead          = 4
	PriorityLow            = 401
	PriorityMedium         = 402
	PriorityHigh           = 403
	// Deal labels are options of the deal label_ids field, apart from person and
	// organization labels. Hot, Warm and Cold are [unverified] as Pipedrive's defaults.
	DealLabelHot  = 5
	DealLabelWarm = 6
	DealLabelCold = 7
	// Activity priorities are options of the activity priority field ("Mappable to a
	// specific string using activityFields API"); ids and labels are [unverified].
	ActivityPriorityHigh   = 501
	ActivityPriorityMedium = 502
	ActivityPriorityLow    = 503
)

type option struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

type subfield struct {
	Code string `json:"field_code"`
	Name string `json:"field_name"`
	Type string `json:"field_type"`
}

// fieldDef is one v2 field object (field_code, field_name, field_type, options, subfields...).
type fieldDef struct {
	Code      string
	Name      string
	Desc      string // description: only the dealFields schema has it
	Type      string
	Custom    bool
	Optional  bool // is_optional_response_field: only returned through include_fields
	Required  bool // required_fields.enabled
	Options   []option
	Subfields []subfield
}

var labelOptions = []option{{LabelCustomer, "Customer"}, {LabelHotLead, "Hot lead"}, {LabelWarmLead, "Warm lead"}, {LabelColdLead, "Cold lead"}}

var dealLabelOptions = []option{{DealLabelHot, "Hot"}, {DealLabelWarm, "Warm"}, {DealLabelCold, "Cold"}}

var addressSubfields = []subfield{
	{"value", "Full address", "varchar"}, {"subpremise", "Apartment/suite no", "varchar"},
	{"street_number", "House number", "varchar"}, {"route", "Street/road name", "varchar"},
	{"sublocality", "District/sublocality", "varchar"}, {"locality", "City/town/village/locality", "varchar"},
	{"admin_area_level_1", "State/county", "varchar"}, {"admin_area_level_2", "Region", "varchar"},
	{"country", "Country", "varchar"}, {"postal_code", "ZIP/Postal code", "varchar"},
	{"formatted_address", "Full/combined address", "varchar"},
}

// personIncludeFields is the include_fields enum of the persons endpoints.
var personIncludeFields = []string{"next_activity_id", "last_activity_id", "open_deals_count", "related_open_deals_count",
	"closed_deals_count", "related_closed_deals_count", "participant_open_deals_count", "participant_closed_deals_count",
	"email_messages_count", "activities_count", "done_activities_count", "undone_activities_count", "files_count",
	"notes_count", "followers_count", "won_deals_count", "related_won_deals_count", "lost_deals_count",
	"related_lost_deals_count", "last_incoming_mail_time", "last_outgoing_mail_time", "marketing_status", "doi_status",
	"smart_bcc_email"}

// orgIncludeFields lists the organization optional fields (migration guide, organization object).
var orgIncludeFields = []string{"next_activity_id", "last_activity_id", "open_deals_count", "related_open_deals_count",
	"closed_deals_count", "related_closed_deals_count", "email_messages_count", "people_count", "activities_count",
	"done_activities_count", "undone_activities_count", "files_count", "notes_count", "followers_count",
	"won_deals_count", "related_won_deals_count", "lost_deals_count", "related_lost_deals_count", "smart_bcc_email"}

// dealIncludeFields is the include_fields enum of the deals endpoints (v2 spec, getDeals).
var dealIncludeFields = []string{"next_activity_id", "last_activity_id", "first_won_time", "products_count", "files_count",
	"notes_count", "followers_count", "email_messages_count", "activities_count", "done_activities_count",
	"undone_activities_count", "participants_count", "last_incoming_mail_time", "last_outgoing_mail_time",
	"smart_bcc_email", "source_lead_id"}

// activityIncludeFields is the include_fields enum of the activities endpoints.
var activityIncludeFields = []string{"attendees"}

func includeFieldsOf(k kind) []string {
	switch k {
	case kindOrg:
		return orgIncludeFields
	case kindDeal:
		return dealIncludeFields
	case kindActivity:
		return activityIncludeFields
	}
	return personIncludeFields
}

// optionalFields lists the include_fields that are fields of their own, as fieldDefs.
func optionalFields(k kind) []fieldDef {
	var f []fieldDef
	for _, c := range includeFieldsOf(k) {
		if c == "marketing_status" || c == "doi_status" || c == "smart_bcc_email" {
			continue // need the marketing app or are not fields of their own
		}
		f = append(f, fieldDef{Code: c, Name: strings.ReplaceAll(c, "_", " "), Type: optionalFieldType(c), Optional: true})
	}
	return f
}

func optionalFieldType(code string) string {
	switch {
	case strings.HasSuffix(code, "_count"):
		return "int"
	case strings.HasSuffix(code, "_time"):
		return "date"
	case strings.HasSuffix(code, "activity_id"):
		return "activity"
	}
	return "varchar"
}

// personFieldDefs lists system fields (v2 field responses include them) then custom fields.
func personFieldDefs(contactSync bool) []fieldDef {
	f := []fieldDef{
		{Code: "id", Name: "ID", Type: "int"},
		{Code: "name", Name: "Name", Type: "varchar", Required: true},
		{Code: "first_name", Name: "First name", Type: "varchar"},
		{Code: "last_name", Name: "Last name", Type: "varchar"},
		{Code: "owner_id", Name: "Owner", Type: "user"},
		{Code: "org_id", Name: "Organization", Type: "org"},
		{Code: "emails", Name: "Email", Type: "varchar"},
		{Code: "phones", Name: "Phone", Type: "phone"},
		{Code: "add_time", Name: "Person created", Type: "date"},
		{Code: "update_time", Name: "Update time", Type: "date"},
		{Code: "visible_to", Name: "Visible to", Type: "visible_to"},
		{Code: "label_ids", Name: "Labels", Type: "set", Options: labelOptions},
		{Code: "picture_id", Name: "Profile picture", Type: "picture"},
	}
	if contactSync {
		f = append(f,
			fieldDef{Code: "postal_address", Name: "Postal address", Type: "address", Subfields: addressSubfields},
			fieldDef{Code: "notes", Name: "Notes", Type: "text"},
			fieldDef{Code: "im", Name: "Instant messenger", Type: "varchar"},
			fieldDef{Code: "birthday", Name: "Birthday", Type: "date"},
			fieldDef{Code: "job_title", Name: "Job title", Type: "varchar"})
	}
	f = append(f, optionalFields(kindPerson)...)
	return append(f,
		fieldDef{Code: FieldCustomerType, Name: "Customer type", Type: "enum", Custom: true,
			Options: []option{{CustomerTypePrivate, "Private person"}, {CustomerTypeCompany, "Company"}, {CustomerTypeGovernment, "Government"}}},
		fieldDef{Code: FieldLeadSource, Name: "Lead source", Type: "varchar", Custom: true},
		fieldDef{Code: FieldInterests, Name: "Interests", Type: "set", Custom: true,
			Options: []option{{InterestNewsletter, "Newsletter"}, {InterestWebinars, "Webinars"}, {InterestEvents, "Events"}, {InterestPartnership, "Partnership"}}},
		fieldDef{Code: FieldLeadScore, Name: "Lead score", Type: "double", Custom: true},
		fieldDef{Code: FieldFirstContact, Name: "First contact", Type: "date", Custom: true},
		fieldDef{Code: FieldBudget, Name: "Budget", Type: "monetary", Custom: true,
			Subfields: []subfield{{"value", "Monetary value of Budget", "double"}, {"currency", "Currency of Budget", "varchar"}}},
	)
}

func orgFieldDefs() []fieldDef {
	f := []fieldDef{
		{Code: "id", Name: "ID", Type: "int"},
		{Code: "name", Name: "Name", Type: "varchar", Required: true},
		{Code: "owner_id", Name: "Owner", Type: "user"},
		{Code: "add_time", Name: "Organization created", Type: "date"},
		{Code: "update_time", Name: "Update time", Type: "date"},
		{Code: "visible_to", Name: "Visible to", Type: "visible_to"},
		{Code: "label_ids", Name: "Labels", Type: "set", Options: labelOptions},
		{Code: "address", Name: "Address", Type: "address", Subfields: addressSubfields},
		{Code: "website", Name: "Website", Type: "varchar"},
		{Code: "linkedin", Name: "LinkedIn profile", Type: "varchar"},
		{Code: "industry", Name: "Industry", Type: "enum", Options: []option{{1, "Technology"}, {2, "Finance"}, {3, "Retail"}, {4, "Healthcare"}, {5, "Manufacturing"}}},
		{Code: "annual_revenue", Name: "Annual revenue", Type: "int"},
		{Code: "employee_count", Name: "Number of employees", Type: "int"},
	}
	f = append(f, optionalFields(kindOrg)...)
	return append(f,
		fieldDef{Code: OrgFieldTier, Name: "Tier", Type: "enum", Custom: true,
			Options: []option{{TierGold, "Gold"}, {TierSilver, "Silver"}, {TierBronze, "Bronze"}}},
		fieldDef{Code: OrgFieldAccountNum, Name: "Account number", Type: "varchar", Custom: true},
	)
}

// dealFieldDefs lists the deal system fields with the v2 Deal schema's descriptions,
// then custom fields. field_type follows the spec's enum (stage, status, people,
// org, user); options stay null on them as the spec gives options to enum and set
// only. Field names are the app's labels and, with pipeline_id's type, [unverified].
func dealFieldDefs() []fieldDef {
	f := []fieldDef{
		{Code: "id", Name: "ID", Desc: "The ID of the deal", Type: "int"},
		{Code: "title", Name: "Title", Desc: "The title of the deal", Type: "varchar", Required: true},
		{Code: "value", Name: "Value", Desc: "The value of the deal", Type: "monetary",
			Subfields: []subfield{{"value", "Amount of Value", "double"}, {"currency", "Currency of Value", "varchar"}}},
		{Code: "owner_id", Name: "Owner", Desc: "The ID of the user who owns the deal", Type: "user"},
		{Code: "person_id", Name: "Contact person", Desc: "The ID of the person linked to the deal", Type: "people"},
		{Code: "org_id", Name: "Organization", Desc: "The ID of the organization linked to the deal", Type: "org"},
		{Code: "pipeline_id", Name: "Pipeline", Desc: "The ID of the pipeline associated with the deal", Type: "int"},
		{Code: "stage_id", Name: "Stage", Desc: "The ID of the deal stage", Type: "stage"},
		{Code: "status", Name: "Status", Desc: "The status of the deal", Type: "status"},
		{Code: "probability", Name: "Probability", Desc: "The success probability percentage of the deal", Type: "double"},
		{Code: "lost_reason", Name: "Lost reason", Desc: "The reason for losing the deal", Type: "varchar"},
		{Code: "visible_to", Name: "Visible to", Desc: "The visibility of the deal", Type: "visible_to"},
		{Code: "label_ids", Name: "Label", Desc: "The IDs of labels assigned to the deal", Type: "set", Options: dealLabelOptions},
		{Code: "expected_close_date", Name: "Expected close date", Desc: "The expected close date of the deal", Type: "date"},
		{Code: "add_time", Name: "Deal created", Desc: "The creation date and time of the deal", Type: "date"},
		{Code: "update_time", Name: "Update time", Desc: "The last updated date and time of the deal", Type: "date"},
		{Code: "stage_change_time", Name: "Last stage change", Desc: "The last updated date and time of the deal stage", Type: "date"},
		{Code: "close_time", Name: "Deal closed on", Desc: "The date and time of closing the deal", Type: "date"},
		{Code: "won_time", Name: "Won time", Desc: "The date and time of changing the deal status as won", Type: "date"},
		{Code: "lost_time", Name: "Lost time", Desc: "The date and time of changing the deal status as lost", Type: "date"},
		{Code: "origin", Name: "Source origin", Desc: "The way this Deal was created", Type: "varchar"},
		{Code: "origin_id", Name: "Source origin ID", Desc: "The optional ID to further distinguish the origin of the deal", Type: "varchar"},
		{Code: "channel", Name: "Source channel", Desc: "The ID of your Marketing channel this Deal was created from", Type: "enum", Options: []option{}},
		{Code: "channel_id", Name: "Source channel ID", Desc: "The optional ID to further distinguish the Marketing channel", Type: "varchar"},
	}
	f = append(f, optionalFields(kindDeal)...)
	return append(f,
		fieldDef{Code: DealFieldPriority, Name: "Priority", Type: "enum", Custom: true,
			Options: []option{{PriorityLow, "Low"}, {PriorityMedium, "Medium"}, {PriorityHigh, "High"}}},
		fieldDef{Code: DealFieldRenewal, Name: "Renewal date", Type: "date", Custom: true},
		fieldDef{Code: DealFieldRival, Name: "Main competitor", Type: "varchar", Custom: true},
		// A numerical custom field is "double": "int" is no type a custom field can
		// be given (v2 spec, AddDealFieldRequest field_type).
		fieldDef{Code: DealFieldTerm, Name: "Contract term (months)", Type: "double", Custom: true},
	)
}

// activityFieldDefs lists the fields of the v2 ActivityItem with the spec's
// descriptions (subject's is the activityFields example's). Activities have no custom
// fields in the v2 item. Field names and the types the spec does not show are
// [unverified]; type holds key strings, so it has no options.
func activityFieldDefs() []fieldDef {
	return []fieldDef{
		{Code: "id", Name: "ID", Desc: "The ID of the activity", Type: "int"},
		{Code: "subject", Name: "Subject", Desc: "The subject or title of the activity", Type: "varchar", Required: true},
		{Code: "type", Name: "Type", Desc: "The type of the activity", Type: "varchar"},
		{Code: "owner_id", Name: "Assigned to user", Desc: "The ID of the user who owns the activity", Type: "user"},
		{Code: "creator_user_id", Name: "Creator", Desc: "The ID of the user who created the activity", Type: "user"},
		{Code: "deal_id", Name: "Deal", Desc: "The ID of the deal linked to the activity", Type: "deal"},
		{Code: "lead_id", Name: "Lead", Desc: "The ID of the lead linked to the activity", Type: "lead"},
		{Code: "person_id", Name: "Contact person", Desc: "The ID of the person linked to the activity", Type: "people"},
		{Code: "org_id", Name: "Organization", Desc: "The ID of the organization linked to the activity", Type: "org"},
		{Code: "project_id", Name: "Project", Desc: "The ID of the project linked to the activity", Type: "project"},
		{Code: "due_date", Name: "Due date", Desc: "The due date of the activity", Type: "date"},
		{Code: "due_time", Name: "Due time", Desc: "The due time of the activity", Type: "time"},
		{Code: "duration", Name: "Duration", Desc: "The duration of the activity", Type: "time"},
		{Code: "busy", Name: "Free/busy", Desc: "Whether the activity marks the assignee as busy or not in their calendar", Type: "boolean"},
		{Code: "done", Name: "Done", Desc: "Whether the activity is marked as done or not", Type: "boolean"},
		{Code: "marked_as_done_time", Name: "Marked as done time", Desc: "The date and time when the activity was marked as done", Type: "date"},
		{Code: "location", Name: "Location", Desc: "Location of the activity", Type: "address", Subfields: addressSubfields},
		{Code: "participants", Name: "Participants", Desc: "The participants of the activity", Type: "people"},
		{Code: "attendees", Name: "Guests", Desc: "The attendees of the activity", Type: "json", Optional: true},
		{Code: "public_description", Name: "Description", Desc: "The public description of the activity", Type: "text"},
		{Code: "priority", Name: "Priority", Desc: "The priority of the activity", Type: "enum",
			Options: []option{{ActivityPriorityHigh, "High"}, {ActivityPriorityMedium, "Medium"}, {ActivityPriorityLow, "Low"}}},
		{Code: "note", Name: "Note", Desc: "The note of the activity", Type: "text"},
		{Code: "add_time", Name: "Add time", Desc: "The creation date and time of the activity", Type: "date"},
		{Code: "update_time", Name: "Update time", Desc: "The last updated date and time of the activity", Type: "date"},
	}
}

func (s *Sim) fieldsOf(k kind) []fieldDef {
	switch k {
	case kindOrg:
		return s.ofields
	case kindDeal:
		return s.dfields
	case kindActivity:
		return s.afields
	}
	return s.pfields
}

// customField returns the custom field with code, or nil.
func (s *Sim) customField(k kind, code string) *fieldDef {
	for i, f := range s.fieldsOf(k) {
		if f.Custom && f.Code == code {
			return &s.fieldsOf(k)[i]
		}
	}
	return nil
}

func (f *fieldDef) hasOption(id int64) bool {
	for _, o := range f.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// parseCustom validates one custom field value in v2's format (migration guide,
// "Custom Fields"); nil means clear. Numbers stay json.Number so they render exactly.
func (f *fieldDef) parseCustom(raw json.RawMessage) (any, error) {
	if isNull(raw) {
		return nil, nil
	}
	where := "custom_fields." + f.Code
	switch f.Type {
	case "varchar", "text", "varchar_auto", "phone":
		return parseStringValue(raw, where)
	case "double":
		return parseNumber(raw, where)
	case "int":
		n, err := parseInt(raw, where)
		return json.Number(fmt.Sprint(n)), err
	case "enum":
		id, err := parseInt(raw, where)
		if err != nil {
			return nil, fmt.Errorf("%s must be an option id (integer): %w", where, err)
		}
		if !f.hasOption(id) {
			return nil, fmt.Errorf("%s: option %d does not exist", where, id)
		}
		return id, nil
	case "set":
		// v2 reads and writes a multiple-option value as its option ids in an
		// array of numbers, [123, 456] (migration guide, "Multiple Option Custom
		// Field Format Changes"); v1's was "123,456". The guide says nothing of
		// clearing one: Pipedrive answers [] with 400 "Expected non-empty 'array'
		// as value for multi options custom field '<key>'. Use null to clear the
		// field.", and null clears [2nd: a user's measurement against a live
		// company, 2026-08-17; pipedrive/client-nodejs issue #721 of 2026-03-26
		// saw [] refused too, and null as well, before that].
		var ids []json.Number
		if err := json.Unmarshal(raw, &ids); err != nil {
			return nil, fmt.Errorf("%s must be an array of option ids", where)
		}
		if len(ids) == 0 { // use null to clear, [] is a validation error
			return nil, fmt.Errorf("%s: an empty array is not supported, use null to clear the selection", where)
		}
		out := make([]int64, 0, len(ids))
		for _, n := range ids {
			id, err := n.Int64()
			if err != nil || !f.hasOption(id) {
				return nil, fmt.Errorf("%s: option %s does not exist", where, n)
			}
			out = append(out, id)
		}
		return out, nil
	case "date":
		v, err := parseStringValue(raw, where)
		if err == nil {
			err = checkDate(v, where)
		}
		return v, err
	case "monetary":
		obj, err := parseObject(raw, where, "value", "currency")
		if err != nil {
			return nil, err
		}
		v, ok := obj["value"]
		if !ok {
			return nil, fmt.Errorf("%s.value is required", where)
		}
		num, err := parseNumber(v, where+".value")
		if err != nil {
			return nil, err
		}
		out := map[string]any{"value": num, "currency": nil}
		if c, ok := obj["currency"]; ok && !isNull(c) {
			cur, err := parseStringValue(c, where+".currency")
			if err != nil {
				return nil, err
			}
			out["currency"] = cur
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: field type %s cannot be written", where, f.Type)
}

// renderField is the v2 field object; ui_visibility, important_fields and
// required_fields only come with include_fields.
func renderField(k kind, f fieldDef, include map[string]bool) map[string]any {
	m := map[string]any{"field_code": f.Code, "field_name": f.Name, "field_type": f.Type,
		"options": nil, "subfields": nil, "is_custom_field": f.Custom, "is_optional_response_field": f.Optional}
	if f.Options != nil {
		m["options"] = f.Options
	}
	if f.Subfields != nil {
		m["subfields"] = f.Subfields
	}
	if k == kindDeal || k == kindActivity {
		m["description"] = f.Desc
	}
	if include["ui_visibility"] {
		ui := map[string]any{"add_visible_flag": f.Required || f.Custom, "details_visible_flag": !f.Optional}
		switch k {
		case kindActivity: // the activityFields shape has the two flags only
		case kindDeal: // the dealFields shape: pipelines instead of the add-deal dialog
			ui["projects_detail_visible_flag"] = false
			ui["show_in_pipelines"] = map[string]any{"show_in_all": true, "pipeline_ids": []int64{}}
		case kindOrg:
			ui["show_in_add_person_dialog"] = map[string]any{"show": false, "order": nil}
			fallthrough
		default:
			ui["show_in_add_deal_dialog"] = map[string]any{"show": false, "order": nil}
		}
		m["ui_visibility"] = ui
	}
	if include["important_fields"] {
		m["important_fields"] = map[string]any{"enabled": false, "stage_ids": []int64{}}
	}
	if include["required_fields"] {
		req := map[string]any{"enabled": f.Required}
		if k == kindDeal { // deals may require a field per stage or status
			req["stage_ids"], req["statuses"] = []int64{}, map[string]any{}
		}
		m["required_fields"] = req
	}
	return m
}

// fieldIncludesOf is the include_fields enum of a kind's fields endpoints;
// activityFields offers ui_visibility only.
func fieldIncludesOf(k kind) []string {
	if k == kindActivity {
		return []string{"ui_visibility"}
	}
	return []string{"ui_visibility", "important_fields", "required_fields"}
}

func parseFieldIncludes(k kind, q string) (map[string]bool, error) {
	out := map[string]bool{}
	allowed := fieldIncludesOf(k)
	for _, v := range splitList(q) {
		if !contains(allowed, v) {
			return nil, fmt.Errorf("include_fields: %q is not one of %s", v, strings.Join(allowed, ", "))
		}
		out[v] = true
	}
	return out, nil
}

// handleFields serves GET /api/v2/personFields, /api/v2/organizationFields,
// /api/v2/dealFields and /api/v2/activityFields.
func (s *Sim) handleFields(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		include, err := parseFieldIncludes(k, q.Get("include_fields"))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		pg, err := s.parseOffsetPage(q)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.mu.RLock()
		defs := s.fieldsOf(k) // an admin's deletion replaces the list (goapi_fields.go)
		s.mu.RUnlock()
		start, end, next := pg.window(len(defs))
		out := make([]map[string]any, 0, end-start)
		for _, f := range defs[start:end] {
			out = append(out, renderField(k, f, include))
		}
		writePage(w, out, next)
	}
}

// handleField serves GET /api/v2/personFields/{field_code} and its organization, deal
// and activity twins.
func (s *Sim) handleField(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		include, err := parseFieldIncludes(k, r.URL.Query().Get("include_fields"))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		code := r.PathValue("field_code")
		s.mu.RLock()
		defs := s.fieldsOf(k)
		s.mu.RUnlock()
		for _, f := range defs {
			if f.Code == code {
				writeData(w, renderField(k, f, include))
				return
			}
		}
		writeError(w, http.StatusNotFound, "Field not found")
	}
}
