package hubspot

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// errDetail is HubSpot's ErrorDetail.
type errDetail struct {
	Message string              `json:"message"`
	Code    string              `json:"code,omitempty"`
	In      string              `json:"in,omitempty"`
	Context map[string][]string `json:"context,omitempty"`
}

// stdError is HubSpot's StandardError as it appears inside a batch response.
type stdError struct {
	Status   string `json:"status"`
	Category string `json:"category"`
	// SubCategory is set by the few errors HubSpot qualifies.
	SubCategory string              `json:"subCategory,omitempty"`
	Message     string              `json:"message"`
	Context     map[string][]string `json:"context"`
	Errors      []errDetail         `json:"errors"`
	Links       map[string]string   `json:"links"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError renders HubSpot's top-level Error body.
func writeError(w http.ResponseWriter, status int, category, message string, details []errDetail) {
	body := map[string]any{"status": "error", "message": message, "correlationId": correlationID(), "category": category}
	if len(details) > 0 {
		body["errors"] = details
	}
	writeJSON(w, status, body)
}

func writeRateLimited(w http.ResponseWriter, policy, message string, retry time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
	writeRateLimitBody(w, policy, message)
}

// writeRateLimitBody is HubSpot's 429 body (API usage guidelines' example).
func writeRateLimitBody(w http.ResponseWriter, policy, message string) {
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": message,
		"errorType": "RATE_LIMIT", "correlationId": correlationID(), "policyName": policy, "requestId": correlationID()})
}

func correlationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func nowISO(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// decodeBody decodes JSON with numbers kept exact; on failure it writes HubSpot's 400.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 32<<20))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON on line 1: "+err.Error(), nil)
		return false
	}
	return true
}

// stringify converts a JSON property value to HubSpot's string form ("" clears).
func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// Object is the public JSON shape of a CRM record (SimplePublicObject).
type Object struct {
	ID         string             `json:"id"`
	Properties map[string]*string `json:"properties"`
	CreatedAt  string             `json:"createdAt"`
	UpdatedAt  string             `json:"updatedAt"`
	Archived   bool               `json:"archived"`
	ArchivedAt string             `json:"archivedAt,omitempty"`
	New        *bool              `json:"new,omitempty"`
	// ObjectWriteTraceID echoes a batch input's objectWriteTraceId.
	ObjectWriteTraceID string `json:"objectWriteTraceId,omitempty"`
}

// valueOf returns the string value of property idx, computing the system ones.
func (s *Sim) valueOf(st *objectStore, r *record, idx int) string {
	switch idx {
	case pObjectID:
		return strconv.FormatInt(r.id, 10)
	case pCreate:
		return s.dateString(r.created)
	case pModified:
		return s.dateString(r.modified)
	}
	return r.vals[idx]
}

func (s *Sim) dateString(ms int64) string {
	if s.opts.EpochMillisDates {
		return strconv.FormatInt(ms, 10)
	}
	return isoMillis(ms)
}

// render builds the JSON object with the requested properties (nil = the object's defaults).
// Requested properties always come back, null when unset, plus the system ones, as HubSpot does.
func (s *Sim) render(st *objectStore, r *record, props []string) Object {
	sc := st.schema
	names := props
	if len(names) == 0 {
		names = sc.Defaults
	}
	out := Object{ID: strconv.FormatInt(r.id, 10), Properties: make(map[string]*string, len(names)+3),
		CreatedAt: isoMillis(r.created), UpdatedAt: isoMillis(r.modified), Archived: r.archived}
	if r.archived {
		out.ArchivedAt = isoMillis(r.archivedAt)
	}
	add := func(name string) {
		idx, ok := sc.prop(name)
		if !ok {
			return
		}
		if v := s.valueOf(st, r, idx); v != "" {
			out.Properties[name] = &v
		} else {
			out.Properties[name] = nil
		}
	}
	for _, n := range names {
		add(n)
	}
	for _, n := range []string{sc.Created, "hs_object_id", sc.Modified} {
		add(n)
	}
	return out
}
