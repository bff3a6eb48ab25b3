package dynamics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiError is a Dataverse Web API error: {"error":{"code":"0x...","message":"..."}} with
// an HTTP status (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#parse-errors-from-the-response).
type apiError struct {
	status  int
	code    string
	message string
	header  http.Header
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func newErr(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// Error codes. Hex codes are those the docs show for each case; where a page shows an
// empty code the value is the real platform's error code [unverified].
const (
	codeODataGeneric     = "0x0"        // URL/payload parse errors (web-api-client-errors troubleshooting page)
	codeNotFound         = "0x80040217" // ObjectDoesNotExist: -2147220969, ObjectNotFoundException.ObjectDoesNotExistErrorCode (SDK reference)
	codeSegmentNotFound  = "0x8006088a" // Resource not found for the segment
	codeMaxLength        = "0x80044331" // batch page example: "A validation error occurred.  The length of ..."
	codePayload          = "0x80048d19" // Error identified in Payload provided by the user
	codeDuplicate        = "0x80040237" // DuplicateRecord [unverified]
	codeDuplicateKey     = "0x80060892" // DuplicateRecordEntityKey: a taken alternate key (web service error codes)
	codeVersionMismatch  = "0x80060882" // ConcurrencyVersionMismatch [unverified]
	codeQueryUnsupported = "0x80060888" // [unverified]
	codeOutOfRange       = "0x80044330" // [unverified]
	codeBadOption        = "0x8004431a" // PicklistValueOutOfRange [unverified]
	codeUnexpected       = "0x80040216" // [unverified]
	codeRequestsLimit    = "0x80072322" // api-limits page
	codeUserNotEnabled   = "0x80040225" // unManagedidsusernotenabled (web service error codes)
	codePrivilegeDenied  = "0x80040220" // PrivilegeDenied (a Dataverse answer quoted on the community forum)
	codeExecTimeLimit    = "0x80072321" // api-limits page
	codeConcurrencyLimit = "0x80072326" // api-limits page
)

// opResult is one operation's HTTP answer, written either to the wire or into a $batch part.
type opResult struct {
	status int
	header http.Header
	body   []byte
}

func (r *opResult) failed() bool { return r.status >= 400 }

const jsonType = "application/json; odata.metadata=minimal"

func newResult(status int) *opResult {
	h := http.Header{}
	h["OData-Version"] = []string{"4.0"} // the docs' exact casing, kept on the wire
	return &opResult{status: status, header: h}
}

func errResult(e *apiError) *opResult {
	r := newResult(e.status)
	for k, v := range e.header {
		r.header[k] = v
	}
	r.header.Set("Content-Type", jsonType)
	r.body, _ = json.Marshal(map[string]any{"error": map[string]any{"code": e.code, "message": e.message}})
	return r
}

func jsonResult(status int, v any) *opResult {
	r := newResult(status)
	r.header.Set("Content-Type", jsonType+"; odata.streaming=true")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	r.body = bytes.TrimRight(buf.Bytes(), "\n")
	return r
}

func (r *opResult) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if len(r.body) > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

// formatTime writes a DateTime column: UTC, whole seconds, "Z"
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview: "2016-09-28T23:14:00Z" in examples).
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func etag(v int64) string { return `W/"` + formatInt(v) + `"` }
