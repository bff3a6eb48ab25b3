package zoho

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// timeFormat is Zoho's ISO 8601 form with a numeric offset, e.g.
// "2023-10-15T10:30:00+00:00" (spec examples). Zoho answers in the user's time zone;
// the sandbox user lives in UTC, so every time carries "+00:00".
const timeFormat = "2006-01-02T15:04:05-07:00"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime reads an ISO 8601 date-time with an offset ("Z" or "+05:30").
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an ISO 8601 date-time with offset: %q", s)
	}
	return t.UTC(), nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// parseID reads a record id: 1 to 19 digits.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeNoContent answers 204 with no body: Zoho's reply when a read finds nothing
// (getRecords, getDeletedRecords and search responses "204" in the spec).
func writeNoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// zerr is one Zoho error object, {"code","details","message","status":"error"}
// (spec API_Exception). status is the HTTP status when it is the whole answer.
type zerr struct {
	status  int
	code    string
	message string
	details map[string]any
}

func (e *zerr) Error() string { return e.code + ": " + e.message }

func (e *zerr) body() map[string]any {
	d := e.details
	if d == nil {
		d = map[string]any{}
	}
	return map[string]any{"code": e.code, "details": d, "message": e.message, "status": "error"}
}

// writeErr renders e as the whole response body.
func writeErr(w http.ResponseWriter, e *zerr) { writeJSON(w, e.status, e.body()) }

// writeDataErr renders e wrapped in data[], as the write endpoints do for batch-level
// refusals (updateRecord's LIMIT_EXCEEDED example).
func writeDataErr(w http.ResponseWriter, e *zerr) {
	writeJSON(w, e.status, map[string]any{"data": []any{e.body()}})
}

func badRequest(code, msg string, details map[string]any) *zerr {
	return &zerr{status: http.StatusBadRequest, code: code, message: msg, details: details}
}

// The messages below are the spec's examples and API_Exception enum values.
func errRequiredParam(param string) *zerr {
	return badRequest("REQUIRED_PARAM_MISSING", "required param is missing", map[string]any{"param_name": param})
}

func errInvalidParam(param string) *zerr {
	return badRequest("INVALID_DATA", "invalid data", map[string]any{"param_name": param})
}

func errInvalidModule() *zerr {
	return badRequest("INVALID_MODULE", "the module name given seems to be invalid", map[string]any{"resource_path_index": 0})
}

func errInvalidURL() *zerr {
	return &zerr{status: http.StatusNotFound, code: "INVALID_URL_PATTERN", message: "Please check if the URL trying to access is a correct one"}
}

func errInvalidMethod() *zerr {
	return badRequest("INVALID_REQUEST_METHOD", "The http request method type is not a valid one", nil)
}

func errInternal() *zerr {
	return &zerr{status: http.StatusInternalServerError, code: "INTERNAL_ERROR", message: "Internal server error occurred."}
}

// fieldErr is a per-record INVALID_DATA / MANDATORY_NOT_FOUND / ... result naming the
// field's api_name and its JSON path in the request ("$.data[1].Email").
func fieldErr(code, msg, api string, idx int, extra map[string]any) *zerr {
	d := map[string]any{"api_name": api, "json_path": fmt.Sprintf("$.data[%d].%s", idx, api)}
	for k, v := range extra {
		d[k] = v
	}
	return badRequest(code, msg, d)
}

// decodeBody reads a JSON object keeping numbers exact.
func decodeBody(r io.Reader) (map[string]any, error) {
	dec := json.NewDecoder(io.LimitReader(r, 8<<20))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("request body is not a JSON object: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("request body must be a JSON object")
	}
	if dec.More() {
		return nil, fmt.Errorf("request body has data after the JSON object")
	}
	return m, nil
}

// normalize turns a Go value into what decodeBody yields (json.Number, map[string]any...),
// so the Go API and HTTP share one validator.
func normalize(v map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode fields: %w", err)
	}
	return decodeBody(bytes.NewReader(b))
}
