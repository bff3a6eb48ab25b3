package salesforce

import (
	"fmt"
	"strings"
)

// Person accounts (SOAP API Developer Guide, "Person Account Record
// Types"; Change Data Capture, "Change Events for Person Accounts"). An
// org with person accounts enabled has IsPersonAccount on Account and on
// Contact. A person account is an Account whose IsPersonAccount is true,
// with a "person contact": a Contact created with it, the only Contact
// associated directly with it, whose id is the Account's PersonContactId.
// The Account carries the person contact's fields: FirstName and LastName
// under their own names, the other standard ones prefixed Person
// (PersonEmail, PersonMobilePhone, PersonTitle, PersonMailingCity, ...),
// custom ones suffixed __pc. The person contact can be read through
// /sobjects/Contact and SOQL on Contact; its fields are written on the
// person account, and a change there updates both records'
// LastModifiedDate. [unverified: a write of a person contact through the
// Contact object is refused per record with INVALID_FIELD_FOR_INSERT_UPDATE
// and this sandbox's message; Salesforce's own wording may differ. Contact
// Phone being Account Phone on a person account is also unverified.]

// personContactFields pairs a person contact's standard fields with the
// Account field that carries them on a person account.
var personContactFields = [][2]string{
	{"FirstName", "FirstName"}, {"LastName", "LastName"}, {"Email", "PersonEmail"}, {"Phone", "Phone"},
	{"MobilePhone", "PersonMobilePhone"}, {"Title", "PersonTitle"}, {"Department", "PersonDepartment"},
	{"LeadSource", "PersonLeadSource"}, {"MailingCity", "PersonMailingCity"}, {"MailingCountry", "PersonMailingCountry"},
	{"Birthdate", "PersonBirthdate"}, {"Description", "Description"}, {"HasOptedOutOfEmail", "PersonHasOptedOutOfEmail"},
}

// personAccountField is the Account field that carries a person contact's
// field name ("" for none): the pairs above, a custom field's __pc twin.
func personAccountField(name string) string {
	for _, p := range personContactFields {
		if strings.EqualFold(p[0], name) {
			return p[1]
		}
	}
	if strings.HasSuffix(name, "__c") {
		return strings.TrimSuffix(name, "__c") + "__pc"
	}
	return ""
}

func isPersonAccountField() Field {
	return Field{Name: "IsPersonAccount", Label: "Is Person Account", Type: "boolean", DefaultedOnCreate: true, Default: "false"}
}

// EnablePersonAccounts turns person accounts on for the org, as Salesforce
// Support does (it cannot be undone): Account and Contact gain
// IsPersonAccount (false on every existing record), and Account gains
// PersonContactId and the person contact's fields.
func (s *Sim) EnablePersonAccounts() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	contact, account := s.stores["contact"], s.stores["account"]
	if _, on := contact.obj.field("IsPersonAccount"); on {
		return nil
	}
	contact.obj.Fields = append(contact.obj.Fields, isPersonAccountField())
	contact.obj.frozen = personContactWrite
	pcID := ref("PersonContactId", "Person Contact ID", "Contact")
	pcID.Createable, pcID.Updateable = false, false
	add := append([]Field{isPersonAccountField(), pcID}, s.addPersonRecordType(account)...)
	for _, f := range contact.obj.Fields[numSystem:] {
		to := personAccountField(f.Name)
		if _, has := account.obj.field(to); to == "" || has || f.Calculated || f.Name == "IsPersonAccount" {
			continue
		}
		f.Name, f.Unique, f.ExternalID, f.Nillable = to, false, false, true // a business account has none
		add = append(add, f)
	}
	account.obj.Fields = append(account.obj.Fields, add...)
	// A Lead's Company is no longer required: a Lead without one converts
	// to a person account (Salesforce Help, "Convert Leads"; only the API
	// creates such a Lead) [unverified: that describe then says Company is
	// nillable].
	lead := s.stores["lead"]
	if i, ok := lead.obj.field("Company"); ok {
		lead.obj.Fields[i].Nillable = true
	}
	for _, st := range []*objectStore{contact, account} {
		reindex(st.obj)
		i, _ := st.obj.field("IsPersonAccount")
		for _, r := range st.recs {
			r.vals = append(r.vals, make([]string, len(st.obj.Fields)-len(r.vals))...)
			r.vals[i] = "false"
		}
	}
	return nil
}

// personContactWrite refuses a write of a person contact through Contact.
func personContactWrite(o *Object, vals []string) *recError {
	if i, ok := o.field("IsPersonAccount"); ok && vals[i] == "true" {
		return &recError{StatusCode: "INVALID_FIELD_FOR_INSERT_UPDATE", Fields: []string{},
			Message: "Cannot update the contact of a person account: update its fields on the person account (Account) instead"}
	}
	return nil
}

// CreatePersonAccount creates a person account from its person contact's
// fields (Contact names: FirstName, LastName, Email, Title, ...), as a
// person does in Salesforce's UI: the Account and its person contact.
func (s *Sim) CreatePersonAccount(fields map[string]string) (account, contact Record, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cst, ast := s.stores["contact"], s.stores["account"]
	if _, on := cst.obj.field("IsPersonAccount"); !on {
		return Record{}, Record{}, fmt.Errorf("salesforce sim: person accounts are not enabled")
	}
	name := strings.TrimSpace(fields["FirstName"] + " " + fields["LastName"])
	a, errs := s.createLocked(ast, map[string]any{"Name": name})
	if errs != nil {
		return Record{}, Record{}, fmt.Errorf("salesforce sim: create person account: %s", joinErrs(errs))
	}
	body := toAny(fields)
	body["AccountId"] = a.id
	c, errs := s.createLocked(cst, body)
	if errs != nil {
		ast.remove(a)
		return Record{}, Record{}, fmt.Errorf("salesforce sim: create person account: %s", joinErrs(errs))
	}
	pairPerson(ast, cst, a, c)
	for ci, f := range cst.obj.Fields {
		if ai, ok := ast.obj.field(personAccountField(f.Name)); ok && c.vals[ci] != "" {
			a.vals[ai] = c.vals[ci]
		}
	}
	return s.snapshot(ast, a), s.snapshot(cst, c), nil
}

// mirrorPerson copies a person account's person fields, just written, to
// its person contact and modifies it too. Caller holds s.mu.
func (s *Sim) mirrorPerson(st *objectStore, r *record) {
	pi, ok := st.obj.field("PersonContactId")
	if !ok || st.obj.Name != "Account" || r.vals[pi] == "" {
		return
	}
	cst := s.stores["contact"]
	c := cst.get(r.vals[pi])
	if c == nil {
		return
	}
	cst.unindex(c)
	for ci, f := range cst.obj.Fields {
		if ai, ok := st.obj.field(personAccountField(f.Name)); ok {
			c.vals[ci] = r.vals[ai]
		}
	}
	cst.index(c)
	c.modified = r.modified
	ni, _ := st.obj.field("Name")
	fi, _ := st.obj.field("FirstName")
	li, _ := st.obj.field("LastName")
	r.vals[ni] = strings.TrimSpace(r.vals[fi] + " " + r.vals[li])
}

// pairPerson marks account a and contact c as a person account and its
// person contact.
func pairPerson(ast, cst *objectStore, a, c *record) {
	i, _ := cst.obj.field("IsPersonAccount")
	c.vals[i] = "true"
	i, _ = ast.obj.field("IsPersonAccount")
	a.vals[i] = "true"
	i, _ = ast.obj.field("PersonContactId")
	a.vals[i] = c.id
}
