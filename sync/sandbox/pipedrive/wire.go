package pipedrive

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// errorInfo is the error_info text of Pipedrive's error responses (core-api-concepts-responses).
const errorInfo = "Please check developers.pipedrive.com for more information about Pipedrive API."

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError renders Pipedrive's error schema: success false, error, error_info, null data.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "error": msg, "error_info": errorInfo,
		"data": nil, "additional_data": nil})
}

// writeUnauthorized renders a refused token: the error schema plus the v1
// spec's UnathorizedResponse errorCode, as Pipedrive's gateway answers
// ({"success":false,"error":"unauthorized access","errorCode":401,...}).
func writeUnauthorized(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "error": msg, "errorCode": http.StatusUnauthorized,
		"error_info": errorInfo, "data": nil, "additional_data": nil})
}

// writeData renders {"success":true,"data":...}.
func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": data})
}

// writePage renders a cursor-paged list; next_cursor is null on the last page.
func writePage(w http.ResponseWriter, data any, next string) {
	var nc any
	if next != "" {
		nc = next
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": data,
		"additional_data": map[string]any{"next_cursor": nc}})
}

// timeFormat is v2's RFC 3339 form with second precision, e.g. 2024-07-01T05:46:33Z.
const timeFormat = "2006-01-02T15:04:05Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// listCursor is the opaque cursor of v2 lists: base64url JSON naming the first item of
// the next page, in the shape of the spec's example cursor
// ({"field":"id","fieldValue":7,"sortDirection":"asc","id":7}).
type listCursor struct {
	Field         string `json:"field"`
	FieldValue    any    `json:"fieldValue"`
	SortDirection string `json:"sortDirection"`
	ID            int64  `json:"id"`
}

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("decode cursor: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode cursor: %w", err)
	}
	return nil
}

// offsetCursor pages search results and field lists.
type offsetCursor struct {
	Offset int `json:"offset"`
}

// decodeObject reads a JSON object body keeping numbers exact; nil and an error for anything else.
func decodeObject(r io.Reader) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(io.LimitReader(r, 8<<20))
	dec.UseNumber()
	var m map[string]json.RawMessage
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
