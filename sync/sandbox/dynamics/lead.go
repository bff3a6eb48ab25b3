package dynamics

// The lead table and lead qualification: the bound QualifyLead action on the wire
// (POST leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead), the Go call a test or the
// seeding makes as a seller pressing "Qualify" (QualifyLead), and how a qualified lead
// behaves afterwards.
//
// Sources:
//   - Dynamics 365 Sales lead table reference and the lead EntityType (Web API):
//     entity set leads, primary key leadid, primary name fullname (read-only,
//     computed), subject ("Topic", 300), firstname (50), lastname (50,
//     ApplicationRequired), companyname (100), emailaddress1 (100, Email),
//     telephone1 (50), mobilephone (20), jobtitle (100), address1_city (80),
//     description (Memo 2000), donotbulkemail (the opt-out the contact table uses too),
//     leadsourcecode (1 Advertisement .. 10 Other), parentaccountid (Lookup account),
//     parentcontactid (Lookup contact), qualifyingopportunityid (Lookup opportunity),
//     ownerid, statecode 0 Open / 1 Qualified / 2 Disqualified and statuscode 1 New,
//     2 Contacted (0), 3 Qualified (1), 4 Lost, 5 Cannot Contact, 6 No Longer
//     Interested, 7 Canceled (2). ObjectTypeCode 4.
//   - "QualifyLead Action" (Web API reference, learn.microsoft.com previous-versions
//     mt491164): bound to lead; CreateAccount, CreateContact, CreateOpportunity
//     (Edm.Boolean, not nullable), Status (Edm.Int32, not nullable), and the optional
//     OpportunityCurrencyId (transactioncurrency), OpportunityCustomerId
//     (crmbaseentity: an account or contact), SourceCampaignId (campaign),
//     ProcessInstanceId. QualifyLeadResponse.CreatedEntities: "the collection of
//     references to the newly created account, contact, and opportunity records".
//   - The Web API QualifyLead sample (Microsoft's docs): the answer is 200 with
//     "@odata.context": "…/$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)"
//     and "value": the created account, contact and opportunity rows.
//   - QualifyLeadRequest.Status: "corresponds to the Lead.StatusCode"; -1 lets "the
//     system set the appropriate corresponding status value".
//   - Troubleshoot lead qualification (learn.microsoft.com, Dynamics 365 Sales):
//     qualifying a lead that is qualified or disqualified fails with "The lead is
//     closed. You cannot convert or qualify a lead that is already closed."
//   - The opportunity_originating_lead, contact_originating_lead and
//     account_originating_lead relationships (originatingleadid) and their mappings
//     copy the lead's columns to the new rows; the lead keeps references to the new
//     account and contact in parentaccountid and parentcontactid (M. Carrington,
//     "MSDyn365 Internals: QualifyLead").
//   - Dynamics 365 Sales and privacy: only quotes, orders and invoices become read-only
//     in their closed states; "most entity types have Active and Inactive states but
//     can actually be edited via the API even when they're inactive" (M. Carrington,
//     "MSDyn365 Internals: Read-only Sales entities"). So a qualified lead takes a PATCH.
//
// This sandbox's own reading, [unverified]:
//   - the error code of an already-closed lead (0x80040203, InvalidArgument) and its
//     status 400; a Status that is not a Qualified status reason is 0x80048408 "<n> is
//     not a valid status code for state code LeadState.Qualified" (the wording a
//     community forum quotes for a lead's statecode/statuscode mismatch);
//   - an account is created only when the lead has a companyname, and not when the
//     lead already names one in parentaccountid (that one is used); likewise no
//     contact is created when parentcontactid names one;
//   - the mapped columns: account name (companyname), telephone1, address1_city,
//     description, ownerid; contact firstname, lastname, emailaddress1, telephone1,
//     mobilephone, jobtitle, address1_city, description, donotbulkemail, ownerid,
//     parentcustomerid (the account); opportunity name (subject, else the lead's full
//     name), description, parentaccountid, parentcontactid, customerid
//     (OpportunityCustomerId, else the account, else the contact), ownerid;
//   - OpportunityCurrencyId and SourceCampaignId are accepted and ignored (no currency
//     or campaign table is simulated), ProcessInstanceId too;
//   - a PATCH of a qualified lead succeeds and leaves it qualified; it can be deleted.

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The lead's statecode values.
const (
	LeadOpen         = 0
	LeadQualified    = 1
	LeadDisqualified = 2
)

// The lead's statuscode values (Status Reason).
const (
	LeadStatusNew                = 1
	LeadStatusContacted          = 2
	LeadStatusQualified          = 3
	LeadStatusLost               = 4
	LeadStatusCannotContact      = 5
	LeadStatusNoLongerInterested = 6
	LeadStatusCanceled           = 7
)

