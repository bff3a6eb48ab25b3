package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Names of the ready-made syncs the window refers to: the contacts sync,
// whose preview opens first, and the syncs its first screens mention.
const (
	DemoContactsName          = "demo-contacts"
	DemoCompaniesName         = "demo-companies"
	DemoDealsName             = "demo-deals"
	DemoPipedriveContactsName = "demo-hubspot-pipedrive"
)

// DemoPipedriveSync is the ready-made two-way contacts sync between HubSpot
// contacts and Pipedrive persons, matched by email. A Pipedrive person has
// one name (its first and last name are read-only parts), so HubSpot's
// first and last name map to it joined, and a name changed in Pipedrive is
// split back before its last word (the mapping's split). The primary email
// and phone are synced; a person's other emails and phones stay as they
// are. With companies set, a contact's primary company and a person's
// organization go through that sync's links (DemoPipedriveCompaniesSync),
// and the owner goes with it, people matched by email (DemoOwner).
func DemoPipedriveSync(name, hubspotConn, pipedriveConn, companies string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: pipedriveConn, Object: "persons"},
		engine.MatchRule{A: "email", B: "email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "email", Transform: "lower"},
			{A: "firstname+lastname", B: "name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "phone", Transform: "e164"},
		})
	if companies != "" {
		def.Fields = append(def.Fields, demoRef("associatedcompanyid", "org_id", companies), DemoOwner("owner_id"))
	}
	return def
}

// DemoPipedriveCompaniesSync is the ready-made two-way sync between HubSpot
// companies and Pipedrive organizations, matched by name (normalizer
// "name": "Acme, Inc." is "ACME Inc"): an organization has no web domain
// field in API v2.
func DemoPipedriveCompaniesSync(name, hubspotConn, pipedriveConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: pipedriveConn, Object: "organizations"},
		engine.MatchRule{A: "name", B: "name", Normalize: "name"},
		[]mapping.Field{
			{A: "name", B: "name", Rule: mapping.UnlessBlank},
			DemoOwner("owner_id"),
		})
}

// pipedriveStages maps the sandbox's HubSpot deal stages to the stages of
// Pipedrive's default pipeline. Won and lost are a Pipedrive deal's status,
// not a stage: a HubSpot deal closed won or lost stays in the last stage
// with its status set (pipedriveStatus), and a Pipedrive stage comes back
// as the open HubSpot stage it stands for (pipedriveStagesBack).
var (
	pipedriveStages = map[string]string{
		"qualifiedtobuy":        "1", // Qualified
		"appointmentscheduled":  "2", // Contact Made
		"presentationscheduled": "3", // Demo Scheduled
		"contractsent":          "4", // Proposal Made
		"decisionmakerboughtin": "5", // Negotiations Started
		"closedwon":             "5",
		"closedlost":            "5",
	}
	pipedriveStagesBack = map[string]string{
		"1": "qualifiedtobuy", "2": "appointmentscheduled", "3": "presentationscheduled", "4": "contractsent", "5": "decisionmakerboughtin",
	}
	pipedriveStatus = map[string]string{
		"closedwon": "won", "closedlost": "lost",
		"qualifiedtobuy": "open", "appointmentscheduled": "open", "presentationscheduled": "open", "contractsent": "open", "decisionmakerboughtin": "open",
	}
)

// DemoPipedriveDealsSync is the ready-made two-way deals sync between
// HubSpot and Pipedrive, matched by name: the amount is the deal's value,
// in its currency,
// the stage goes through a value map both ways (pipedriveStages and back),
// a HubSpot deal closed won or lost sets the Pipedrive deal's status (one
// way: Pipedrive's won deal keeps its stage), the close date is a date in
// UTC, and each deal's company goes through the links of the companies
// sync named (DemoPipedriveCompaniesSync).
func DemoPipedriveDealsSync(name, hubspotConn, pipedriveConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, pipedriveConn, companies,
		dealFields{object: "deals", name: "title", amount: "value", stage: "stage_id", close: "expected_close_date", company: "org_id", owner: "owner_id",
			stages: pipedriveStages, stagesBack: pipedriveStagesBack, amountDefault: "0", // every Pipedrive deal has a value
			extra: []mapping.Field{{A: "dealstage", B: "status", Direction: mapping.AtoB, Transform: "map", ValueMap: pipedriveStatus, Rule: mapping.UnlessBlank},
				// The amount's currency goes with it, so 5,000 EUR is never
				// written as 5,000 in the other CRM's default currency. A
				// blank HubSpot currency is the company currency, USD in
				// both sandboxes: written so on a deal the sync creates,
				// Pipedrive's own default never comes back as a change.
				// Together with the amount: 900 JPY the portal refuses
				// must not arrive as 900 in the old currency.
				{A: "deal_currency_code", B: "currency", Rule: mapping.UnlessBlank, Default: "USD", Together: "amount"}}})
}

// hubspotTaskDone says which HubSpot task statuses mean a Pipedrive
// activity is done: five statuses, one flag. The flag comes back through
// hubspotTaskDoneBack: done is COMPLETED, not done NOT_STARTED. The merge
// compares the flag, so a task IN_PROGRESS, WAITING or DEFERRED keeps its
// status until the activity is marked done or re-opened.
var (
	hubspotTaskDone = map[string]string{
		"COMPLETED": "true", "NOT_STARTED": "false", "IN_PROGRESS": "false", "WAITING": "false", "DEFERRED": "false",
	}
	hubspotTaskDoneBack = map[string]string{"true": "COMPLETED", "false": "NOT_STARTED"}
)

