package mailchimp

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// errorType is the problem type URI Mailchimp's errors carry today (errors doc).
const errorType = "https://mailchimp.com/developer/marketing/docs/errors/"

// Details of the error glossary and of real responses quoted in client
// libraries' issue threads.
const (
	detailInvalid     = "The resource submitted could not be validated. For field-specific details, see the 'errors' array."
	detailMerge       = "Your merge fields were invalid."
	detailNotFound    = "The requested resource could not be found."
	detailKeyMissing  = "Your request did not include an API key."
	detailKeyInvalid  = "Your API key may be invalid, or you've attempted to access the wrong datacenter."
	detailMethod      = "The requested method and resource are not compatible. See the Allow header for this resource's available methods."
	detailCompliance  = " is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed."
	detailForgotten   = " was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list."
	detailExists      = " is already a list member. Use PUT to insert or update list members."
	detailFake        = " looks fake or invalid, please enter a real email address."
	detailJSON        = "We encountered an unspecified JSON parsing error."
	detailConcurrency = "You have exceeded the limit of 10 simultaneous connections."
	detailQueryKey    = "The API key included in the query parameters is not consistent with the Authorization header. Please provide authorization using a single method."
)

// fieldError is one entry of a problem's errors array.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// problem is a Problem Detail Document (the spec's Problem_Detail_Document,
// draft-nottingham-http-problem), plus errors for validation failures.
type problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail"`
	Instance string       `json:"instance"`
	Errors   []fieldError `json:"errors,omitempty"`
}

func (p *problem) Error() string { return p.Title + ": " + p.Detail }

func newProblem(status int, title, detail string, errs ...fieldError) *problem {
	return &problem{Type: errorType, Title: title, Status: status, Detail: detail, Errors: errs}
}

func errNotFound() *problem {
	return newProblem(http.StatusNotFound, "Resource Not Found", detailNotFound)
}

func errInvalid(errs ...fieldError) *problem {
	return newProblem(http.StatusBadRequest, "Invalid Resource", detailInvalid, errs...)
}

func errMerge(errs ...fieldError) *problem {
	return newProblem(http.StatusBadRequest, "Invalid Resource", detailMerge, errs...)
}

func errFakeEmail(email string) *problem {
	return newProblem(http.StatusBadRequest, "Invalid Resource", email+detailFake)
}

func errExists(email string) *problem {
	return newProblem(http.StatusBadRequest, "Member Exists", email+detailExists)
}

func errCompliance(email string) *problem {
	return newProblem(http.StatusBadRequest, "Member In Compliance State", email+detailCompliance)
}

func errForgotten(email string) *problem {
	return newProblem(http.StatusBadRequest, "Forgotten Email Not Subscribed", email+detailForgotten)
}

// errJSON is the glossary's JSONParseError [title unverified].
func errJSON() *problem { return newProblem(http.StatusBadRequest, "JSON Parse Error", detailJSON) }

func errRequired(names ...string) fieldError {
	return fieldError{Field: "", Message: "Required fields were not provided: " + strings.Join(names, ", ")}
}

// errType is the schema validator's wrong-type message, e.g. "Schema describes
// string, NULL found instead".
func errType(field, want string, got any) fieldError {
	return fieldError{Field: field, Message: "Schema describes " + want + ", " + jsonKind(got) + " found instead"}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// errEnum refuses a value outside an enum [message unverified].
func errEnum(field, got string, allowed []string) fieldError {
	return fieldError{Field: field, Message: "Data presented is not one of the accepted values: " + strings.Join(allowed, ", ") +
		" (not " + got + ")"}
}

func newInstance() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// writeProblem answers with application/problem+json, as every Mailchimp error does.
func writeProblem(w http.ResponseWriter, p *problem) {
	out := *p
	out.Instance = newInstance()
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("X-Request-Id", out.Instance)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Request-Id", newInstance())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fmtTime writes ISO 8601 with an explicit +00:00 offset, as Mailchimp does
// ("2015-10-21T15:41:36+00:00"); the zero time is "".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05") + "+00:00"
}

// parseTime reads the ISO 8601 query filters. ok is false for a value that
// does not parse: Mailchimp then ignores the filter (a value whose "+" arrived
// as a space returned every member, MailChimp.Net issue #525) [unverified].
func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// link is one Resource_Link of a response's _links.
type link struct {
	Rel          string `json:"rel"`
	Href         string `json:"href"`
	Method       string `json:"method"`
	TargetSchema string `json:"targetSchema,omitempty"`
	Schema       string `json:"schema,omitempty"`
}

// schemaURL is where Mailchimp's links point their JSON schemas.
func schemaURL(base, name string) string { return base + "/schema/3.0/" + name + ".json" }
