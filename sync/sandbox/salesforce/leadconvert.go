package salesforce

// Lead conversion: the Lead's conversion fields, the Go call a test or the
// demo makes as a sales rep pressing "Convert", and the refusal to update a
// converted Lead. The REST API has no standard resource for converting.
//
// Sources:
//   - SOAP API Developer Guide, "convertLead()" (developer.salesforce.com/
//     docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm): a
//     Lead becomes an Account and a Contact and, optionally, an
//     Opportunity; standard Lead fields map to standard Account, Contact
//     and Opportunity fields; when data is merged into an existing
//     Account or Contact "only empty fields in the target object are
//     overwritten", LeadSource included unless overwriteLeadSource.
//   - Same guide, "LeadConvert" arguments (as jsforce's and salesforcer's
//     schemas list them): accountId, "" creates an Account; contactId
//     needs accountId and must name a Contact of that Account;
//     opportunityName defaults to the Lead's Company; doNotCreateOpportunity;
//     convertedStatus, a LeadStatus whose IsConverted is true.
//   - Same guide, "LeadConvertResult": accountId, contactId, opportunityId.
//   - Field Reference, "Lead" (v212): IsConverted (boolean, "Converted"),
//     ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId
//     (reference), ConvertedDate (date).
//   - Change Data Capture Developer Guide, "Change Events for Lead
//     Conversion": the conversion creates the Account, Contact and
//     Opportunity and updates the Lead's Status, IsConverted,
//     ConvertedDate ("doesn't include the time") and Converted*Id.
//   - Salesforce Help 000385227, "Activity history on a Lead when it is
//     converted": all open and closed Activities are attached to the
//     Account, Contact and Opportunity, with their Last Modified Date
//     updated; notes and attachments are attached to the Account and
//     Contact.
//   - Salesforce Help 000384333: CANNOT_UPDATE_CONVERTED_LEAD is the
//     error for modifying or updating a Lead once it is converted.
//
// This sandbox's own reading, [unverified]:
//   - the message "cannot reference converted lead" (as quoted in a
//     client's error log: gitlab.com/gitlab-org/customers-gitlab-com
//     issue 272), with no fields;
//   - the converted status "Closed - Converted", the default org's
//     converted Lead Status value (no LeadStatus object is modelled);
//   - a new Opportunity's StageName is the first open stage and its
//     CloseDate today + 30 days (UTC);
//   - which standard fields map where: Contact FirstName, LastName,
//     Email, Phone, Title, LeadSource, Description, MailingCity (from
//     City), OwnerId; Account Name (from Company), Industry, BillingCity
//     (from City), OwnerId; Opportunity LeadSource, OwnerId;
//   - an existing Account or Contact is modified (its SystemModstamp
//     moves) only when the conversion fills one of its empty fields;
//   - a converted Lead can still be deleted; its Tasks and Events move to
//     the Contact (WhoId; no WhatId is modelled), and its Notes too
//     (ParentId).

import (
	"errors"
	"fmt"
	"strings"
)

// convertedStatus is the Lead Status value a conversion sets.
const convertedStatus = "Closed - Converted"

// leadConversionFields are Lead's read-only conversion fields: only a
// conversion writes them.
func leadConversionFields() []Field {
	readOnly := func(f Field) Field { f.Createable, f.Updateable = false, false; return f }
	converted := readOnly(typed("IsConverted", "Converted", "boolean"))
	converted.Nillable, converted.DefaultedOnCreate, converted.Default = false, true, "false"
	return []Field{converted,
		readOnly(ref("ConvertedAccountId", "Converted Account", "Account")),
		readOnly(ref("ConvertedContactId", "Converted Contact", "Contact")),
		readOnly(ref("ConvertedOpportunityId", "Converted Opportunity", "Opportunity")),
		readOnly(typed("ConvertedDate", "Converted Date", "date"))}
}

// convertedLead is Lead's frozen hook: a converted Lead takes no update.
func convertedLead(o *Object, vals []string) *recError {
	if i, ok := o.field("IsConverted"); ok && vals[i] == "true" {
		return &recError{StatusCode: "CANNOT_UPDATE_CONVERTED_LEAD", Message: "cannot reference converted lead", Fields: []string{}}
	}
	return nil
}

// LeadConvert says how ConvertLead converts a Lead, as SOAP's LeadConvert.
type LeadConvert struct {
	AccountID         string // existing Account to merge into; "" creates one named after the Lead's Company
	ContactID         string // existing Contact of AccountID to merge into; "" creates one
	CreateOpportunity bool
	OpportunityName   string // "" is the Lead's Company
}

// LeadConvertResult names the records a conversion made or merged into.
type LeadConvertResult struct {
	AccountID, ContactID, OpportunityID string
}

// conversion is one ConvertLead in progress. Caller holds s.mu.
type conversion struct {
	s     *Sim
	lead  *objectStore
	r     *record
	undos map[*objectStore]*undo
}

