package zoho

// Lead conversion: POST /crm/v8/Leads/{record_id}/actions/convert, the Go call a test or
// the demo makes as a sales rep pressing "Convert" (ConvertLead), and what a converted
// lead is afterwards on every endpoint.
//
// Sources:
//   - Convert Lead doc, v8 (crm/developer/docs/api/v8/convert-lead.html): scope
//     ZohoCRM.modules.ALL or ZohoCRM.modules.leads.CREATE; input keys overwrite,
//     notify_lead_owner, notify_new_entity_owner (booleans, default false), Accounts,
//     Contacts and assign_to (JSON objects with the id; v2's bare id strings are accepted
//     too), Deals (the new deal's fields: its mandatory Deal_Name, Closing_Date and Stage
//     among them), carry_over_tags; overwrite replaces the Account Name of an existing
//     Contact linked to another account. "Order of preference for mapping": without unique
//     fields, the lead's Email is matched against Contacts' and its Company against
//     Accounts' Account_Name, so a conversion merges into those records.
//   - Zoho's Postman collection (v3 "Convert Lead", as qodex.ai copies it): answer 200
//     {"data":[{"code":"SUCCESS","details":{"Contacts":{"name","id"},"Deals":{"name","id"},
//     "Accounts":{"name","id"}},"message":"The record has been converted successfully",
//     "status":"success"}]}.
//   - API limits doc: "for a "Convert Lead API", 5 credits will be reduced for a single
//     API call".
//   - Record spec (crm-oas v8.0 record.json, getRecords): converted=false|true|both,
//     "false - Returns only unconverted records", so Get Records lists no converted lead
//     unless asked.
//   - ID_ALREADY_CONVERTED is the code a second conversion of a lead answers (third-party
//     Deluge guide, codroiditlabs.com, "6 error codes") [unverified: its message].
//
// This sandbox's own reading, [unverified]:
//   - a converted lead stays readable by id (GET /Leads/{id}) and is listed by search
//     only with converted=true|both, as Get Records;
//   - lead records carry "$converted" (boolean) and "$converted_detail" ({} until
//     converted, then convert_date, converted_by, contact, account, deal);
//   - updating a converted lead (PUT /Leads, PUT /Leads/{id}, upsert by id) answers
//     ID_ALREADY_CONVERTED "id already converted" with details {"id"}, the code of a
//     second conversion; a converted lead matches no upsert or unique check, and can
//     still be deleted;
//   - a conversion moves the lead's Modified_Time and leaves its Lead_Status;
//   - the field mapping (Zoho's default "lead conversion mapping"): Contact Salutation,
//     First_Name, Last_Name, Email, Secondary_Email, Title (from Designation), Phone,
//     Mobile, Fax, Lead_Source, Email_Opt_Out, Skype_ID, Twitter, Description and
//     Mailing_* (from Street, City, State, Zip_Code, Country); Account Account_Name (from
//     Company), Phone, Fax, Website, Industry, Employees (from No_of_Employees),
//     Annual_Revenue, Rating and Billing_*; Deal Lead_Source; custom fields unmapped;
//   - the new records' Owner is assign_to, else the lead's; an existing Contact or
//     Account only has its empty fields filled; without an Accounts id a given Contact's
//     own account is used; a lead without a Company makes no account ("Accounts": null);
//     matching by the lead's name is not simulated;
//   - a data[] of more than one element is LIMIT_EXCEEDED, like a write's over 100.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// convertCredits is Convert Lead's price in API credits.
const convertCredits = 5

// conversion is what converting a lead left on it ($converted_detail).
type conversion struct {
	at                     time.Time
	by                     int64
	contact, account, deal int64 // 0 = none
}

// convertedValues are the converted parameter's values (getRecords spec).
var convertedValues = []string{"false", "true", "both"}

// convertedParam reads the converted parameter of a list or search of m: "false" by
// default for Leads; "" (no filter) for the other modules, which ignore it [unverified].
func convertedParam(m *moduleDef, q url.Values) (string, *zerr) {
	if m.name != ModuleLeads {
		return "", nil
	}
	v := q.Get("converted")
	if v == "" {
		return "false", nil
	}
	if !slices.Contains(convertedValues, v) {
		return "", badRequest("INVALID_DATA", msgInvalidData, map[string]any{"param_name": "converted", "supported_values": convertedValues})
	}
	return v, nil
}

// convertedMatch reports whether r passes a converted filter of convertedParam.
func convertedMatch(param string, r *record) bool {
	switch param {
	case "false":
		return r.converted == nil
	case "true":
		return r.converted != nil
	}
	return true
}

