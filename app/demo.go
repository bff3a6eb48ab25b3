package app

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// DemoContacts is how many contacts the in-app sandbox seeds per vendor.
const DemoContacts = 200

// StartSandbox starts the HubSpot and Salesforce simulators in-process on a
// free 127.0.0.1 port, with the vendors' real rate limits.
func StartSandbox(ctx context.Context, contacts int) (*sandbox.Server, error) {
	if contacts <= 0 {
		contacts = DemoContacts
	}
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 1, Contacts: contacts, RateLimits: true})
	if err != nil {
		return nil, fmt.Errorf("start the sandbox: %w", err)
	}
	return srv, nil
}

// ConnectSandbox connects one sandbox vendor through the real loopback OAuth
// flow, exactly as a real CRM would be connected.
func (a *App) ConnectSandbox(ctx context.Context, srv *sandbox.Server, vendor, name string, onURL func(string)) (store.Connection, error) {
	for _, v := range srv.Vendors() {
		if v.Vendor != vendor {
			continue
		}
		return a.Connect(ctx, ConnectRequest{
			Vendor: vendor, Name: name, ClientID: v.ClientID, ClientSecret: v.ClientSecret,
			APIBase: v.APIBase, AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL,
			OnURL: onURL,
		})
	}
	return store.Connection{}, fmt.Errorf("the sandbox has no vendor %q", vendor)
}

// DemoConnections names the sandbox's connection of each vendor.
type DemoConnections struct{ HubSpot, Salesforce, Pipedrive, Zoho, Dynamics string }

// Names of the ready-made syncs the window refers to: the contacts sync,
// whose preview opens first, and the syncs its first screens mention.
const (
	DemoContactsName          = "demo-contacts"
	DemoCompaniesName         = "demo-companies"
	DemoDealsName             = "demo-deals"
	DemoPipedriveContactsName = "demo-hubspot-pipedrive"
)

// DemoSyncs are the ready-made two-way syncs Try the sandbox offers:
// HubSpot ↔ each other CRM's companies, contacts, deals, tasks, meetings,
// calls and notes. In each group companies come first, since contacts and
// deals link through them, and activities after the contacts they link
// through.
func DemoSyncs(c DemoConnections) []engine.Definition {
	hs := c.HubSpot
	pdOrgs, pdPeople := "demo-hubspot-pipedrive-companies", DemoPipedriveContactsName
	zcAccts, zcPeople := "demo-hubspot-zoho-accounts", "demo-hubspot-zoho"
	dvAccts, dvPeople := "demo-hubspot-dynamics-accounts", "demo-hubspot-dynamics"
	return []engine.Definition{
		DemoCompaniesSync(DemoCompaniesName, hs, c.Salesforce),
		DemoSyncWithCompanies(DemoContactsName, hs, c.Salesforce, DemoCompaniesName),
		DemoDealsSync(DemoDealsName, hs, c.Salesforce, DemoCompaniesName),
		DemoTasksSync("demo-tasks", hs, c.Salesforce, DemoContactsName),
		DemoMeetingsSync("demo-meetings", hs, c.Salesforce, DemoContactsName),
		DemoCallsSync("demo-calls", hs, c.Salesforce, DemoContactsName),
		DemoNotesSync("demo-notes", hs, c.Salesforce, DemoContactsName),
		DemoPipedriveCompaniesSync(pdOrgs, hs, c.Pipedrive),
		DemoPipedriveSync(pdPeople, hs, c.Pipedrive, pdOrgs),
		DemoPipedriveDealsSync("demo-hubspot-pipedrive-deals", hs, c.Pipedrive, pdOrgs),
		DemoPipedriveTasksSync("demo-hubspot-pipedrive-tasks", hs, c.Pipedrive, pdPeople),
		DemoPipedriveCallsSync("demo-hubspot-pipedrive-calls", hs, c.Pipedrive, pdPeople),
		DemoPipedriveMeetingsSync("demo-hubspot-pipedrive-meetings", hs, c.Pipedrive, pdPeople),
		DemoPipedriveNotesSync("demo-hubspot-pipedrive-notes", hs, c.Pipedrive, pdPeople),
		DemoZohoCompaniesSync(zcAccts, hs, c.Zoho),
		DemoZohoSyncWithAccounts(zcPeople, hs, c.Zoho, zcAccts),
		DemoZohoDealsSync("demo-hubspot-zoho-deals", hs, c.Zoho, zcAccts),
		DemoZohoTasksSync("demo-hubspot-zoho-tasks", hs, c.Zoho, zcPeople),
		DemoZohoCallsSync("demo-hubspot-zoho-calls", hs, c.Zoho, zcPeople),
		DemoZohoMeetingsSync("demo-hubspot-zoho-meetings", hs, c.Zoho, zcPeople),
		DemoZohoNotesSync("demo-hubspot-zoho-notes", hs, c.Zoho, zcPeople),
		DemoDynamicsCompaniesSync(dvAccts, hs, c.Dynamics),
		DemoDynamicsSync(dvPeople, hs, c.Dynamics, dvAccts),
		DemoDynamicsDealsSync("demo-hubspot-dynamics-deals", hs, c.Dynamics, dvAccts),
		DemoDynamicsTasksSync("demo-hubspot-dynamics-tasks", hs, c.Dynamics, dvPeople),
		DemoDynamicsCallsSync("demo-hubspot-dynamics-calls", hs, c.Dynamics, dvPeople),
		DemoDynamicsMeetingsSync("demo-hubspot-dynamics-meetings", hs, c.Dynamics, dvPeople),
		DemoDynamicsNotesSync("demo-hubspot-dynamics-notes", hs, c.Dynamics, dvPeople),
	}
}