// DemoPipedriveTasksSync is the ready-made two-way sync between HubSpot
// tasks and Pipedrive activities of type task, matched by subject, each
// linked to its person through the links of the contacts sync named
// (DemoPipedriveSync): HubSpot's task contact, Pipedrive's primary
// participant. The due date is a date in UTC (in the portal's time zone
// through App.ReadyMadeSyncs); a HubSpot task's status and the activity's
// done flag go both ways (hubspotTaskDone and back): an activity marked
// done in Pipedrive completes its task, one re-opened there makes it not
// started, and a task created from an activity is completed or not
// started as the activity is done or not.
func DemoPipedriveTasksSync(name, hubspotConn, pipedriveConn, contacts string) engine.Definition {
	return pipedriveActivitySync(name, hubspotConn, pipedriveConn, contacts, "tasks", "task", "hs_task_subject",
		mapping.Field{A: "hs_timestamp", B: "due_date", Transform: "date:UTC", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_task_body", B: "note"},
		mapping.Field{A: "hs_task_status", B: "done", Transform: "map", ValueMap: hubspotTaskDone, Rule: mapping.UnlessBlank,
			ReverseTransform: "map", ReverseValueMap: hubspotTaskDoneBack})
}

// pipedriveActivitySync is the shape the Pipedrive activity syncs share: a
// HubSpot activity object ↔ Pipedrive activities of one type, matched by
// title, its person the contacts sync's link; the type filters the
// activities read and is written on those created.
func pipedriveActivitySync(name, hubspotConn, pipedriveConn, contacts, object, typ, title string, fields ...mapping.Field) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: object},
		engine.SideDef{Connection: pipedriveConn, Object: "activities"},
		engine.MatchRule{A: title, B: "subject", Normalize: "lower"},
		append([]mapping.Field{
			{A: title, B: "subject", Rule: mapping.UnlessBlank},
			{B: "type", Transform: "const:" + typ},
			demoRef("associations.contact", "person_id", contacts),
			DemoOwner("owner_id"), // assigned to
		}, fields...))
	def.Filters.B = []engine.Filter{{Field: "type", Op: "eq", Value: typ}}
	return def
}

// DemoPipedriveCallsSync is the ready-made two-way sync between HubSpot
// calls and Pipedrive activities of type call, matched by title, each
// linked to its person like the tasks (DemoPipedriveTasksSync). The call's
// date is the activity's due date in UTC (in the portal's time zone
// through App.ReadyMadeSyncs), and its duration, milliseconds
// in HubSpot, is HH:MM in Pipedrive, to the minute.
func DemoPipedriveCallsSync(name, hubspotConn, pipedriveConn, contacts string) engine.Definition {
	return pipedriveActivitySync(name, hubspotConn, pipedriveConn, contacts, "calls", "call", "hs_call_title",
		mapping.Field{A: "hs_timestamp", B: "due_date", Transform: "date:UTC", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_call_body", B: "note"},
		mapping.Field{A: "hs_call_duration", B: "duration", Transform: "hhmm:ms"})
}

// DemoPipedriveMeetingsSync is the ready-made two-way sync between HubSpot
// meetings and Pipedrive activities of type meeting, matched by title,
// each linked to its person like the tasks. The meeting's start is the
// activity's due date and time, in UTC to the minute. Pipedrive keeps a
// length, not an end: the meeting's start and end make the activity's
// duration (span), one way, since a length cannot say which end moved; and
// the activity's start and length make the end of a meeting it brings to
// HubSpot, or changes there (endat), one way too, since an end cannot say
// when it started. Salesforce, Zoho and Dataverse need a meeting's end.
func DemoPipedriveMeetingsSync(name, hubspotConn, pipedriveConn, contacts string) engine.Definition {
	return pipedriveActivitySync(name, hubspotConn, pipedriveConn, contacts, "meetings", "meeting", "hs_meeting_title",
		mapping.Field{A: "hs_meeting_start_time", B: "due_date+due_time", Transform: "wallclock:UTC", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_meeting_start_time+hs_meeting_end_time", B: "duration", Direction: mapping.AtoB, Transform: "span", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_meeting_end_time", B: "due_date+due_time+duration", Direction: mapping.BtoA, Transform: "endat:UTC", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_meeting_body", B: "note"})
}

// DemoPipedriveNotesSync is the ready-made two-way sync between HubSpot
// notes and Pipedrive notes on persons, matched by their text, each on the
// person linked to its contact through the contacts sync named
// (DemoPipedriveSync). Both keep HTML, so the content is copied as is. A
// note's person, like a Salesforce Note's parent (DemoNotesSync), is set
// on create only, so a note waits, uncreated, until its contact or person
// is linked; and a note created from Pipedrive is dated at its add_time.
// A HubSpot note with no text is left out: Pipedrive needs content.
func DemoPipedriveNotesSync(name, hubspotConn, pipedriveConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, pipedriveConn, contacts,
		noteSide{object: "notes", body: "content", created: "add_time", parent: "person_id"})
	def.Filters.A = append(def.Filters.A, engine.Filter{Field: "hs_note_body", Op: "not-empty"})
	def.Filters.B = []engine.Filter{{Field: "person_id", Op: "not-empty"}}
	return def
}
