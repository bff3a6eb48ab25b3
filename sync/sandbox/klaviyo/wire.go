package klaviyo

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// contentType is JSON:API's media type, which every /api answer carries.
const contentType = "application/vnd.api+json"

// apiError is one entry of a JSON:API errors document: the spec's ClientError
// (id, code, title, detail, source.pointer or source.parameter) plus the status,
// which real answers carry too. meta holds extras such as duplicate_profile_id.
type apiError struct {
	ID     string         `json:"id"`
	Status int            `json:"status"`
	Code   string         `json:"code"`
	Title  string         `json:"title"`
	Detail string         `json:"detail"`
	Source map[string]any `json:"source,omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Detail }

func newError(status int, code, title, detail string) *apiError {
	return &apiError{ID: uuid(), Status: status, Code: code, Title: title, Detail: detail}
}

// atPointer sets source.pointer, e.g. "/data/attributes/email".
func (e *apiError) atPointer(p string) *apiError { e.Source = map[string]any{"pointer": p}; return e }

// atParameter sets source.parameter, e.g. "filter".
func (e *apiError) atParameter(p string) *apiError {
	e.Source = map[string]any{"parameter": p}
	return e
}

// The titles and details below are those of real answers quoted in Klaviyo's
// community forum and client libraries' issue threads; where no source gives
// the wording it is marked [unverified].
func errInvalid(detail, pointer string) *apiError {
	return newError(http.StatusBadRequest, "invalid", "Invalid input.", detail).atPointer(pointer)
}

func errParam(detail, param string) *apiError {
	return newError(http.StatusBadRequest, "invalid", "Invalid input.", detail).atParameter(param)
}

func errNotFound(detail string) *apiError {
	return newError(http.StatusNotFound, "not_found", "Not found.", detail).atPointer("/data/")
}

func errNotAuthenticated() *apiError {
	// [unverified detail wording]
	return newError(http.StatusUnauthorized, "not_authenticated", "Authentication credentials were not provided.",
		"Missing or invalid authorization scheme. Please use Klaviyo-API-Key.")
}

func errAuthFailed() *apiError {
	return newError(http.StatusUnauthorized, "authentication_failed", "Incorrect authentication credentials.",
		"Missing or invalid authorization").atPointer("/data/")
}

func errPermission(missing []string) *apiError {
	// [unverified detail wording]
	return newError(http.StatusForbidden, "permission_denied", "You do not have permission to perform this action.",
		"This API key is missing required scopes: "+strings.Join(missing, ", "))
}

func errThrottled(wait int) *apiError {
	// [unverified wording]
	return newError(http.StatusTooManyRequests, "throttled", "Request was throttled.",
		fmt.Sprintf("Request was throttled. Expected available in %d second%s.", wait, plural(wait)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func errServer() *apiError {
	return newError(http.StatusInternalServerError, "error", "A server error occurred.", "A server error occurred.")
}

// writeErrors renders a JSON:API errors document with the first error's status.
func writeErrors(w http.ResponseWriter, errs ...*apiError) {
	writeJSON(w, errs[0].Status, map[string]any{"errors": errs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// uuid is a random version-4 UUID, the shape of error and import-error ids.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// stamp renders a time as the API does: ISO 8601 with +00:00, and with
// microseconds only when they are not zero (the spec's examples,
// "2022-11-08T00:00:00+00:00", and its descriptions, "YYYY-MM-DDTHH:MM:SS.mmmmmm",
// are both Python's isoformat) [which of the two Klaviyo sends for a whole second unverified].
func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05+00:00")
	}
	return t.Format("2006-01-02T15:04:05.000000+00:00")
}

// parseTime reads a filter or payload timestamp: RFC 3339 with or without a
// fraction and offset, or a bare date.
func parseTime(v string) (time.Time, bool) {
	v = strings.Trim(strings.TrimSpace(v), `"'`)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// crockford is the ULID alphabet.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

type urlValues = url.Values