// DemoSync is the ready-made two-way contacts sync offered after the
// sandbox is connected: HubSpot contacts ↔ Salesforce Contacts by email.
func DemoSync(name, hubspotConn, salesforceConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: salesforceConn, Object: "Contact"},
		engine.MatchRule{A: "email", B: "Email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "FirstName"},
			{A: "lastname", B: "LastName", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Title", Rule: mapping.UnlessBlank},
			{A: "city", B: "MailingCity", Rule: mapping.UnlessBlank},
		})
}

// DemoSyncWithCompanies is DemoSync plus each contact's company, both ways:
// a HubSpot contact's primary company and a Salesforce Contact's Account,
// translated through the links of the companies sync named (see
// DemoCompaniesSync), which must be saved first. A company that sync has
// not linked yet waits, and is written once it is linked.
func DemoSyncWithCompanies(name, hubspotConn, salesforceConn, companies string) engine.Definition {
	def := DemoSync(name, hubspotConn, salesforceConn)
	def.Fields = append(def.Fields, mapping.Field{A: "associatedcompanyid", B: "AccountId", Transform: "link:" + companies})
	return def
}

// DemoCompaniesSync is the ready-made two-way companies sync: HubSpot
// companies ↔ Salesforce Accounts, matched by web domain ("acme.com" and
// "https://www.acme.com/" are one domain). The domain itself is only a
// match key, not a synced field: HubSpot wants a bare domain where
// Salesforce keeps a URL, and no transform turns one into the other.
func DemoCompaniesSync(name, hubspotConn, salesforceConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: salesforceConn, Object: "Account"},
		engine.MatchRule{A: "domain", B: "Website", Normalize: "domain"},
		[]mapping.Field{
			{A: "name", B: "Name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "city", B: "BillingCity", Rule: mapping.UnlessBlank},
		})
}

// demoStages maps the sandbox's HubSpot deal stages (the default pipeline)
// to the Salesforce Opportunity stages they stand for, one to one.
var demoStages = map[string]string{
	"appointmentscheduled":  "Prospecting",
	"qualifiedtobuy":        "Qualification",
	"presentationscheduled": "Proposal/Price Quote",
	"contractsent":          "Negotiation/Review",
	"closedwon":             "Closed Won",
	"closedlost":            "Closed Lost",
}

// DemoDealsSync is the ready-made two-way deals sync: HubSpot deals ↔
// Salesforce Opportunities, matched by name. The stage goes through a value
// map, the close date is a date in UTC, and each deal's company is
// translated through the links of the companies sync named (see
// DemoCompaniesSync), which must be saved first. A stage the map does not
// name goes to review as a value the other CRM would reject.
func DemoDealsSync(name, hubspotConn, salesforceConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, salesforceConn, companies,
		dealFields{object: "Opportunity", name: "Name", amount: "Amount", stage: "StageName", close: "CloseDate", company: "AccountId", stages: demoStages})
}

// dealFields names the other CRM's deal fields a HubSpot deals sync maps,
// and its stages for HubSpot's.
type dealFields struct {
	object, name, amount, stage, close, company string
	stages                                      map[string]string
	// stagesBack maps the other CRM's stages back, where stages is not one
	// to one; extra rows follow the shared ones.
	stagesBack map[string]string
	extra      []mapping.Field
}

