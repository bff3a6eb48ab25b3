package zoho

// The Go side of leads: ConvertLead, the call a test or the demo makes as a
// sales rep pressing "Convert" (leads.go has the wire call and what a
// conversion does), and SeedLeads.

import (
	"fmt"
	"strings"
	"time"
)

// LeadConvert says how ConvertLead converts a lead, as the convert call's keys do.
type LeadConvert struct {
	AccountID string // "Accounts": existing account to merge into; "" matches by Company, else creates one
	ContactID string // "Contacts": existing contact to merge into; "" matches by Email, else creates one
	AssignTo  string // "assign_to": owner of the new records; "" = the lead's owner
	Overwrite bool   // "overwrite": relink an existing contact of another account
	// CreateDeal makes the "Deals" object from the Deal* fields.
	CreateDeal      bool
	DealName        string  // "" = the lead's Company, else its full name
	DealStage       string  // "" = "Qualification"
	DealClosingDate string  // "2006-01-02"; "" = the conversion's day + 30
	DealAmount      float64 // 0 = none
	DealFields      map[string]any
	At              time.Time // when the conversion happens; zero = now
}

// LeadConvertResult names the records a conversion made or merged into ("" = none).
type LeadConvertResult struct {
	AccountID, ContactID, DealID string
}

// ConvertLead converts a lead as a sales rep does (and as POST
// /crm/v8/Leads/{id}/actions/convert does, without spending credits): it merges into or
// creates a contact and an account, optionally creates a deal, and marks the lead
// converted. Nothing changes if it fails.
func (s *Sim) ConvertLead(leadID string, in LeadConvert) (LeadConvertResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, e := s.convertGo(leadID, in)
	if e != nil {
		return LeadConvertResult{}, fmt.Errorf("zoho sim: convert lead %s: %w", leadID, asError(e))
	}
	return res, nil
}

func (s *Sim) convertGo(leadID string, in LeadConvert) (LeadConvertResult, *zerr) {
	leads := s.modules[ModuleLeads]
	n, _ := parseID(leadID)
	lead := leads.st.liveRecord(n)
	if lead == nil {
		return LeadConvertResult{}, fieldErr("INVALID_DATA", msgInvalidID, "id", 0, nil)
	}
	obj := map[string]any{"overwrite": in.Overwrite}
	for key, id := range map[string]string{"Accounts": in.AccountID, "Contacts": in.ContactID, "assign_to": in.AssignTo} {
		if id != "" {
			obj[key] = map[string]any{"id": id}
		}
	}
	at := in.At
	if at.IsZero() {
		at = s.now()
	}
	at = at.UTC().Truncate(time.Second)
	if in.CreateDeal {
		deal, err := normalize(s.dealOf(lead, in, at))
		if err != nil {
			return LeadConvertResult{}, badRequest("INVALID_DATA", err.Error(), nil)
		}
		obj["Deals"] = deal
	}
	req, e := s.parseConvert(map[string]any{"data": []any{obj}})
	if e != nil {
		return LeadConvertResult{}, e
	}
	req.at = at
	c, e := s.convertLocked(leads, lead, req)
	if e != nil {
		return LeadConvertResult{}, e
	}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return idString(n)
	}
	return LeadConvertResult{AccountID: id(c.account), ContactID: id(c.contact), DealID: id(c.deal)}, nil
}

// dealOf is the Deals object of a Go conversion, with its defaults.
func (s *Sim) dealOf(lead *record, in LeadConvert, at time.Time) map[string]any {
	deal := withFields(in.DealFields, nil)
	name := in.DealName
	if name == "" {
		name = strings.TrimSpace(lead.str("Company"))
	}
	if name == "" {
		name = s.displayName(s.modules[ModuleLeads], lead)
	}
	deal["Deal_Name"] = name
	deal["Stage"] = in.DealStage
	if in.DealStage == "" {
		deal["Stage"] = dealStages[0]
	}
	deal["Closing_Date"] = in.DealClosingDate
	if in.DealClosingDate == "" {
		deal["Closing_Date"] = at.AddDate(0, 0, 30).Format(time.DateOnly)
	}
	if in.DealAmount != 0 {
		deal["Amount"] = in.DealAmount
	}
	return deal
}

// LeadSeed is one trusted lead for SeedLeads.
type LeadSeed struct {
	FirstName   string
	LastName    string // required
	Email       string
	Phone       string
	Company     string
	Title       string // Designation
	City        string
	Status      string // Lead_Status; "" = none, else one of its values ("Not Contacted"...)
	Source      string // Lead_Source; "" = none
	EmailOptOut bool
	OwnerID     string // "" = the sandbox user
	// Fields sets further fields by API name with JSON-shaped values.
	Fields   map[string]any
	Created  time.Time // zero = now
	Modified time.Time // zero = Created
}

// SeedLeads bulk-loads trusted, unconverted leads without HTTP and returns their ids,
// with the API's validation (mandatory Last_Name; picklists; an active owner).
func (s *Sim) SeedLeads(rows []LeadSeed) ([]string, error) {
	return s.seedMany(ModuleLeads, "leads", len(rows), func(m *moduleDef, i int) (string, error) {
		row := rows[i]
		more := map[string]any{}
		if row.EmailOptOut {
			more["Email_Opt_Out"] = true
		}
		return s.seedRow(m, map[string]string{"First_Name": row.FirstName, "Last_Name": strings.TrimSpace(row.LastName),
			"Email": row.Email, "Phone": row.Phone, "Company": row.Company, "Designation": row.Title, "City": row.City,
			"Lead_Status": row.Status, "Lead_Source": row.Source}, withFields(row.Fields, more), row.OwnerID, row.Created, row.Modified)
	})
}