// val is the lead's value of field name.
func (c *conversion) val(name string) string { return c.r.vals[c.index(name)] }

// ConvertLead converts a Lead as a sales rep does: it creates (or merges
// into) an Account and a Contact, optionally creates an Opportunity, and
// marks the Lead converted. Nothing changes if it fails.
func (s *Sim) ConvertLead(leadID string, opt LeadConvert) (LeadConvertResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &conversion{s: s, lead: s.stores["lead"], undos: map[*objectStore]*undo{}}
	res, err := c.run(leadID, opt)
	if err != nil {
		for _, u := range c.undos {
			u.rollback()
		}
		return LeadConvertResult{}, fmt.Errorf("salesforce sim: convert lead %s: %w", leadID, err)
	}
	return res, nil
}

// run does the conversion; on error the caller rolls back what it wrote.
func (c *conversion) run(leadID string, opt LeadConvert) (LeadConvertResult, error) {
	c.r = c.lead.get(leadID)
	switch {
	case c.r == nil || c.r.deleted:
		return LeadConvertResult{}, errors.New("no such lead")
	case c.r.vals[c.index("IsConverted")] == "true":
		return LeadConvertResult{}, fmt.Errorf("already converted to contact %s", c.val("ConvertedContactId"))
	case opt.ContactID != "" && opt.AccountID == "":
		return LeadConvertResult{}, fmt.Errorf("contact %s given without its account", opt.ContactID)
	}
	var res LeadConvertResult
	var err error
	if c.toPerson(opt) {
		if res.AccountID, res.ContactID, err = c.person(); err != nil {
			return res, err
		}
	} else {
		if res.AccountID, err = c.account(opt.AccountID); err != nil {
			return res, err
		}
		if res.ContactID, err = c.contact(opt.ContactID, res.AccountID); err != nil {
			return res, err
		}
	}
	if opt.CreateOpportunity {
		if opt.OpportunityName == "" && c.val("Company") == "" {
			opt.OpportunityName = strings.TrimSpace(c.val("FirstName") + " " + c.val("LastName"))
		}
		if res.OpportunityID, err = c.opportunity(opt.OpportunityName, res.AccountID); err != nil {
			return res, err
		}
	}
	c.moveActivities(res.ContactID)
	c.markConverted(res)
	return res, nil
}

// moveActivities attaches the Lead's Tasks, Events and Notes to the
// Contact, moving their modified stamps, as a conversion does (Help
// 000385227: "All open and closed Activities from the Lead are attached
// to the Account, Contact, and Opportunity", their Last Modified Date
// updated; "All notes and attachments from the lead are converted and
// attached to the new account and contact"). A Note's ParentId, which no
// API call may change, moves to the Contact [unverified: which of the
// two].
func (c *conversion) moveActivities(contactID string) {
	for _, m := range []struct{ object, field string }{{"task", "WhoId"}, {"event", "WhoId"}, {"note", "ParentId"}} {
		st := c.s.stores[m.object]
		i, ok := st.obj.field(m.field)
		if !ok {
			continue
		}
		for _, r := range st.recs {
			if r.deleted || normID(r.vals[i]) != normID(c.r.id) {
				continue
			}
			c.undo(st).touch(r)
			r.vals[i] = contactID
			r.modified = max(c.s.nowMs(), r.modified)
		}
	}
}

func (c *conversion) index(name string) int { i, _ := c.lead.obj.field(name); return i }

// mapped builds a target record's values from the lead: to[k] = lead[v];
// the lead's nulls are left out.
func (c *conversion) mapped(fields map[string]string) map[string]any {
	out := map[string]any{}
	for to, from := range fields {
		if v := c.val(from); v != "" {
			out[to] = v
		}
	}
	return out
}

// toPerson reports whether the Lead converts to a person account: in an
// org with person accounts, a Lead with a blank Company converting into
// no existing Account (Salesforce Help, "Convert Leads": "Leads that
// don't have a value in the Company field are converted to person
// accounts"; such a Lead can only be created through the API).
func (c *conversion) toPerson(opt LeadConvert) bool {
	_, on := c.s.stores["contact"].obj.field("IsPersonAccount")
	return on && opt.AccountID == "" && strings.TrimSpace(c.val("Company")) == ""
}

// person creates the person account the Lead converts to, named after
// the person, the Lead's person fields on it, and returns it and its
// person contact.
func (c *conversion) person() (accountID, contactID string, err error) {
	ast, cst := c.s.stores["account"], c.s.stores["contact"]
	c.undo(ast)
	c.undo(cst)
	body := c.mapped(map[string]string{"FirstName": "FirstName", "LastName": "LastName", "PersonEmail": "Email", "Phone": "Phone",
		"PersonTitle": "Title", "PersonLeadSource": "LeadSource", "Description": "Description", "PersonMailingCity": "City",
		"OwnerId": "OwnerId", "PersonHasOptedOutOfEmail": "HasOptedOutOfEmail", "Industry": "Industry"})
	for name := range body {
		if _, ok := ast.obj.field(name); !ok {
			delete(body, name) // no twin on this org's Account
		}
	}
	body["RecordTypeId"] = personRecordTypeID
	a, errs := c.s.createPersonLocked(body)
	if errs != nil {
		return "", "", fmt.Errorf("create person account: %s", joinErrs(errs))
	}
	i, _ := ast.obj.field("PersonContactId")
	return a.id, a.vals[i], nil
}