// hubspotDealsSync is the shape both ready-made deals syncs share: matched
// by name, the amount as a number, the stage through a value map, the close
// date as a date in UTC and the company through the companies sync's links.
func hubspotDealsSync(name, hubspotConn, otherConn, companies string, f dealFields) engine.Definition {
	stage := mapping.Field{A: "dealstage", B: f.stage, Transform: "map", ValueMap: f.stages, Rule: mapping.UnlessBlank}
	if f.stagesBack != nil {
		stage.ReverseTransform, stage.ReverseValueMap = "map", f.stagesBack
	}
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "deals"},
		engine.SideDef{Connection: otherConn, Object: f.object},
		engine.MatchRule{A: "dealname", B: f.name, Normalize: "lower"},
		append([]mapping.Field{
			{A: "dealname", B: f.name, Rule: mapping.UnlessBlank},
			{A: "amount", B: f.amount, Transform: "number"},
			stage,
			{A: "closedate", B: f.close, Transform: "date:UTC", Rule: mapping.UnlessBlank},
			{A: "associations.company", B: f.company, Transform: "link:" + companies},
		}, f.extra...))
}

// DemoPipedriveSync is the ready-made two-way contacts sync between HubSpot
// contacts and Pipedrive persons, matched by email. A Pipedrive person has
// one name (its first and last name are read-only parts), so HubSpot's
// first and last name map to it joined, and a name changed in Pipedrive is
// split back before its last word (the mapping's split). The primary email
// and phone are synced; a person's other emails and phones stay as they
// are. With companies set, a contact's primary company and a person's
// organization go through that sync's links (DemoPipedriveCompaniesSync).
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
		def.Fields = append(def.Fields, mapping.Field{A: "associatedcompanyid", B: "org_id", Transform: "link:" + companies})
	}
	return def
}

// DemoZohoCompaniesSync is the ready-made two-way sync between HubSpot
// companies and Zoho CRM Accounts, matched by web domain.
func DemoZohoCompaniesSync(name, hubspotConn, zohoConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: zohoConn, Object: "Accounts"},
		engine.MatchRule{A: "domain", B: "Website", Normalize: "domain"},
		[]mapping.Field{
			{A: "name", B: "Account_Name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "city", B: "Billing_City", Rule: mapping.UnlessBlank},
		})
}

// zohoStages maps the sandbox's HubSpot deal stages to the stages of Zoho
// CRM's standard deal layout, and zohoStagesBack maps each Zoho stage back
// to the HubSpot stage it stands for: Zoho has more stages, so each way has
// its own map.
var (
	zohoStages = map[string]string{
		"appointmentscheduled": "Qualification", "qualifiedtobuy": "Needs Analysis",
		"presentationscheduled": "Value Proposition", "decisionmakerboughtin": "Identify Decision Makers",
		"contractsent": "Proposal/Price Quote", "closedwon": "Closed Won", "closedlost": "Closed Lost",
	}
	zohoStagesBack = map[string]string{
		"Qualification": "appointmentscheduled", "Needs Analysis": "qualifiedtobuy",
		"Value Proposition": "presentationscheduled", "Identify Decision Makers": "decisionmakerboughtin",
		"Proposal/Price Quote": "contractsent", "Negotiation/Review": "contractsent",
		"Closed Won": "closedwon", "Closed Lost": "closedlost", "Closed-Lost to Competition": "closedlost",
	}
)

// DemoZohoDealsSync is the ready-made two-way sync between HubSpot deals
// and Zoho CRM Deals, matched by name: the amount, the stage through a
// value map each way, the close date as Zoho's closing date (a date in
// UTC), and each deal's company as its Account_Name, through the links of
// the companies sync named (DemoZohoCompaniesSync).
func DemoZohoDealsSync(name, hubspotConn, zohoConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, zohoConn, companies,
		dealFields{object: "Deals", name: "Deal_Name", amount: "Amount", stage: "Stage", close: "Closing_Date",
			company: "Account_Name", stages: zohoStages, stagesBack: zohoStagesBack})
}

