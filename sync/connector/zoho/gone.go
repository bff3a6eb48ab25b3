package zoho

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// isOwnIDPath says whether path is the JSON path of a request record's own
// id ("$.data[3].id"), as Zoho names it in a record's error; a lookup's id
// sits deeper ("$.data[3].Account_Name.id") and its error names the lookup.
func isOwnIDPath(path string) bool {
	idx, ok := strings.CutPrefix(path, "$.data[")
	if !ok {
		return false
	}
	idx, ok = strings.CutSuffix(idx, "].id")
	_, err := strconv.Atoi(idx)
	return ok && err == nil
}

// namesOwnID says whether a record's error is Zoho's answer to an update
// of a record that no longer exists (deleted, or merged away): INVALID_DATA
// "the id given seems to be invalid" naming api_name "id", at the
// record's own id when a path is given (update-records doc, v8).
func (e zohoError) namesOwnID() bool {
	if e.Code != "INVALID_DATA" {
		return false
	}
	var d struct {
		APIName  string `json:"api_name"`
		JSONPath string `json:"json_path"`
	}
	_ = json.Unmarshal(e.Details, &d)
	return d.APIName == "id" && (d.JSONPath == "" || isOwnIDPath(d.JSONPath))
}

// markGone makes an update's refusal of its own id the not-found naming no
// field that the engine holds as the record's delete, keeping Zoho's
// message and saying what it means.
func markGone(re *connector.RecordError) {
	re.Category, re.Field = connector.CatNotFound, ""
	re.Message += " (the record no longer exists in Zoho CRM: deleted or merged)"
}

// deleteResult is one id's outcome of a delete. Zoho refuses the delete of
// a record already deleted (or never there) with INVALID_DATA "record not
// deleted" naming only that id (deleteRecords' 207 example): the record is
// gone, which is what the delete was for, so it is the not-found the
// engine counts as done, not a validation failure to fix.
func deleteResult(object, id string, w writeResult) connector.Result {
	r := toResult(object, nil, connector.Op{Kind: connector.OpUpdate, ID: id}, w)
	var re *connector.RecordError
	if errors.As(r.Err, &re) && w.namesDeletedID(id) {
		markGone(re)
	}
	return r
}

// namesDeletedID says whether a delete's error is INVALID_DATA whose
// details name id itself and nothing else (no api_name: a field's error
// names one).
func (e zohoError) namesDeletedID(id string) bool {
	if e.Code != "INVALID_DATA" {
		return false
	}
	var d struct {
		ID      json.Number `json:"id"`
		APIName string      `json:"api_name"`
	}
	_ = json.Unmarshal(e.Details, &d)
	return d.ID.String() == id && (d.APIName == "" || d.APIName == "id")
}