func (c *conversion) account(id string) (string, error) {
	vals := c.mapped(map[string]string{"Name": "Company", "Industry": "Industry", "BillingCity": "City", "OwnerId": "OwnerId"})
	return c.createOrFill("Account", id, vals)
}

func (c *conversion) contact(id, accountID string) (string, error) {
	vals := c.mapped(map[string]string{"FirstName": "FirstName", "LastName": "LastName", "Email": "Email", "Phone": "Phone",
		"Title": "Title", "LeadSource": "LeadSource", "Description": "Description", "MailingCity": "City", "OwnerId": "OwnerId",
		"HasOptedOutOfEmail": "HasOptedOutOfEmail"})
	vals["AccountId"] = accountID
	if id != "" {
		if err := c.contactOf(id, accountID); err != nil {
			return "", err
		}
	}
	return c.createOrFill("Contact", id, vals)
}

// contactOf checks that Contact id belongs to Account accountID, as
// LeadConvert's contactId must.
func (c *conversion) contactOf(id, accountID string) error {
	st := c.s.stores["contact"]
	r := st.get(id)
	if r == nil || r.deleted {
		return fmt.Errorf("no such contact %s", id)
	}
	if i, _ := st.obj.field("AccountId"); normID(r.vals[i]) != normID(accountID) {
		return fmt.Errorf("contact %s is not a contact of account %s", id, accountID)
	}
	return nil
}

func (c *conversion) opportunity(name, accountID string) (string, error) {
	vals := c.mapped(map[string]string{"LeadSource": "LeadSource", "OwnerId": "OwnerId"})
	if name == "" {
		name = c.val("Company")
	}
	st := c.s.stores["opportunity"]
	today := c.s.now().UTC()
	vals["Name"], vals["AccountId"] = name, accountID
	vals["StageName"], vals["CloseDate"] = firstOpenStage(st.obj), today.AddDate(0, 0, 30).Format("2006-01-02")
	return c.createOrFill("Opportunity", "", vals)
}

// firstOpenStage is the first StageName value that does not close the
// Opportunity.
func firstOpenStage(o *Object) string {
	i, _ := o.field("StageName")
	for _, p := range o.Fields[i].Picklist {
		if p.Active && !strings.HasPrefix(p.Value, "Closed") {
			return p.Value
		}
	}
	return ""
}

// createOrFill creates an object record from vals when id is "", else
// fills only the empty fields of record id with them, as a conversion
// merging into an existing record does.
func (c *conversion) createOrFill(object, id string, vals map[string]any) (string, error) {
	st := c.s.stores[strings.ToLower(object)]
	u := c.undo(st)
	if id == "" {
		r, errs := c.s.createLocked(st, vals)
		if errs != nil {
			return "", fmt.Errorf("create %s: %s", object, joinErrs(errs))
		}
		return r.id, nil
	}
	r := st.get(id)
	if r == nil || r.deleted {
		return "", fmt.Errorf("no such %s %s", strings.ToLower(object), id)
	}
	fill := map[string]any{}
	for name, v := range vals {
		if i, _ := st.obj.field(name); r.vals[i] == "" {
			fill[name] = v
		}
	}
	if len(fill) == 0 {
		return r.id, nil
	}
	if errs := c.s.updateLocked(st, r, fill, u); errs != nil {
		return "", fmt.Errorf("update %s %s: %s", object, r.id, joinErrs(errs))
	}
	return r.id, nil
}

// undo is the rollback log of st for this conversion.
func (c *conversion) undo(st *objectStore) *undo {
	if u, ok := c.undos[st]; ok {
		return u
	}
	u := st.begin()
	c.undos[st] = u
	return u
}

// markConverted writes the Lead's read-only conversion fields, bypassing
// the API's checks, and moves its stamps as any update does.
func (c *conversion) markConverted(res LeadConvertResult) {
	set := func(name, v string) { c.r.vals[c.index(name)] = v }
	set("IsConverted", "true")
	set("Status", convertedStatus)
	set("ConvertedAccountId", res.AccountID)
	set("ConvertedContactId", res.ContactID)
	set("ConvertedOpportunityId", res.OpportunityID)
	set("ConvertedDate", c.s.now().UTC().Format("2006-01-02"))
	c.r.modified = max(c.s.nowMs(), c.r.modified)
}