// DemoZohoTasksSync is the ready-made two-way sync between HubSpot tasks
// and Zoho CRM Tasks, matched by subject, each on its contact (Zoho's
// Who_Id) through the links of the contacts sync named (DemoZohoSync).
// HubSpot's body is HTML and Zoho's description plain text; status and
// priority go through value maps (Zoho's Highest and Lowest come back as
// HubSpot's High and Low); the due date is a date in UTC.
func DemoZohoTasksSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	priority := mapping.Field{A: "hs_task_priority", B: "Priority", Transform: "map", Rule: mapping.UnlessBlank,
		ValueMap:         map[string]string{"LOW": "Low", "MEDIUM": "Normal", "HIGH": "High"},
		ReverseTransform: "map", ReverseValueMap: map[string]string{"Lowest": "LOW", "Low": "LOW", "Normal": "MEDIUM", "High": "HIGH", "Highest": "HIGH"}}
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "tasks"},
		engine.SideDef{Connection: zohoConn, Object: "Tasks"},
		engine.MatchRule{A: "hs_task_subject", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_task_subject", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_task_body", B: "Description", Transform: "text"},
			{A: "hs_task_status", B: "Status", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{
				"NOT_STARTED": "Not Started", "IN_PROGRESS": "In Progress", "COMPLETED": "Completed",
				"WAITING": "Waiting for input", "DEFERRED": "Deferred"}},
			priority,
			{A: "hs_timestamp", B: "Due_Date", Transform: "date:UTC", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "Who_Id", Transform: "link:" + contacts},
		})
}

// DemoZohoCallsSync is the ready-made two-way sync between HubSpot calls
// and Zoho CRM Calls, matched by title, each on its contact (Who_Id)
// through the links of the contacts sync named (DemoZohoSync). A Zoho
// call's type is set when it is created and never changed (Zoho refuses
// that), a HubSpot call with no direction goes to Zoho as outbound (Zoho
// needs a type), and a missed call arrives in HubSpot as inbound; the duration goes
// from HubSpot's milliseconds to Zoho's MM:SS, and the call's time is its
// start.
func DemoZohoCallsSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "calls"},
		engine.SideDef{Connection: zohoConn, Object: "Calls"},
		engine.MatchRule{A: "hs_call_title", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_call_title", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_call_body", B: "Description", Transform: "text"},
			{A: "hs_call_direction", B: "Call_Type", Transform: "map", Rule: mapping.OnCreate,
				ValueMap:         map[string]string{"INBOUND": "Inbound", "OUTBOUND": "Outbound"},
				ReverseTransform: "map", ReverseValueMap: map[string]string{"Inbound": "INBOUND", "Missed": "INBOUND", "Outbound": "OUTBOUND"},
				Default: "Outbound"},
			{A: "hs_call_duration", B: "Call_Duration", Transform: "mmss:ms", Rule: mapping.UnlessBlank},
			{A: "hs_timestamp", B: "Call_Start_Time", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "Who_Id", Transform: "link:" + contacts},
		})
}

// DemoZohoMeetingsSync is the ready-made two-way sync between HubSpot
// meetings and Zoho CRM meetings (the Events module), matched by title,
// each on its contact (Who_Id) through the links of the contacts sync
// named (DemoZohoSync); start and end are instants both sides.
func DemoZohoMeetingsSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "meetings"},
		engine.SideDef{Connection: zohoConn, Object: "Events"},
		engine.MatchRule{A: "hs_meeting_title", B: "Event_Title", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_meeting_title", B: "Event_Title", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_body", B: "Description", Transform: "text"},
			{A: "hs_meeting_location", B: "Venue"},
			{A: "hs_meeting_start_time", B: "Start_DateTime", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_end_time", B: "End_DateTime", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "Who_Id", Transform: "link:" + contacts},
		})
}

// DemoZohoNotesSync is the ready-made two-way sync between HubSpot notes
// and Zoho CRM notes on contacts, matched by their text, each on the
// contact linked to its own through the contacts sync named (DemoZohoSync),
// as DemoNotesSync does with Salesforce: the text both ways (HTML in
// HubSpot, plain text in Note_Content), the parent (Parent_Id, with its
// module) and the date on create only; a note made from HubSpot takes its
// first line as its title.
func DemoZohoNotesSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, zohoConn, contacts,
		noteSide{object: "Notes", body: "Note_Content", bodyTransform: "text", created: "Created_Time", parent: "Parent_Id.Contacts"},
		mapping.Field{A: "hs_note_body", B: "Note_Title", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate})
	def.Filters.B = []engine.Filter{{Field: "Parent_Id.Contacts", Op: "not-empty"}}
	return def
}

// DemoZohoSyncWithAccounts is DemoZohoSync with each contact's primary
// company and its Zoho account (Account_Name, a lookup) going through the
// links of the companies sync named (DemoZohoCompaniesSync).
func DemoZohoSyncWithAccounts(name, hubspotConn, zohoConn, companies string) engine.Definition {
	def := DemoZohoSync(name, hubspotConn, zohoConn)
	def.Fields = append(def.Fields, mapping.Field{A: "associatedcompanyid", B: "Account_Name", Transform: "link:" + companies})
	return def
}