// errAlreadyConverted refuses a write to (or a conversion of) a converted lead.
func errAlreadyConverted(id int64) *zerr {
	return badRequest("ID_ALREADY_CONVERTED", "id already converted", map[string]any{"id": idString(id)})
}

// renderConversion adds a lead's $converted and $converted_detail.
func (s *Sim) renderConversion(out map[string]any, r *record) {
	c := r.converted
	out["$converted"] = c != nil
	if c == nil {
		out["$converted_detail"] = map[string]any{}
		return
	}
	out["$converted_detail"] = map[string]any{"convert_date": fmtTime(c.at), "converted_by": s.userRef(c.by, false),
		"contact": s.recordRef(ModuleContacts, c.contact), "account": s.recordRef(ModuleAccounts, c.account),
		"deal": s.recordRef(ModuleDeals, c.deal)}
}

// recordRef renders a record of module as {"name", "id"}, or nil for id 0.
func (s *Sim) recordRef(module string, id int64) any {
	if id == 0 {
		return nil
	}
	m := s.modules[module]
	out := map[string]any{"name": nil, "id": idString(id)}
	if r := m.st.get(id); r != nil {
		out["name"] = s.displayName(m, r)
	}
	return out
}

// convertRequest is one conversion, from the wire or from ConvertLead.
type convertRequest struct {
	accountID, contactID int64          // 0 = match or create
	assignTo             int64          // 0 = the lead's owner
	overwrite            bool           // replace an existing contact's other account
	deal                 map[string]any // the Deals object; nil = no deal
	at                   time.Time      // the conversion's time, second precision
}

// handleConvert serves POST /crm/v8/Leads/{record_id}/actions/convert.
func (s *Sim) handleConvert(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	if m.name != ModuleLeads {
		writeErr(w, errInvalidModule()) // only leads convert [unverified answer]
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		writeDataErr(w, badRequest("INVALID_DATA", msgInvalidID, map[string]any{"resource_path_index": 1}))
		return
	}
	body, err := decodeBody(r.Body)
	if err != nil {
		writeErr(w, badRequest("INVALID_DATA", msgInvalidData, nil))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	req, e := s.parseConvert(body)
	if e != nil {
		writeDataErr(w, e)
		return
	}
	req.at = s.nowSecond()
	lead := m.st.liveRecord(id)
	if lead == nil {
		writeDataErr(w, badRequest("INVALID_DATA", msgInvalidID, map[string]any{"resource_path_index": 1}))
		return
	}
	c, e := s.convertLocked(m, lead, req)
	if e != nil {
		writeDataErr(w, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"code": "SUCCESS", "status": "success",
		"message": "The record has been converted successfully",
		"details": map[string]any{"Contacts": s.recordRef(ModuleContacts, c.contact),
			"Accounts": s.recordRef(ModuleAccounts, c.account), "Deals": s.recordRef(ModuleDeals, c.deal)}}}})
}

// parseConvert reads {"data":[{...}]}: one conversion's keys. Caller holds s.mu.
func (s *Sim) parseConvert(body map[string]any) (convertRequest, *zerr) {
	items, ok := body["data"].([]any)
	if !ok || len(items) == 0 {
		return convertRequest{}, badRequest("MANDATORY_NOT_FOUND", msgRequired, map[string]any{"api_name": "data", "json_path": "$.data"})
	}
	if len(items) > 1 {
		return convertRequest{}, badRequest("LIMIT_EXCEEDED", "count of records in your request exceeds the limit",
			map[string]any{"maximum_length": 1, "api_name": "data"})
	}
	obj, ok := items[0].(map[string]any)
	if !ok {
		return convertRequest{}, notObject(0)
	}
	var req convertRequest
	for _, key := range []string{"overwrite", "notify_lead_owner", "notify_new_entity_owner"} {
		v, present := obj[key]
		b, isBool := v.(bool)
		if present && v != nil && !isBool {
			return req, fieldErr("INVALID_DATA", msgInvalidData, key, 0, map[string]any{"expected_data_type": "boolean"})
		}
		if key == "overwrite" {
			req.overwrite = b
		}
	}
	var e *zerr
	if req.accountID, e = s.convertRef(obj, "Accounts", ModuleAccounts); e != nil {
		return req, e
	}
	if req.contactID, e = s.convertRef(obj, "Contacts", ModuleContacts); e != nil {
		return req, e
	}
	if req.assignTo, e = s.convertUser(obj); e != nil {
		return req, e
	}
	if v, present := obj["Deals"]; present && v != nil {
		deal, ok := v.(map[string]any)
		if !ok {
			return req, fieldErr("INVALID_DATA", msgInvalidData, "Deals", 0, map[string]any{"expected_data_type": "jsonobject"})
		}
		req.deal = deal
	}
	return req, nil
}