// The leadsourcecode choices (global choice lead_leadsourcecode).
const (
	LeadSourceAdvertisement    = 1
	LeadSourceEmployeeReferral = 2
	LeadSourceExternalReferral = 3
	LeadSourcePartner          = 4
	LeadSourcePublicRelations  = 5
	LeadSourceSeminar          = 6
	LeadSourceTradeShow        = 7
	LeadSourceWeb              = 8
	LeadSourceWordOfMouth      = 9
	LeadSourceOther            = 10
)

// qualifyLeadAction is the bound action's path segment.
const qualifyLeadAction = "Microsoft.Dynamics.CRM.QualifyLead"

func lookup(name, schema, display, target, nav, rel string) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindLookup, edm: edmGUID, required: "None",
		create: true, update: true, targets: []string{target}, navs: []string{nav}, rels: []string{rel}, cascade: []string{"RemoveLink"}}
}

// originatingLead is the originatingleadid lookup of account, contact and opportunity
// (<table>_originating_lead, navigation property originatingleadid; Delete: RemoveLink
// [unverified]).
func originatingLead(table string) *attrDef {
	return lookup("originatingleadid", "OriginatingLeadId", "Originating Lead", "lead", "originatingleadid", table+"_originating_lead")
}

// leadDef is the lead table (see the file comment). The MetadataId is made up.
func leadDef() *entityDef {
	source := picklist("leadsourcecode", "LeadSourceCode", "Lead Source", "lead_leadsourcecode",
		option{value: LeadSourceAdvertisement, label: "Advertisement"}, option{value: LeadSourceEmployeeReferral, label: "Employee Referral"},
		option{value: LeadSourceExternalReferral, label: "External Referral"}, option{value: LeadSourcePartner, label: "Partner"},
		option{value: LeadSourcePublicRelations, label: "Public Relations"}, option{value: LeadSourceSeminar, label: "Seminar"},
		option{value: LeadSourceTradeShow, label: "Trade Show"}, option{value: LeadSourceWeb, label: "Web"},
		option{value: LeadSourceWordOfMouth, label: "Word of Mouth"}, option{value: LeadSourceOther, label: "Other"})
	attrs := []*attrDef{
		{name: "leadid", schema: "LeadId", display: "Lead", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("subject", "Subject", "Topic", 300, "Text", "ApplicationRequired"),
		str("firstname", "FirstName", "First Name", 50, "Text", "Recommended"),
		str("lastname", "LastName", "Last Name", 50, "Text", "ApplicationRequired"),
		{name: "fullname", schema: "FullName", display: "Name", kind: kindString, edm: edmString, format: "Text", maxLen: 160, required: "None"},
		str("companyname", "CompanyName", "Company Name", 100, "Text", "Recommended"),
		str("emailaddress1", "EMailAddress1", "Email", 100, "Email", "None"),
		str("telephone1", "Telephone1", "Business Phone", 50, "Phone", "None"),
		str("mobilephone", "MobilePhone", "Mobile Phone", 20, "Phone", "None"),
		str("jobtitle", "JobTitle", "Job Title", 100, "Text", "None"),
		str("address1_city", "Address1_City", "City", 80, "Text", "None"),
		memo("description", "Description", "Description", 2000),
		boolean("donotbulkemail", "DoNotBulkEMail", "Do not allow Bulk Emails", "lead_donotbulkemail", false, "Do Not Allow", "Allow"),
		source,
		lookup("parentaccountid", "ParentAccountId", "Parent Account for lead", "account", "parentaccountid", "lead_parent_account"),
		lookup("parentcontactid", "ParentContactId", "Parent Contact for lead", "contact", "parentcontactid", "lead_parent_contact"),
		lookup("qualifyingopportunityid", "QualifyingOpportunityId", "Qualifying Opportunity", "opportunity", "qualifyingopportunityid", "lead_qualifying_opportunity"),
		ownerAttr(),
	}
	attrs = append(attrs, stateStatus(
		[]option{{value: LeadOpen, label: "Open", defStatus: LeadStatusNew}, {value: LeadQualified, label: "Qualified", defStatus: LeadStatusQualified},
			{value: LeadDisqualified, label: "Disqualified", defStatus: LeadStatusLost}},
		[]option{{value: LeadStatusNew, label: "New", state: LeadOpen}, {value: LeadStatusContacted, label: "Contacted", state: LeadOpen},
			{value: LeadStatusQualified, label: "Qualified", state: LeadQualified}, {value: LeadStatusLost, label: "Lost", state: LeadDisqualified},
			{value: LeadStatusCannotContact, label: "Cannot Contact", state: LeadDisqualified},
			{value: LeadStatusNoLongerInterested, label: "No Longer Interested", state: LeadDisqualified},
			{value: LeadStatusCanceled, label: "Canceled", state: LeadDisqualified}}, "lead")...)
	return newEntity(&entityDef{logical: "lead", set: "leads", schema: "Lead", display: "Lead", displayPlural: "Leads",
		primaryID: "leadid", primaryName: "fullname", objectTypeCode: 4, defaultStatus: LeadStatusNew,
		metadataID: "e3c2b8d1-7a4f-4c6e-9d15-2b8f0a6c4e17", attrs: attrs})
}

// QualifyLead says what qualifying a lead creates, as the action's parameters do.
type QualifyLead struct {
	CreateAccount, CreateContact, CreateOpportunity bool
	// Status is the lead's new statuscode; 0 or -1 is the Qualified state's default (3).
	Status int
	// OpportunityCustomerID and OpportunityCustomerTable ("account" or "contact") name
	// the new opportunity's customer; "" uses the lead's account, else its contact.
	OpportunityCustomerID, OpportunityCustomerTable string
}

// QualifyResult names the rows a qualification created ("" when none was).
type QualifyResult struct {
	AccountID, ContactID, OpportunityID string
}

// QualifyLead qualifies a lead as a seller does: it creates the account, contact and
// opportunity asked for from the lead's columns and marks the lead Qualified. Nothing
// changes if it fails (an *Error says what the Web API would answer).
func (s *Sim) QualifyLead(leadID string, in QualifyLead) (QualifyResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.qualify(strings.ToLower(leadID), in)
	if err != nil {
		return QualifyResult{}, asError(err)
	}
	return res.ids(), nil
}

// qualified is a qualification's outcome: the rows it created, in the order the
// action lists them.
type qualified struct {
	account, contact, opportunity *record
}

func (q qualified) ids() QualifyResult {
	id := func(r *record) string {
		if r == nil {
			return ""
		}
		return r.id
	}
	return QualifyResult{AccountID: id(q.account), ContactID: id(q.contact), OpportunityID: id(q.opportunity)}
}

func errLeadClosed() *apiError {
	return newErr(http.StatusBadRequest, "0x80040203", "The lead is closed. You cannot convert or qualify a lead that is already closed.")
}

// qualify runs one qualification atomically. The caller holds s.mu.
func (s *Sim) qualify(leadID string, in QualifyLead) (qualified, *apiError) {
	leads := s.tables["leads"]
	lead := leads.byID[leadID]
	if lead == nil {
		return qualified{}, errRowNotFound(leads.def, leadID)
	}
	if state, _ := leads.get(lead, leads.def.byName["statecode"]).(int64); state != LeadOpen {
		return qualified{}, errLeadClosed()
	}
	status, err := qualifiedStatus(leads.def, in.Status)
	if err != nil {
		return qualified{}, err
	}
	customer, err := s.opportunityCustomer(in)
	if err != nil {
		return qualified{}, err
	}
	var out qualified
	err = s.atomically(func() *apiError {
		var err *apiError
		out, err = s.createFromLead(lead, in, customer)
		if err != nil {
			return err
		}
		s.markQualified(leads, lead, out, status)
		return nil
	})
	return out, err
}

// qualifiedStatus checks Status against the Qualified state's status reasons.
func qualifiedStatus(e *entityDef, status int) (int64, *apiError) {
	if status == 0 || status == -1 {
		return LeadStatusQualified, nil
	}
	for _, o := range e.byName["statuscode"].options {
		if o.value == int64(status) && o.state == LeadQualified {
			return o.value, nil
		}
	}
	return 0, newErr(http.StatusBadRequest, "0x80048408", "%d is not a valid status code for state code LeadState.Qualified", status)
}

// customerRef is a row the action names: its table's logical name and id.
type customerRef struct{ logical, id string }

func (s *Sim) opportunityCustomer(in QualifyLead) (*customerRef, *apiError) {
	if in.OpportunityCustomerID == "" {
		return nil, nil
	}
	t := s.byLogic[in.OpportunityCustomerTable]
	if t == nil || (t.def.logical != "account" && t.def.logical != "contact") {
		return nil, newErr(http.StatusBadRequest, codePayload, "OpportunityCustomerId must be an account or a contact, not '%s'.", in.OpportunityCustomerTable) // [unverified]
	}
	id := strings.ToLower(in.OpportunityCustomerID)
	if t.byID[id] == nil {
		return nil, errRowNotFound(t.def, id)
	}
	return &customerRef{logical: t.def.logical, id: id}, nil
}

// atomically runs fn with every table's writes logged, undoing them when fn fails. Inside
// a $batch change set the log is handed on to the change set's.
func (s *Sim) atomically(fn func() *apiError) *apiError {
	outer := make(map[*table]*[]func(), len(s.tables))
	var undo []func()
	for _, t := range s.tables {
		outer[t], t.undo = t.undo, &undo
	}
	err := fn()
	for _, t := range s.tables {
		t.undo = nil
	}
	if err != nil {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	for t, o := range outer {
		t.undo = o
		if o != nil && err == nil {
			*o = append(*o, undo...)
			undo = nil // the tables share one log: hand it on once
		}
	}
	return err
}

// createFromLead creates the rows asked for from the lead's mapped columns.
func (s *Sim) createFromLead(lead *record, in QualifyLead, customer *customerRef) (qualified, *apiError) {
	var out qualified
	var err *apiError
	accountID, _ := lead.vals["parentaccountid"].(string)
	if in.CreateAccount && accountID == "" && lead.vals["companyname"] != nil {
		if out.account, err = s.insertFromLead("accounts", lead, map[string]string{"name": "companyname", "telephone1": "telephone1",
			"address1_city": "address1_city", "description": "description"}, nil); err != nil {
			return out, err
		}
		accountID = out.account.id
	}
	contactID, _ := lead.vals["parentcontactid"].(string)
	if in.CreateContact && contactID == "" {
		links := map[string]customerRef{}
		if accountID != "" {
			links["parentcustomerid"] = customerRef{"account", accountID}
		}
		if out.contact, err = s.insertFromLead("contacts", lead, map[string]string{"firstname": "firstname", "lastname": "lastname",
			"emailaddress1": "emailaddress1", "telephone1": "telephone1", "mobilephone": "mobilephone", "jobtitle": "jobtitle",
			"address1_city": "address1_city", "description": "description", "donotbulkemail": "donotbulkemail"}, links); err != nil {
			return out, err
		}
		contactID = out.contact.id
	}
	if in.CreateOpportunity {
		out.opportunity, err = s.opportunityFromLead(lead, accountID, contactID, customer)
	}
	return out, err
}

func (s *Sim) opportunityFromLead(lead *record, accountID, contactID string, customer *customerRef) (*record, *apiError) {
	links := map[string]customerRef{}
	if accountID != "" {
		links["parentaccountid"] = customerRef{"account", accountID}
	}
	if contactID != "" {
		links["parentcontactid"] = customerRef{"contact", contactID}
	}
	switch {
	case customer != nil:
		links["customerid"] = *customer
	case accountID != "":
		links["customerid"] = customerRef{"account", accountID}
	case contactID != "":
		links["customerid"] = customerRef{"contact", contactID}
	}
	mapping := map[string]string{"name": "subject", "description": "description"}
	if lead.vals["subject"] == nil {
		mapping["name"] = "fullname"
	}
	return s.insertFromLead("opportunities", lead, mapping, links)
}

// insertFromLead stores a new row of set with to[k] = lead[v] (the lead's nulls left
// out), the given lookups, the lead's owner and originatingleadid.
func (s *Sim) insertFromLead(set string, lead *record, mapping map[string]string, links map[string]customerRef) (*record, *apiError) {
	t := s.tables[set]
	r := &record{vals: map[string]any{}, lookupType: map[string]string{}}
	leads := s.tables["leads"]
	for to, from := range mapping {
		if v := leads.get(lead, leads.def.byName[from]); v != nil && v != false {
			r.vals[to] = v
		}
	}
	for name, ref := range links {
		r.vals[name], r.lookupType[name] = ref.id, ref.logical
	}
	r.vals["originatingleadid"], r.lookupType["originatingleadid"] = lead.id, "lead"
	if owner, ok := lead.vals["ownerid"]; ok {
		r.vals["ownerid"], r.lookupType["ownerid"] = owner, lead.lookupType["ownerid"]
	}
	return s.storeNew(t, r, "")
}

// markQualified closes the lead as Qualified with references to what was created.
func (s *Sim) markQualified(leads *table, lead *record, out qualified, status int64) {
	r := lead.clone()
	r.vals["statecode"], r.vals["statuscode"] = int64(LeadQualified), status
	link := func(name, logical string, row *record) {
		if row != nil {
			r.vals[name], r.lookupType[name] = row.id, logical
		}
	}
	link("parentaccountid", "account", out.account)
	link("parentcontactid", "contact", out.contact)
	link("qualifyingopportunityid", "opportunity", out.opportunity)
	r.modified, r.version = s.nowSecond(), s.nextVersion()
	leads.replace(lead, r)
}

// resolveBoundAction routes POST leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead, the
// only bound action simulated; other paths below a row are not simulated [unverified].
func (s *Sim) resolveBoundAction(t *table, k *rowKey, action string, m string) (*route, *apiError) {
	if t.def.logical != "lead" || action != qualifyLeadAction || k.alt != nil {
		return nil, newErr(http.StatusNotFound, codeSegmentNotFound, "Resource not found for the segment '%s'.", action)
	}
	if m != http.MethodPost {
		return nil, errMethod(m)
	}
	return &route{template: "POST " + apiPath + "leads({id})/" + qualifyLeadAction, write: true,
		run: func(op *opReq) *opResult { return s.qualifyOp(t, k, op) }}, nil
}

// qualifyLeadBody is the action's JSON body. The lookups come as
// "<Parameter>@odata.bind": "accounts(<id>)" or as an entity object with @odata.type
// and its key (the Web API sample's form).
type qualifyLeadBody struct {
	CreateAccount, CreateContact, CreateOpportunity *bool
	Status                                          *int
	CustomerBind                                    string          `json:"OpportunityCustomerId@odata.bind"`
	Customer                                        json.RawMessage `json:"OpportunityCustomerId"`
}

// qualifyOp serves the action: 200 with the created rows as a Collection(crmbaseentity).
func (s *Sim) qualifyOp(t *table, k *rowKey, op *opReq) *opResult {
	var b qualifyLeadBody
	if err := json.Unmarshal(op.body, &b); err != nil {
		return errResult(newErr(http.StatusBadRequest, codePayload, "The parameters of QualifyLead are not a valid JSON object.")) // [unverified]
	}
	if name := missingParam(b); name != "" {
		// Not nullable parameters (QualifyLead Action reference) [unverified message].
		return errResult(newErr(http.StatusBadRequest, codeODataGeneric, "Parameter '%s' in request payload is missing or null.", name))
	}
	in := QualifyLead{CreateAccount: *b.CreateAccount, CreateContact: *b.CreateContact, CreateOpportunity: *b.CreateOpportunity, Status: *b.Status}
	var err *apiError
	if in.OpportunityCustomerTable, in.OpportunityCustomerID, err = s.customerParam(b); err != nil {
		return errResult(err)
	}
	out, err := s.qualify(k.id, in)
	if err != nil {
		return errResult(err)
	}
	vals := []any{}
	for _, c := range []struct {
		set string
		r   *record
	}{{"accounts", out.account}, {"contacts", out.contact}, {"opportunities", out.opportunity}} {
		if c.r != nil {
			ct := s.tables[c.set]
			row := s.render(ct, c.r, nil)
			row["@odata.type"] = "#" + ct.def.typeName()
			vals = append(vals, row)
		}
	}
	return jsonResult(http.StatusOK, map[string]any{
		"@odata.context": op.base + apiPath + "$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)", "value": vals})
}

// missingParam names the first required parameter the body lacks.
func missingParam(b qualifyLeadBody) string {
	switch {
	case b.CreateAccount == nil:
		return "CreateAccount"
	case b.CreateContact == nil:
		return "CreateContact"
	case b.CreateOpportunity == nil:
		return "CreateOpportunity"
	case b.Status == nil:
		return "Status"
	}
	return ""
}

// customerParam reads OpportunityCustomerId in either form.
func (s *Sim) customerParam(b qualifyLeadBody) (logical, id string, err *apiError) {
	if b.CustomerBind != "" {
		set, key, ok := splitBindURI(b.CustomerBind)
		t := s.tables[set]
		if !ok || t == nil || !reGUID.MatchString(key) {
			return "", "", newErr(http.StatusBadRequest, codePayload, "The URI '%s' in the 'OpportunityCustomerId@odata.bind' annotation is not valid.", b.CustomerBind) // [unverified]
		}
		return t.def.logical, key, nil
	}
	if len(b.Customer) == 0 || string(b.Customer) == "null" {
		return "", "", nil
	}
	var obj map[string]any
	if json.Unmarshal(b.Customer, &obj) != nil {
		return "", "", newErr(http.StatusBadRequest, codePayload, "OpportunityCustomerId is not an entity object.") // [unverified]
	}
	typ, _ := obj["@odata.type"].(string)
	logical = strings.TrimPrefix(strings.TrimPrefix(typ, "#"), "Microsoft.Dynamics.CRM.")
	if t := s.byLogic[logical]; t != nil {
		id, _ = obj[t.def.primaryID].(string)
	}
	return logical, id, nil
}