// DemoZohoSync is the ready-made two-way sync between HubSpot contacts and
// Zoho CRM Contacts, matched by email. Zoho needs a last name, so a blank
// one never overwrites it; a Zoho contact created from HubSpot is upserted
// by its email, Zoho's own duplicate check.
func DemoZohoSync(name, hubspotConn, zohoConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: zohoConn, Object: "Contacts"},
		engine.MatchRule{A: "email", B: "Email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "First_Name"},
			{A: "lastname", B: "Last_Name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Title", Rule: mapping.UnlessBlank},
		})
}

// dynamicsStages maps the sandbox's HubSpot deal stages to the sales stage
// of a Dynamics 365 opportunity (0 Qualify, 1 Develop, 2 Propose, 3
// Close), and dynamicsStagesBack maps each back to the HubSpot stage it
// stands for: four stages for six, so each way has its own map.
var (
	dynamicsStages = map[string]string{
		"appointmentscheduled": "0", "qualifiedtobuy": "0", "presentationscheduled": "1",
		"decisionmakerboughtin": "2", "contractsent": "2", "closedwon": "3", "closedlost": "3",
	}
	dynamicsStagesBack = map[string]string{"0": "qualifiedtobuy", "1": "presentationscheduled", "2": "contractsent", "3": "closedwon"}
)

// DemoDynamicsDealsSync is the ready-made two-way sync between HubSpot
// deals and Dynamics 365 opportunities, matched by name: the amount as the
// estimated value, the stage through a value map each way, the close date
// as the estimated close date (a date in UTC), and each deal's company as
// the opportunity's account, through the links of the companies sync named
// (DemoDynamicsCompaniesSync).
func DemoDynamicsDealsSync(name, hubspotConn, dynamicsConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, dynamicsConn, companies,
		dealFields{object: "opportunities", name: "name", amount: "estimatedvalue", stage: "salesstage", close: "estimatedclosedate",
			company: "parentaccountid", stages: dynamicsStages, stagesBack: dynamicsStagesBack})
}

// DemoDynamicsTasksSync is the ready-made two-way sync between HubSpot
// tasks and Dynamics 365 tasks, matched by subject, each regarding its
// contact through the links of the contacts sync named (DemoDynamicsSync).
// HubSpot's body is HTML and Dynamics' description plain text; the
// priority goes through a value map (0 Low, 1 Normal, 2 High); the due
// time is the task's scheduled end.
func DemoDynamicsTasksSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "tasks"},
		engine.SideDef{Connection: dynamicsConn, Object: "tasks"},
		engine.MatchRule{A: "hs_task_subject", B: "subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_task_subject", B: "subject", Rule: mapping.UnlessBlank},
			{A: "hs_task_body", B: "description", Transform: "text"},
			{A: "hs_task_priority", B: "prioritycode", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{"LOW": "0", "MEDIUM": "1", "HIGH": "2"}},
			{A: "hs_timestamp", B: "scheduledend", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "regardingobjectid_contact_task", Transform: "link:" + contacts},
		})
}

// DemoDynamicsCallsSync is the ready-made two-way sync between HubSpot
// calls and Dynamics 365 phone calls, matched by title, each regarding its
// contact through the links of the contacts sync named
// (DemoDynamicsSync). The direction is a Boolean in Dataverse (true for
// outgoing, its default, which the sync writes for a call without one);
// the duration goes from HubSpot's milliseconds to whole
// minutes; the call's time is the phone call's scheduled end.
func DemoDynamicsCallsSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "calls"},
		engine.SideDef{Connection: dynamicsConn, Object: "phonecalls"},
		engine.MatchRule{A: "hs_call_title", B: "subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_call_title", B: "subject", Rule: mapping.UnlessBlank},
			{A: "hs_call_body", B: "description", Transform: "text"},
			{A: "hs_call_direction", B: "directioncode", Transform: "map", Rule: mapping.UnlessBlank,
				ValueMap: map[string]string{"INBOUND": "false", "OUTBOUND": "true"}, Default: "true"},
			{A: "hs_call_duration", B: "actualdurationminutes", Transform: "divide:60000"},
			{A: "hs_timestamp", B: "scheduledend", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "regardingobjectid_contact_phonecall", Transform: "link:" + contacts},
		})
}

