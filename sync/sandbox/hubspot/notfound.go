package hubspot

import (
	"net/http"
	"strings"
)

// writeSingleNotFound answers a GET or PATCH of one record that is not
// there, as HubSpot does; the batch endpoints answer a 207 instead
// (notFound). Captured responses agree (a HubSpot MCP client's PATCH
// test; a HubSpot mirror's "Not found" table, bodies from captures;
// HubSpot/hubspot-api-nodejs#669 for a GET):
//   - a numeric id that names no live record: 404
//     {"status":"error","message":"resource not found","correlationId":…},
//     with no category;
//   - an id that is not numeric, looked up as a record id: 404 "Object
//     not found.  objectId are usually numeric." (two spaces) with
//     context.id and category OBJECT_NOT_FOUND.
//
// [unverified] a value of another idProperty (email) that no record has
// gets the first form: HubSpot/hubspot-api-php#500 shows the 404, not
// its body.
func writeSingleNotFound(w http.ResponseWriter, id, idProperty string) {
	byRecordID := idProperty == "" || idProperty == "hs_object_id"
	if byRecordID && !allDigits(id) {
		writeJSON(w, http.StatusNotFound, map[string]any{"status": "error",
			"message": "Object not found.  objectId are usually numeric.", "correlationId": correlationID(),
			"context": map[string][]string{"id": {id}}, "category": "OBJECT_NOT_FOUND"})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "resource not found",
		"correlationId": correlationID()})
}

// allDigits says whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}
