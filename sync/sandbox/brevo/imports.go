package brevo

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxImportBody is jsonBody's limit: "Maximum allowed json body size is
// 10MB" (import-contacts; getbrevo/brevo-php RequestContactImport).
const maxImportBody = 10 << 20

// process is one background process (get-process): an IMPORTUSER import,
// queued until polled, then completed.
type process struct {
	id     int64
	status string
	// polls is how many GETs still answer in_process: the import runs in
	// the background, so its contacts appear only once it has completed.
	polls  int
	rows   []importRow
	lists  []int64
	update bool
	empty  bool
	report map[string]any // info.import: the report URLs, nil when none
	// at is when it was accepted: Brevo runs it whether or not anyone
	// polls, so a client killed after the POST still gets its contacts.
	at time.Time
}

// importRuns is how long after its acceptance an import has run in the
// background, polled or not (sandbox clock).
const importRuns = time.Second

// settleImports runs the imports accepted importRuns ago or more that no
// poll has completed yet. Callers do not hold s.mu.
func (s *Sim) settleImports() {
	if s.pendingImports.Load() == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, p := range s.processes {
		if p.status != "completed" && now.Sub(p.at) >= importRuns {
			s.complete(p)
		}
	}
}

// complete runs p and marks it completed. Callers hold s.mu.
func (s *Sim) complete(p *process) {
	s.runImport(p)
	p.status = "completed"
	s.pendingImports.Add(-1)
}

type importRow struct {
	Email      *string        `json:"email"`
	Attributes map[string]any `json:"attributes"`
}

// handleImport serves POST /v3/contacts/import with jsonBody
// (import-contacts): each row is {email, attributes}
// (RequestContactImportJsonBody); listIds is "Mandatory if newList is not
// defined"; updateExistingContacts defaults to true, and
// emptyContactsAttributes (default false) lets empty values erase
// attributes, only with it. It answers 202 {"processId"} and imports
// nothing yet. fileUrl, fileBody, newList, the blacklist flags and
// notifyUrl are not simulated [a body with none of jsonBody is refused].
func (s *Sim) handleImport(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxImportBody+1))
	if err != nil {
		writeError(w, &apiError{400, "bad_request", "Input must be a valid JSON object [unverified wording]"})
		return
	}
	var body struct {
		JSONBody               []importRow `json:"jsonBody"`
		ListIDs                []int64     `json:"listIds"`
		UpdateExistingContacts *bool       `json:"updateExistingContacts"`
		EmptyContactsAttrs     bool        `json:"emptyContactsAttributes"`
	}
	if len(b) > maxImportBody {
		writeError(w, badParam("Maximum allowed json body size is 10MB [unverified wording]"))
		return
	}
	if json.Unmarshal(b, &body) != nil {
		writeError(w, &apiError{400, "bad_request", "Input must be a valid JSON object [unverified wording]"})
		return
	}
	if len(body.JSONBody) == 0 {
		writeError(w, missingParam("fileUrl, fileBody or jsonBody is mandatory [unverified wording]"))
		return
	}
	if len(body.ListIDs) == 0 {
		writeError(w, missingParam("listIds or newList is mandatory [unverified wording]"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range body.ListIDs {
		if !slices.ContainsFunc(s.lists, func(x List) bool { return x.ID == l }) {
			writeError(w, badParam("List ID "+strconv.FormatInt(l, 10)+" does not exist [unverified wording]"))
			return
		}
	}
	if s.processes == nil {
		s.processes = map[int64]*process{}
	}
	s.nextProcess++
	update := body.UpdateExistingContacts == nil || *body.UpdateExistingContacts
	s.processes[s.nextProcess] = &process{id: s.nextProcess, status: "queued", polls: 1, rows: body.JSONBody,
		lists: body.ListIDs, update: update, empty: body.EmptyContactsAttrs && update, at: s.now()}
	s.pendingImports.Add(1)
	writeJSON(w, http.StatusAccepted, map[string]int64{"processId": s.nextProcess})
}

// handleProcess serves GET /v3/processes/{processId} (get-process): {id,
// name, status, info.import} with status queued, in_process or completed;
// info.import holds the URLs of CSV reports on problematic records
// (invalid_emails, duplicate_email_id, duplicate_phone_id, ...), null when
// none. The reports' columns are not documented; the sandbox names the URL
// and does not serve it [unverified].
func (s *Sim) handleProcess(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("processId"), 10, 64)
	if err != nil {
		writeError(w, badParam("processId is not valid [unverified wording]"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.processes[id]
	if p == nil {
		writeError(w, &apiError{404, "document_not_found", "Process does not exist [unverified wording]"})
		return
	}
	switch {
	case p.status == "completed":
	case p.polls > 0:
		p.polls--
		p.status = "in_process"
	default:
		s.complete(p)
	}
	out := map[string]any{"id": p.id, "name": "IMPORTUSER", "status": p.status}
	if p.status == "completed" {
		out["info"] = map[string]any{"import": p.report}
	}
	writeJSON(w, http.StatusOK, out)
}

// runImport writes an import's rows. A row Brevo cannot take (an invalid
// email or SMS, an identifier another contact holds) is skipped and
// counted in a report; "Any contact attribute that doesn't exist in your
// account will be ignored" (import-contacts), as are values of the wrong
// type. An existing email is updated only with updateExistingContacts.
// Callers hold s.mu.
func (s *Sim) runImport(p *process) {
	report := map[string]any{"invalid_emails": nil, "duplicate_contact_id": nil, "duplicate_ext_id": nil,
		"duplicate_email_id": nil, "duplicate_phone_id": nil, "duplicate_whatsapp_id": nil, "duplicate_landline_number_id": nil}
	url := func(kind string) string {
		return "https://sandbox.brevo.invalid/processes/" + strconv.FormatInt(p.id, 10) + "/" + kind + ".csv"
	}
	for _, row := range p.rows {
		known := map[string]any{}
		for k, v := range row.Attributes {
			if a, ok := s.attrs[strings.ToUpper(k)]; ok && (a.Category == "normal" || a.Category == "category") {
				known[k] = v
			}
		}
		attrs, e := s.validateAttrs(known)
		if e != nil {
			report["duplicate_phone_id"] = url("invalid_phone") // [unverified: which report an invalid SMS goes to]
			continue
		}
		if !p.empty {
			for k, v := range attrs {
				if v == nil {
					delete(attrs, k)
				}
			}
		}
		email := ""
		if row.Email != nil {
			email = strings.ToLower(strings.TrimSpace(*row.Email))
		}
		if email == "" || !validEmail(email) {
			report["invalid_emails"] = url("invalid_emails")
			continue
		}
		pt := patch{email: &email, attrs: attrs, listIDs: p.lists}
		if id, ok := s.byEmail[email]; ok {
			if p.update {
				if e := s.apply(s.contacts[id], pt, false); e != nil {
					report["duplicate_phone_id"] = url("duplicate_phone_id")
				}
			}
			continue
		}
		if e := s.apply(&Contact{}, pt, true); e != nil {
			report["duplicate_phone_id"] = url("duplicate_phone_id")
		}
	}
	p.report, p.rows = report, nil
}