// DemoDynamicsMeetingsSync is the ready-made two-way sync between HubSpot
// meetings and Dynamics 365 appointments, matched by title, each regarding
// its contact through the links of the contacts sync named
// (DemoDynamicsSync); start and end are instants both sides.
func DemoDynamicsMeetingsSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "meetings"},
		engine.SideDef{Connection: dynamicsConn, Object: "appointments"},
		engine.MatchRule{A: "hs_meeting_title", B: "subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_meeting_title", B: "subject", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_body", B: "description", Transform: "text"},
			{A: "hs_meeting_location", B: "location"},
			{A: "hs_meeting_start_time", B: "scheduledstart", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_end_time", B: "scheduledend", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "regardingobjectid_contact_appointment", Transform: "link:" + contacts},
		})
}

// DemoDynamicsNotesSync is the ready-made two-way sync between HubSpot
// notes and Dynamics 365 notes (annotations) on contacts, matched by their
// text, each on the contact linked to its own through the contacts sync
// named (DemoDynamicsSync), as DemoNotesSync does with Salesforce: the
// text both ways (HTML in HubSpot, plain text in notetext), the contact
// and the date on create only; a note made from HubSpot takes its first
// line as its title. Notes with a file attached are notes too: their text
// syncs, the file does not.
func DemoDynamicsNotesSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, dynamicsConn, contacts,
		noteSide{object: "annotations", body: "notetext", bodyTransform: "text", created: "createdon", parent: "objectid_contact"},
		mapping.Field{A: "hs_note_body", B: "subject", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate})
	def.Filters.B = []engine.Filter{{Field: "objectid_contact", Op: "not-empty"}}
	return def
}

// DemoDynamicsCompaniesSync is the ready-made two-way sync between HubSpot
// companies and Dynamics 365 accounts, matched by web domain.
func DemoDynamicsCompaniesSync(name, hubspotConn, dynamicsConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: dynamicsConn, Object: "accounts"},
		engine.MatchRule{A: "domain", B: "websiteurl", Normalize: "domain"},
		[]mapping.Field{
			{A: "name", B: "name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "telephone1", Transform: "e164"},
			{A: "city", B: "address1_city", Rule: mapping.UnlessBlank},
		})
}

// DemoDynamicsSync is the ready-made two-way sync between HubSpot contacts
// and Dynamics 365 contacts, matched by email. Dataverse needs a last
// name, so a blank one never overwrites it. With companies set, a
// contact's primary company and its Dynamics account (the parent customer,
// when it is an account) go through that sync's links
// (DemoDynamicsCompaniesSync).
func DemoDynamicsSync(name, hubspotConn, dynamicsConn, companies string) engine.Definition {
	def := dynamicsContacts(name, hubspotConn, dynamicsConn)
	if companies != "" {
		def.Fields = append(def.Fields, mapping.Field{A: "associatedcompanyid", B: "parentcustomerid_account", Transform: "link:" + companies})
	}
	return def
}

func dynamicsContacts(name, hubspotConn, dynamicsConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: dynamicsConn, Object: "contacts"},
		engine.MatchRule{A: "email", B: "emailaddress1", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "emailaddress1", Transform: "lower"},
			{A: "firstname", B: "firstname"},
			{A: "lastname", B: "lastname", Rule: mapping.UnlessBlank},
			{A: "phone", B: "telephone1", Transform: "e164"},
			{A: "jobtitle", B: "jobtitle", Rule: mapping.UnlessBlank},
		})
}

// DemoPipedriveCompaniesSync is the ready-made two-way sync between HubSpot
// companies and Pipedrive organizations, matched by name (lower case,
// trimmed): an organization has no web domain field in API v2.
func DemoPipedriveCompaniesSync(name, hubspotConn, pipedriveConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: pipedriveConn, Object: "organizations"},
		engine.MatchRule{A: "name", B: "name", Normalize: "lower"},
		[]mapping.Field{
			{A: "name", B: "name", Rule: mapping.UnlessBlank},
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
// the stage goes through a value map both ways (pipedriveStages and back),
// a HubSpot deal closed won or lost sets the Pipedrive deal's status (one
// way: Pipedrive's won deal keeps its stage), the close date is a date in
// UTC, and each deal's company goes through the links of the companies
// sync named (DemoPipedriveCompaniesSync).
func DemoPipedriveDealsSync(name, hubspotConn, pipedriveConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, pipedriveConn, companies,
		dealFields{object: "deals", name: "title", amount: "value", stage: "stage_id", close: "expected_close_date", company: "org_id",
			stages: pipedriveStages, stagesBack: pipedriveStagesBack,
			extra: []mapping.Field{{A: "dealstage", B: "status", Direction: mapping.AtoB, Transform: "map", ValueMap: pipedriveStatus, Rule: mapping.UnlessBlank}}})
}