// convertRef reads key (Accounts or Contacts): absent or null, or a live record of
// module by {"id"} or a bare id.
func (s *Sim) convertRef(obj map[string]any, key, module string) (int64, *zerr) {
	v, present := obj[key]
	if !present || v == nil {
		return 0, nil
	}
	id, ok := refID(v)
	if !ok || s.modules[module].st.liveRecord(id) == nil {
		return 0, fieldErr("INVALID_DATA", msgInvalidID, key, 0, nil)
	}
	return id, nil
}

// convertUser reads assign_to: an active user, by {"id"} or a bare id.
func (s *Sim) convertUser(obj map[string]any) (int64, *zerr) {
	v, present := obj["assign_to"]
	if !present || v == nil {
		return 0, nil
	}
	id, ok := refID(v)
	if u := s.userBy[id]; !ok || u == nil || u.status != UserActive {
		return 0, fieldErr("INVALID_DATA", msgInvalidID, "assign_to", 0, nil)
	}
	return id, nil
}

// converter is one conversion in progress, with what to undo if a later step fails.
// Caller holds s.mu.
type converter struct {
	s     *Sim
	lead  *record
	owner int64
	undo  []func()
}

// convertLocked converts lead into (or merges it with) an account and a contact and
// optionally a new deal, and marks it converted. Nothing changes if it fails.
func (s *Sim) convertLocked(leads *moduleDef, lead *record, req convertRequest) (*conversion, *zerr) {
	if lead.converted != nil {
		return nil, errAlreadyConverted(lead.id)
	}
	c := &converter{s: s, lead: lead, owner: lead.values["Owner"].(int64)}
	if req.assignTo != 0 {
		c.owner = req.assignTo
	}
	conv, e := c.run(req)
	if e != nil {
		for i := len(c.undo) - 1; i >= 0; i-- {
			c.undo[i]()
		}
		return nil, e
	}
	r := lead.clone()
	r.converted, r.modifiedBy = conv, s.users[0].id
	if req.at.After(r.modified) {
		r.modified = req.at
	}
	leads.st.replace(lead, r)
	return conv, nil
}

// run makes or fills the account, the contact and the deal.
func (c *converter) run(req convertRequest) (*conversion, *zerr) {
	conv := &conversion{at: req.at, by: c.s.users[0].id}
	var e *zerr
	if conv.contact, e = c.matchContact(req.contactID); e != nil {
		return nil, e
	}
	if conv.account, e = c.account(req.accountID, conv.contact); e != nil {
		return nil, e
	}
	if conv.contact, e = c.contact(conv.contact, conv.account, req.overwrite); e != nil {
		return nil, e
	}
	if req.deal != nil {
		if conv.deal, e = c.newDeal(req.deal, conv.account, conv.contact); e != nil {
			return nil, e
		}
	}
	return conv, nil
}

// Lead fields copied on conversion: target field -> lead field.
var (
	contactMapping = map[string]string{"Salutation": "Salutation", "First_Name": "First_Name", "Last_Name": "Last_Name",
		"Email": "Email", "Secondary_Email": "Secondary_Email", "Title": "Designation", "Phone": "Phone", "Mobile": "Mobile",
		"Fax": "Fax", "Lead_Source": "Lead_Source", "Email_Opt_Out": "Email_Opt_Out", "Skype_ID": "Skype_ID",
		"Twitter": "Twitter", "Description": "Description", "Mailing_Street": "Street", "Mailing_City": "City",
		"Mailing_State": "State", "Mailing_Zip": "Zip_Code", "Mailing_Country": "Country"}
	accountMapping = map[string]string{"Account_Name": "Company", "Phone": "Phone", "Fax": "Fax", "Website": "Website",
		"Industry": "Industry", "Employees": "No_of_Employees", "Annual_Revenue": "Annual_Revenue", "Rating": "Rating",
		"Billing_Street": "Street", "Billing_City": "City", "Billing_State": "State", "Billing_Code": "Zip_Code",
		"Billing_Country": "Country"}
)

// mapped is the lead's values under mapping, in the request's JSON shape.
func (c *converter) mapped(mapping map[string]string) map[string]any {
	out := map[string]any{}
	for to, from := range mapping {
		if v, ok := c.lead.values[from]; ok {
			out[to] = jsonShape(v)
		}
	}
	return out
}

// jsonShape turns a stored value back into what decodeBody yields.
func jsonShape(v any) any {
	switch x := v.(type) {
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case float64:
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64))
	}
	return v
}