// hubspotTaskDone says which HubSpot task statuses mean a Pipedrive
// activity is done: five statuses, one flag, so it goes one way.
var hubspotTaskDone = map[string]string{
	"COMPLETED": "true", "NOT_STARTED": "false", "IN_PROGRESS": "false", "WAITING": "false", "DEFERRED": "false",
}

// DemoPipedriveTasksSync is the ready-made two-way sync between HubSpot
// tasks and Pipedrive activities of type task, matched by subject, each
// linked to its person through the links of the contacts sync named
// (DemoPipedriveSync): HubSpot's task contact, Pipedrive's primary
// participant. The due date is a date in UTC; a HubSpot task's status says
// whether the activity is done, one way, and a task created from an
// activity is not started, as HubSpot's default.
func DemoPipedriveTasksSync(name, hubspotConn, pipedriveConn, contacts string) engine.Definition {
	return pipedriveActivitySync(name, hubspotConn, pipedriveConn, contacts, "tasks", "task", "hs_task_subject",
		mapping.Field{A: "hs_timestamp", B: "due_date", Transform: "date:UTC", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_task_body", B: "note"},
		mapping.Field{A: "hs_task_status", B: "done", Direction: mapping.AtoB, Transform: "map", ValueMap: hubspotTaskDone, Rule: mapping.UnlessBlank})
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
			{A: "associations.contact", B: "person_id", Transform: "link:" + contacts},
		}, fields...))
	def.Filters.B = []engine.Filter{{Field: "type", Op: "eq", Value: typ}}
	return def
}

// DemoPipedriveCallsSync is the ready-made two-way sync between HubSpot
// calls and Pipedrive activities of type call, matched by title, each
// linked to its person like the tasks (DemoPipedriveTasksSync). The call's
// date is the activity's due date in UTC, and its duration, milliseconds
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

// DemoTasksSync is the ready-made two-way tasks sync: HubSpot tasks ↔
// Salesforce Tasks, matched by subject, each linked to its contact through
// the links of the contacts sync named (HubSpot: the task's contact
// association; Salesforce: WhoId). Status and priority go through value
// maps, and a HubSpot task without them gets Salesforce's own defaults
// (Not Started, Normal), written by the sync so they never come back as
// Salesforce's change; the due date is a date in UTC. Tasks of subtype
// Call are logged calls, which DemoCallsSync syncs with HubSpot calls.
func DemoTasksSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "tasks"},
		engine.SideDef{Connection: salesforceConn, Object: "Task"},
		engine.MatchRule{A: "hs_task_subject", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_task_subject", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_task_body", B: "Description"},
			{A: "hs_task_status", B: "Status", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{
				"NOT_STARTED": "Not Started", "IN_PROGRESS": "In Progress", "COMPLETED": "Completed",
				"WAITING": "Waiting on someone else", "DEFERRED": "Deferred"}, Default: "Not Started"},
			{A: "hs_task_priority", B: "Priority", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{
				"LOW": "Low", "MEDIUM": "Normal", "HIGH": "High"}, Default: "Normal"},
			{A: "hs_timestamp", B: "ActivityDate", Transform: "date:UTC", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "WhoId", Transform: "link:" + contacts},
		})
	def.Filters.B = []engine.Filter{{Field: "TaskSubtype", Op: "neq", Value: "Call"}} // calls have a sync of their own
	return def
}

// callStatus says what a HubSpot call's status means for the Salesforce
// Task that logs it: a call that ended, answered or not, is done.
var callStatus = map[string]string{
	"COMPLETED": "Completed", "BUSY": "Completed", "NO_ANSWER": "Completed", "FAILED": "Completed", "CANCELED": "Completed",
	"IN_PROGRESS": "In Progress", "CONNECTING": "In Progress", "RINGING": "In Progress", "CALLING_CRM_USER": "In Progress",
	"QUEUED": "Not Started",
}

// DemoCallsSync is the ready-made two-way calls sync: HubSpot calls ↔
// Salesforce Tasks of subtype Call (the Tasks sync leaves those out),
// matched by title, each linked to its contact through the links of the
// contacts sync named. A Task created from a call gets subtype Call; the
// duration goes from HubSpot's milliseconds to Salesforce's whole seconds,
// and the status one way, since several HubSpot outcomes mean one
// Salesforce status.
func DemoCallsSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "calls"},
		engine.SideDef{Connection: salesforceConn, Object: "Task"},
		engine.MatchRule{A: "hs_call_title", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_call_title", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_call_body", B: "Description"},
			{A: "hs_call_direction", B: "CallType", Transform: "map", Rule: mapping.UnlessBlank,
				ValueMap: map[string]string{"INBOUND": "Inbound", "OUTBOUND": "Outbound"}},
			{A: "hs_call_duration", B: "CallDurationInSeconds", Transform: "divide:1000"},
			{A: "hs_call_status", B: "Status", Direction: mapping.AtoB, Transform: "map", ValueMap: callStatus, Rule: mapping.UnlessBlank},
			{A: "hs_timestamp", B: "ActivityDate", Transform: "date:UTC", Rule: mapping.UnlessBlank},
			{B: "TaskSubtype", Transform: "const:Call"},
			{A: "associations.contact", B: "WhoId", Transform: "link:" + contacts},
		})
	def.Filters.B = []engine.Filter{{Field: "TaskSubtype", Op: "eq", Value: "Call"}}
	return def
}

// DemoMeetingsSync is the ready-made two-way meetings sync: HubSpot
// meetings ↔ Salesforce Events, matched by title, each linked to its
// contact through the links of the contacts sync named, like tasks. Start
// and end are instants; HubSpot sets a new meeting's activity date to its
// start, and Salesforce derives an Event's duration from its end.
func DemoMeetingsSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "meetings"},
		engine.SideDef{Connection: salesforceConn, Object: "Event"},
		engine.MatchRule{A: "hs_meeting_title", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_meeting_title", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_body", B: "Description"},
			{A: "hs_meeting_location", B: "Location"},
			{A: "hs_meeting_start_time", B: "StartDateTime", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_end_time", B: "EndDateTime", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "associations.contact", B: "WhoId", Transform: "link:" + contacts},
		})
}

// DemoNotesSync is the ready-made two-way notes sync: HubSpot notes ↔
// Salesforce (classic) Notes on Contacts, matched by their text, each on
// the contact linked to its own through the contacts sync named.
//   - HubSpot keeps a note's body as HTML, Salesforce as plain text: the
//     text transform reads the HTML as text and writes text back as HTML
//     that reads the same.
//   - A Salesforce Note needs a title: a note created from HubSpot takes
//     its first line, or "Note" when it has no text. Its parent (ParentId)
//     is set on create only. Both rows are on-create, so later edits never
//     rewrite a title someone wrote in Salesforce, nor try to move a Note.
//   - A note created from Salesforce is dated at the Note's creation
//     (HubSpot's hs_timestamp, which a create needs).
//   - Only notes on contacts: a HubSpot note with a contact, a Salesforce
//     Note whose parent's id has the Contact prefix, 003.
func DemoNotesSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, salesforceConn, contacts,
		noteSide{object: "Note", body: "Body", bodyTransform: "text", created: "CreatedDate", parent: "ParentId"},
		mapping.Field{A: "hs_note_body", B: "Title", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate, Default: "Note"})
	def.Filters.B = []engine.Filter{{Field: "ParentId", Op: "starts-with", Value: "003"}}
	return def
}

// noteSide names what the other CRM calls a note's parts.
type noteSide struct {
	object, body, bodyTransform, created, parent string
}

// hubspotNotesSync is the shape the notes syncs share: HubSpot notes with
// a contact ↔ the other CRM's notes, matched by their text; the body both
// ways, the date and the parent (through the contacts sync's links) on
// create only.
func hubspotNotesSync(name, hubspotConn, otherConn, contacts string, other noteSide, extra ...mapping.Field) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "notes"},
		engine.SideDef{Connection: otherConn, Object: other.object},
		engine.MatchRule{A: "hs_note_body", B: other.body, Normalize: "text"},
		append([]mapping.Field{
			{A: "hs_note_body", B: other.body, Transform: other.bodyTransform, Rule: mapping.UnlessBlank},
			{A: "hs_timestamp", B: other.created, Direction: mapping.BtoA, Transform: "datetime", Rule: mapping.OnCreate},
			{A: "associations.contact", B: other.parent, Transform: "link:" + contacts, Rule: mapping.OnCreate},
		}, extra...))
	def.Filters.A = []engine.Filter{{Field: "associations.contact", Op: "not-empty"}}
	return def
}

// demoDef is the shape every ready-made sync shares: two-way, created when
// unmatched, the newer value winning a conflict, run by hand, and asking
// before a run changes more than a quarter of a side.
func demoDef(name string, a, b engine.SideDef, match engine.MatchRule, fields []mapping.Field) engine.Definition {
	return engine.Definition{
		Name: name, A: a, B: b,
		Direction: mapping.TwoWay,
		Match:     []engine.MatchRule{match},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictNewer,
		Fields:    fields,
		Schedule:  "manual",
		Safety:    engine.Safety{MaxChangePercent: 25},
	}
}