// matchContact is the given contact, else the oldest live contact with the lead's email.
func (c *converter) matchContact(id int64) (int64, *zerr) {
	if id != 0 {
		return id, nil
	}
	contacts := c.s.modules[ModuleContacts]
	if email := c.lead.str("Email"); email != "" {
		if dups := c.s.findEqual(contacts, contacts.field("Email"), email, 0); len(dups) > 0 {
			return dups[0].id, nil
		}
	}
	return 0, nil
}

// account is the given account, else the matched contact's own account, else the oldest
// live account named as the lead's Company, else a new one when the lead has a Company.
func (c *converter) account(id, contactID int64) (int64, *zerr) {
	accounts := c.s.modules[ModuleAccounts]
	if id == 0 && contactID != 0 {
		id, _ = c.s.modules[ModuleContacts].st.get(contactID).values["Account_Name"].(int64)
	}
	company := c.lead.str("Company")
	if id == 0 && company != "" {
		if dups := c.s.findEqual(accounts, accounts.field("Account_Name"), company, 0); len(dups) > 0 {
			id = dups[0].id
		}
	}
	vals := c.mapped(accountMapping)
	switch {
	case id != 0:
		return id, c.fill(accounts, id, vals, nil)
	case company == "":
		return 0, nil
	}
	vals["Owner"] = idString(c.owner)
	return c.create(accounts, vals, "Accounts")
}

// contact fills the matched contact (linking it to the account when it has none, or
// when overwrite says so) or creates one under the account.
func (c *converter) contact(id, accountID int64, overwrite bool) (int64, *zerr) {
	contacts := c.s.modules[ModuleContacts]
	vals := c.mapped(contactMapping)
	if accountID != 0 {
		vals["Account_Name"] = idString(accountID)
	}
	if id != 0 {
		var force []string
		if overwrite && accountID != 0 {
			force = []string{"Account_Name"}
		}
		return id, c.fill(contacts, id, vals, force)
	}
	vals["Owner"] = idString(c.owner)
	return c.create(contacts, vals, "Contacts")
}

// newDeal creates the deal the request's Deals object describes, under the account and
// the contact, with the lead's Lead_Source and the new records' owner unless it names
// them.
func (c *converter) newDeal(given map[string]any, accountID, contactID int64) (int64, *zerr) {
	vals := map[string]any{"Owner": idString(c.owner), "Contact_Name": idString(contactID)}
	if v, ok := c.lead.values["Lead_Source"]; ok {
		vals["Lead_Source"] = v
	}
	if accountID != 0 {
		vals["Account_Name"] = idString(accountID)
	}
	for k, v := range given {
		vals[k] = v
	}
	return c.create(c.s.modules[ModuleDeals], vals, "Deals")
}

// create inserts a record of m; its refusal names the request key (Accounts, Contacts,
// Deals) in its json_path: "$.data[0].Deals.Stage" [unverified path].
func (c *converter) create(m *moduleDef, vals map[string]any, key string) (int64, *zerr) {
	r, e := c.s.createLocked(m, vals, 0)
	if e != nil {
		if api, ok := e.details["api_name"].(string); ok {
			e.details["json_path"] = "$.data[0]." + key + "." + api
		}
		return 0, e
	}
	c.undo = append(c.undo, func() { m.st.drop(r) })
	return r.id, nil
}

// fill writes vals into record id's empty fields, and the force fields whatever they
// hold; nothing is written when nothing is empty.
func (c *converter) fill(m *moduleDef, id int64, vals map[string]any, force []string) *zerr {
	old := m.st.liveRecord(id)
	set := map[string]any{}
	for k, v := range vals {
		if _, has := old.values[k]; !has || slices.Contains(force, k) && !sameValue(old.values[k], refIDOf(v)) {
			set[k] = v
		}
	}
	if len(set) == 0 {
		return nil
	}
	r, e := c.s.updateLocked(m, old, set, 0)
	if e != nil {
		return e
	}
	c.undo = append(c.undo, func() { m.st.replace(r, old) })
	return nil
}

// refIDOf reads an id string as the int64 a lookup stores; other values are kept.
func refIDOf(v any) any {
	if s, ok := v.(string); ok {
		if id, ok := parseID(s); ok {
			return id
		}
	}
	return v
}

// drop removes a record inserted by a conversion that failed later.
func (st *store) drop(r *record) {
	if i := slices.Index(st.recs, r); i >= 0 {
		st.recs = slices.Delete(st.recs, i, i+1)
	}
	delete(st.byID, r.id)
	if !r.deleted {
		st.live--
	}
	st.invalidate()
}
